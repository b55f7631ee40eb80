// Electron's security checklist, one test per item, on the functions electron-main.ts hands
// to Electron's hooks (issue 11, "nothing let in").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  APP_ENTRY_URL,
  contentSecurityPolicy,
  isAllowedExternalUrl,
  isAppUrl,
  navigationGuard,
  permissionCheckHandler,
  permissionRequestHandler,
  resolveAppAsset,
  senderProblem,
  windowOpenHandler,
} from "./security.ts";
import { SECURE_WEB_PREFERENCES } from "./window-manager.ts";

describe("Electron security checklist", () => {
  it("2-3 isolation: context isolation and sandbox on, Node integration off, web security on", () => {
    expect(SECURE_WEB_PREFERENCES).toEqual({ contextIsolation: true, nodeIntegration: false, sandbox: true, webSecurity: true });
  });

  it("4 CSP: names the chat server's origin, no wildcard schemes, nothing else", () => {
    const csp = contentSecurityPolicy("https://chat.example.com/base");
    expect(csp).toContain("connect-src https://chat.example.com wss://chat.example.com");
    expect(csp).toContain("img-src 'self' data: https://chat.example.com");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/(^|\s)(ws:|wss:|http:|https:)(\s|;|$)/);
    expect(contentSecurityPolicy("http://127.0.0.1:8787")).toContain("connect-src http://127.0.0.1:8787 ws://127.0.0.1:8787");
  });

  it("5 permissions: every request and check is denied unless needed", () => {
    const answers: boolean[] = [];
    const handler = permissionRequestHandler();
    for (const p of ["media", "geolocation", "notifications", "openExternal", "clipboard-read", "hid", "serial"]) handler(null, p, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false, false, false, false]);
    expect(permissionCheckHandler()(null, "media")).toBe(false);
    expect(permissionCheckHandler(new Set(["notifications"]))(null, "notifications")).toBe(true);
  });

  it("13 navigation: leaving the app's pages is refused; a web link goes to the OS browser instead", () => {
    const opened: string[] = [];
    const guard = navigationGuard((u) => opened.push(u));
    const navigate = (url: string) => {
      let prevented = false;
      guard({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate(`${APP_ENTRY_URL}?window=settings`)).toBe(false);
    expect(navigate("https://evil.example/phish")).toBe(true);
    expect(navigate("file:///etc/passwd")).toBe(true);
    expect(navigate("app://other-host/index.html")).toBe(true);
    expect(opened).toEqual(["https://evil.example/phish"]);
  });

  it("14 new windows: a link never opens an app window; allowed links open in the OS browser", () => {
    const opened: string[] = [];
    const handler = windowOpenHandler((u) => opened.push(u));
    for (const url of ["https://example.com/a?b=1", "http://example.org", "javascript:alert(1)", "file:///C:/x", "https://user:pw@example.com", "data:text/html,hi", "smb://host/share"]) {
      expect(handler({ url })).toEqual({ action: "deny" });
    }
    expect(opened).toEqual(["https://example.com/a?b=1", "http://example.org"]);
  });

  it("15 openExternal: only http(s) URLs with a host and no credentials", () => {
    expect(isAllowedExternalUrl("https://kick.com/xqc")).toBe(true);
    for (const bad of ["ms-msdt:/id PCWDiagnostic", "file:///etc/passwd", "javascript:alert(1)", "vbscript:x", "https://a:b@x.io", "not a url", `https://x.io/${"a".repeat(3000)}`]) {
      expect(isAllowedExternalUrl(bad), bad).toBe(false);
    }
  });

  it("17 IPC senders: only a window the app opened, its main frame, showing an app page", () => {
    const open = new Set([1, 2]);
    expect(senderProblem({ windowId: 1, url: `${APP_ENTRY_URL}?window=main` }, open)).toBeNull();
    expect(senderProblem({ windowId: 1, url: null }, open)).toBeNull();
    expect(senderProblem({ windowId: 7, url: APP_ENTRY_URL }, open)).toMatch(/not an app window/);
    expect(senderProblem({ windowId: null, url: APP_ENTRY_URL }, open)).toMatch(/not an app window/);
    expect(senderProblem({ windowId: 2, url: "https://evil.example/" }, open)).toMatch(/not an app page/);
    expect(senderProblem({ windowId: 2, url: APP_ENTRY_URL, mainFrame: false }, open)).toMatch(/sub-frame/);
  });

  describe("18 no file://: pages come from app://kicktalk/, confined to the bundle", () => {
    const root = mkdtempSync(join(tmpdir(), "kicktalk-bundle-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    it.each([
      ["app://kicktalk/index.html", "index.html"],
      ["app://kicktalk/", "index.html"],
      ["app://kicktalk/renderer.js?x=1", "renderer.js"],
    ])("serves %s", (url, file) => {
      expect(resolveAppAsset(root, url)).toBe(join(root, file));
      expect(isAppUrl(url)).toBe(true);
    });
    it.each(["app://kicktalk/../../etc/passwd", "app://kicktalk/%2e%2e/%2e%2e/etc/passwd", "app://kicktalk/..%2F..%2Fsecret", "app://kicktalk/x/..%5C..%5C..%5Csecret"])(
      "keeps %s inside the bundle",
      (url) => {
        const file = resolveAppAsset(root, url);
        expect(file === null || file.startsWith(`${root}/`)).toBe(true);
      },
    );
    it.each(["app://other/index.html", "file:///etc/passwd", "app://kicktalk/a%00.js", "app://kicktalk/%E0%A4%A"])(
      "refuses %s",
      (url) => {
        expect(resolveAppAsset(root, url)).toBeNull();
      },
    );
  });
});
