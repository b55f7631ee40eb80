// Runs the client here without Electron: the main-process code (startMainApp, the real
// telemetry layer) in this Node process, and every window as a page of Debian's Chromium
// driven by playwright-core, loading the esbuild renderer bundle. The preload API is
// createAppApi() in the page, its invoke crossing to Node through page.exposeBinding and
// landing in the same IPC handlers Electron's ipcMain would call.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { SYSTEM_TOOLS, ensureSystemTools } from "../../stack/runner/system-packages.ts";
import type { TelemetryConfig, TelemetryDeps } from "../telemetry/index.ts";
import { InProcessIpcMain } from "../main/in-process-ipc.ts";
import { startMainApp, type MainApp } from "../main/main-app.ts";
import type { AppWindow, WindowFactory, WindowName } from "../main/window-manager.ts";
import { HARNESS_BINDING } from "./binding-name.ts";
import { buildClientBundles } from "./bundle.ts";

/** Launch flags for Chromium in CI containers: headless, no sandbox (no user namespaces), quiet. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

export interface HarnessOptions {
  readonly chatServerUrl: string;
  readonly appVersion?: string;
  /** Extra environment for main (OTEL_*, KICKTALK_UPDATE_FEED_DIR, ...). */
  readonly env?: NodeJS.ProcessEnv;
  readonly telemetryOverrides?: Partial<TelemetryConfig>;
  readonly telemetryDeps?: TelemetryDeps;
  /** Query parameters for every window (e.g. backoffMs for quick reconnects). */
  readonly windowQuery?: Readonly<Record<string, string>>;
  /** Called for every console error of a page (tests fail on unexpected ones). */
  readonly onPageError?: (message: string) => void;
}

export interface HarnessWindow {
  readonly id: number;
  readonly name: WindowName;
  readonly page: Promise<Page>;
}

export interface ClientHarness {
  readonly app: MainApp;
  readonly ipc: InProcessIpcMain;
  readonly context: BrowserContext;
  readonly userDataDir: string;
  /** Windows currently open, by id. */
  windows(): HarnessWindow[];
  /** The main window's page, loaded. */
  mainPage(): Promise<Page>;
  /** Waits for the next window main opens (a dialog) and returns it. */
  nextWindow(): Promise<HarnessWindow>;
  /** True once main asked the app to quit (updater install). */
  quitRequested(): boolean;
  close(): Promise<void>;
}

export async function launchClientHarness(options: HarnessOptions): Promise<ClientHarness> {
  ensureSystemTools(SYSTEM_TOOLS.chromium);
  const bundle = await buildClientBundles();
  const userDataDir = mkdtempSync(join(tmpdir(), "kicktalk-userdata-"));
  const profileDir = mkdtempSync(join(tmpdir(), "kicktalk-chromium-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: SYSTEM_TOOLS.chromium.binary,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1100, height: 720 },
  });
  const ipc = new InProcessIpcMain();
  const windowOfPage = new Map<Page, number>();
  // A payload JSON carries unchanged comes as a string (harness-preload.ts losslessJson).
  await context.exposeBinding(HARNESS_BINDING, ({ page }, channel: string, payload: unknown, encoding?: "json") =>
    ipc.invoke(channel, encoding === "json" ? (JSON.parse(payload as string) as unknown) : payload, windowOfPage.get(page) ?? 0),
  );
  await context.addInitScript({ path: bundle.harnessPreload });
  // The persistent context opens one blank page; windows get their own pages.
  for (const p of context.pages()) await p.close();

  const open = new Map<number, HarnessWindow>();
  const waiters: ((w: HarnessWindow) => void)[] = [];
  let nextId = 1;
  let quit = false;
  const rendererUrl = pathToFileURL(bundle.rendererHtml);

  const windowFactory: WindowFactory = {
    create(spec): AppWindow {
      const id = nextId++;
      const closedListeners: (() => void)[] = [];
      let closed = false;
      const fireClosed = () => {
        if (closed) return;
        closed = true;
        open.delete(id);
        for (const l of closedListeners) l();
      };
      const page = (async () => {
        const p = await context.newPage();
        windowOfPage.set(p, id);
        p.on("close", fireClosed);
        p.on("console", (m) => {
          if (m.type() === "error") options.onPageError?.(`[${spec.name}#${id}] ${m.text()}`);
        });
        p.on("pageerror", (e) => options.onPageError?.(`[${spec.name}#${id}] ${e.stack ?? e.message}`));
        const url = new URL(rendererUrl);
        for (const [k, v] of Object.entries({ ...options.windowQuery, ...spec.query })) url.searchParams.set(k, v);
        await p.goto(url.href);
        return p;
      })();
      page.catch(() => undefined);
      const win: HarnessWindow = { id, name: spec.name, page };
      open.set(id, win);
      waiters.shift()?.(win);
      return {
        id,
        close: () => void page.then((p) => p.close()).catch(() => fireClosed()),
        onClosed: (l) => closedListeners.push(l),
      };
    },
  };

  let app: MainApp;
  try {
    app = await startMainApp({
      ipcMain: ipc,
      windowFactory,
      userDataDir,
      env: { ...options.env },
      appVersion: options.appVersion ?? "1.0.0",
      chatServerUrl: options.chatServerUrl,
      quit: () => {
        quit = true;
      },
      ...(options.telemetryOverrides ? { telemetryOverrides: options.telemetryOverrides } : {}),
      ...(options.telemetryDeps ? { telemetryDeps: options.telemetryDeps } : {}),
      print: () => undefined,
    });
  } catch (err) {
    await context.close();
    throw err;
  }

  return {
    app,
    ipc,
    context,
    userDataDir,
    windows: () => [...open.values()],
    async mainPage() {
      const main = [...open.values()].find((w) => w.name === "main");
      if (!main) throw new Error("harness: the main window is not open");
      return main.page;
    },
    nextWindow: () => new Promise((resolve) => waiters.push(resolve)),
    quitRequested: () => quit,
    async close() {
      // Flush the renderer's buffered telemetry through main before main shuts down.
      for (const w of open.values()) {
        const p = await w.page.catch(() => undefined);
        await p?.evaluate(() => window.__kicktalk?.telemetry.flush()).catch(() => undefined);
      }
      await app.shutdown(3_000);
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
