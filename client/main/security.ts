// Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security),
// item by item, as plain functions the main process runs and Node tests call; the glue in
// electron-main.ts only hands them to Electron's hooks. Item numbers are the checklist's.
//  4  CSP:            contentSecurityPolicy() — served as a header with every app:// page.
// 13  navigation:     isAppUrl() — will-navigate / will-redirect away from the app are refused.
// 14  new windows:    windowOpenHandler() — never a new app window; allowed links go to the OS browser.
// 15  openExternal:   isAllowedExternalUrl() — only http(s) links without credentials.
//  5  permissions:    permissionRequestHandler() — every request denied unless listed as needed.
// 17  IPC senders:    senderProblem() — the sender must be an app window showing an app page.
// 18  no file://:     resolveAppAsset() — pages come from app://kicktalk/, confined to the bundle.
import { normalize, resolve, sep } from "node:path";

export const APP_SCHEME = "app";
export const APP_HOST = "kicktalk";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page every window loads (query parameters choose the view). */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Permissions the app needs: none. (Notifications, media, geolocation… are all refused.) */
export const NEEDED_PERMISSIONS: ReadonlySet<string> = new Set();

/** True for a URL of the app's own pages. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** A link from a chat message may open in the OS browser: http(s), a host, no user:password@. */
export function isAllowedExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return false;
  if (u.username !== "" || u.password !== "" || u.hostname === "") return false;
  return url.length <= 2048;
}

/** setWindowOpenHandler: the app never opens a window for a page; an allowed link goes to the OS browser. */
export function windowOpenHandler(openExternal: (url: string) => void): (details: { url: string }) => { action: "deny" } {
  return ({ url }) => {
    if (isAllowedExternalUrl(url)) openExternal(url);
    return { action: "deny" };
  };
}

/** will-navigate / will-redirect: a window only ever shows the app's pages. */
export function navigationGuard(openExternal: (url: string) => void): (event: { preventDefault(): void }, url: string) => void {
  return (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    if (isAllowedExternalUrl(url)) openExternal(url);
  };
}

/** session.setPermissionRequestHandler: deny what the app does not need (Electron's default grants all). */
export function permissionRequestHandler(needed: ReadonlySet<string> = NEEDED_PERMISSIONS) {
  return (_webContents: unknown, permission: string, callback: (granted: boolean) => void): void => callback(needed.has(permission));
}

/** session.setPermissionCheckHandler: the synchronous twin of the request handler. */
export function permissionCheckHandler(needed: ReadonlySet<string> = NEEDED_PERMISSIONS) {
  return (_webContents: unknown, permission: string): boolean => needed.has(permission);
}

/**
 * The CSP of every app page. It names the chat server's origin (HTTP for the API and emote
 * images, ws(s) for the chat socket) instead of any host (`connect-src ws: wss:`,
 * `img-src http: https:` before): a script injected through a message cannot send data
 * anywhere else, nor load a tracking pixel.
 */
export function contentSecurityPolicy(chatServerUrl: string): string {
  const http = new URL(chatServerUrl);
  const ws = new URL(chatServerUrl);
  ws.protocol = http.protocol === "https:" ? "wss:" : "ws:";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: ${http.origin}`,
    `connect-src ${http.origin} ${ws.origin}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Maps an app:// request to a file of the renderer bundle; null outside it (../, other hosts). */
export function resolveAppAsset(rootDir: string, requestUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes("\0")) return null;
  const root = resolve(rootDir);
  const file = resolve(root, normalize(`.${path === "/" ? "/index.html" : path}`));
  return file.startsWith(root + sep) ? file : null;
}

/** Who sent an IPC message: the window (by the WindowManager's id) and the frame's URL. */
export interface IpcSender {
  readonly windowId: number | null;
  /** Null where there is no frame URL to check (the in-process IPC of tests and the harness). */
  readonly url: string | null;
  /** False for a sub-frame (an iframe): only a window's main frame may call main. */
  readonly mainFrame?: boolean;
}

/** Why a sender may not call main, or null when it may (checklist item 17). */
export function senderProblem(sender: IpcSender, openWindowIds: ReadonlySet<number>): string | null {
  if (sender.windowId === null || !openWindowIds.has(sender.windowId)) return "the sender is not an app window";
  if (sender.mainFrame === false) return "the sender is a sub-frame";
  if (sender.url !== null && !isAppUrl(sender.url)) return "the sender frame is not an app page";
  return null;
}
