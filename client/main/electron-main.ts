// The only file that imports Electron in main: adapts app, ipcMain and BrowserWindow to
// startMainApp()'s interfaces (the code tests run in Node). Built to
// .cache/client-app/main/main.mjs by client/harness/bundle.ts; `npm run client:dev` runs it.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BrowserWindow, app, ipcMain } from "electron";
import { startMainApp, type MainApp } from "./main-app.ts";
import { SECURE_WEB_PREFERENCES, type AppWindow, type WindowFactory } from "./window-manager.ts";

const here = dirname(fileURLToPath(import.meta.url)); // .cache/client-app/main
const PRELOAD = join(here, "../preload/preload.cjs");
const RENDERER_HTML = join(here, "../renderer/index.html");

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
    void win.loadFile(RENDERER_HTML, { query: { ...spec.query } });
    return {
      id: win.id,
      close: () => win.close(),
      onClosed: (listener) => win.once("closed", listener),
    };
  },
};

let main: MainApp | undefined;

app.whenReady().then(async () => {
  main = await startMainApp({
    ipcMain,
    windowFactory,
    userDataDir: app.getPath("userData"),
    env: process.env,
    appVersion: app.getVersion(),
    quit: () => app.quit(),
  });
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
