// The only file that imports Electron in main: adapts app, ipcMain and BrowserWindow to
// startMainApp()'s interfaces (the code tests run in Node). Built to
// .cache/client-app/main/main.mjs by client/harness/bundle.ts; `npm run client:dev` runs it.
import { readFile } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BrowserWindow, app, dialog, ipcMain, protocol, session, shell, type IpcMainInvokeEvent } from "electron";
import { DEFAULT_CHAT_SERVER_URL, startMainApp, type MainApp } from "./main-app.ts";
import { startSingleInstance } from "./single-instance.ts";
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  contentSecurityPolicy,
  navigationGuard,
  permissionCheckHandler,
  permissionRequestHandler,
  resolveAppAsset,
  windowOpenHandler,
} from "./security.ts";
import { SECURE_WEB_PREFERENCES, type AppWindow, type WindowFactory } from "./window-manager.ts";

const here = dirname(fileURLToPath(import.meta.url)); // .cache/client-app/main
const PRELOAD = join(here, "../preload/preload.cjs");
const RENDERER_DIR = join(here, "../renderer");
const CHAT_SERVER_URL = process.env.KICKTALK_CHAT_SERVER_URL ?? DEFAULT_CHAT_SERVER_URL;
const CSP = contentSecurityPolicy(CHAT_SERVER_URL);
const MIME: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".map": "application/json", ".svg": "image/svg+xml", ".png": "image/png" };

// Checklist 18: the app's pages come from app://kicktalk/, not file://.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const openExternal = (url: string) => void shell.openExternal(url);

const windowFactory: WindowFactory = {
  create(spec): AppWindow {
    const parent = spec.parentId !== undefined ? BrowserWindow.fromId(spec.parentId) ?? undefined : undefined;
    const win = new BrowserWindow({
      title: spec.title,
      width: spec.width,
      height: spec.height,
      backgroundColor: "#0f1115",
      ...(parent ? { parent } : {}),
      webPreferences: { ...SECURE_WEB_PREFERENCES, preload: PRELOAD },
    });
    // Checklist 13-14: no navigation away from the app, no new windows for links.
    win.webContents.setWindowOpenHandler(windowOpenHandler(openExternal));
    win.webContents.on("will-navigate", navigationGuard(openExternal));
    win.webContents.on("will-redirect", navigationGuard(openExternal));
    const url = new URL(APP_ENTRY_URL);
    for (const [k, v] of Object.entries(spec.query)) url.searchParams.set(k, v);
    void win.loadURL(url.href);
    return {
      id: win.id,
      close: () => win.close(),
      onClosed: (listener) => win.once("closed", listener),
      isMinimized: () => win.isMinimized(),
      restore: () => win.restore(),
      focus: () => win.focus(),
    };
  },
};

let main: MainApp | undefined;

// One instance per profile (single-instance.ts): the lock is taken before the app is ready,
// and a second instance exits here, before settings, telemetry or any window exist.
const started = startSingleInstance(app, () =>
  app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, async (request) => {
      const file = resolveAppAsset(RENDERER_DIR, request.url);
      if (!file) return new Response("not found", { status: 404 });
      try {
        const body = await readFile(file);
        return new Response(body, { headers: { "content-type": MIME[extname(file)] ?? "application/octet-stream", "content-security-policy": CSP } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    });
    // Checklist 5: Electron grants every permission by default; the app needs none.
    session.defaultSession.setPermissionRequestHandler(permissionRequestHandler());
    session.defaultSession.setPermissionCheckHandler(permissionCheckHandler());
    return startMainApp({
      chatServerUrl: CHAT_SERVER_URL,
      chooseExportPath: async () => {
        const r = await dialog.showSaveDialog({ title: "Export my data", defaultPath: join(app.getPath("documents"), "kicktalk-my-data.json") });
        return r.canceled || !r.filePath ? null : r.filePath;
      },
      // Checklist 17: main checks who sends each IPC message (security.ts senderProblem).
      ipcSenderOf: (event) => {
        const e = event as IpcMainInvokeEvent;
        const frame = e.senderFrame;
        return { windowId: BrowserWindow.fromWebContents(e.sender)?.id ?? null, url: frame?.url ?? "", mainFrame: frame !== null && frame === e.sender.mainFrame };
      },
      ipcMain,
      windowFactory,
      userDataDir: app.getPath("userData"),
      env: process.env,
      appVersion: app.getVersion(),
      quit: () => app.quit(),
    });
  }),
);
if (started === null) process.exit(0);
void started.then((m) => {
  main = m;
  process.on("uncaughtException", (err) => main?.telemetry.captureError(err, { area: "main", fatal: true, severity: "fatal" }));
  process.on("unhandledRejection", (err) => main?.telemetry.captureError(err, { area: "main", fatal: false }));
});

// Flush telemetry before quitting, bounded so a dead gateway never hangs the quit.
let quitting = false;
app.on("before-quit", (event) => {
  if (quitting || !main) return;
  quitting = true;
  event.preventDefault();
  void main.shutdown(2_000).finally(() => app.quit());
});

app.on("window-all-closed", () => {
  if (process.platform !== "darwin") app.quit();
});
