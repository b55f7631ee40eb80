// Electron preload (sandboxed; bundled to CommonJS by client/harness/bundle.ts): exposes
// window.app over contextBridge. Only invoke is reachable; ipcRenderer itself never is.
import { contextBridge, ipcRenderer } from "electron";
import { createAppApi } from "./app-api.ts";

contextBridge.exposeInMainWorld("app", createAppApi((channel, payload) => ipcRenderer.invoke(channel, payload)));
