// Window lifecycle (seed 000 P3): every BrowserWindow is created through a WindowFactory
// (Electron's in electron-main.ts, a headless one in tests and the harness) so
// `kicktalk_open_windows` (how many of each type are open, a held value the telemetry layer
// observes once per flush) and the window:create / window:closed spans come from one place.
import { SpanKind, type Tracer } from "@opentelemetry/api";
import type { MetricRecorder } from "../telemetry/index.ts";
import type { SPAN_FAMILIES } from "../../catalog/index.ts";
import type { WINDOW_TYPE } from "../../catalog/labels.ts";
import type { DialogName } from "./ipc-schemas.ts";

export type WindowName = "main" | DialogName;

/** Label value of `window_type` for each window (the catalog's enum). */
type WindowTypeValue = (typeof WINDOW_TYPE.values)[number];
const WINDOW_TYPE_OF: Record<WindowName, WindowTypeValue> = {
  main: "main",
  user: "user",
  chatters: "chatters",
  search: "search",
  settings: "settings",
  reply_thread: "reply_thread",
};

/** The renderer's security settings for every window: seed 000 and Electron's checklist. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  nodeIntegration: false,
  sandbox: true,
  webSecurity: true,
} as const;

export interface WindowSpec {
  readonly name: WindowName;
  readonly title: string;
  readonly width: number;
  readonly height: number;
  /** Query string for the renderer: which view to show and its parameters. */
  readonly query: Readonly<Record<string, string>>;
  readonly parentId?: number;
}

/** What main needs of a window; Electron's BrowserWindow is adapted to it in electron-main.ts. */
export interface AppWindow {
  readonly id: number;
  close(): void;
  /** Called once when the window is gone, whoever closed it (user, code, crash). */
  onClosed(listener: () => void): void;
  // Bringing the window to the front (a second start of the app, single-instance.ts).
  // Optional: the harness's Chromium pages have no minimise or focus.
  isMinimized?(): boolean;
  restore?(): void;
  focus?(): void;
}

export interface WindowFactory {
  create(spec: WindowSpec): AppWindow;
}

const SPEC: Record<WindowName, Omit<WindowSpec, "query" | "parentId">> = {
  main: { name: "main", title: "KickTalk", width: 1100, height: 760 },
  user: { name: "user", title: "User", width: 360, height: 420 },
  chatters: { name: "chatters", title: "Chatters", width: 360, height: 600 },
  search: { name: "search", title: "Search", width: 520, height: 600 },
  settings: { name: "settings", title: "Settings", width: 560, height: 520 },
  reply_thread: { name: "reply_thread", title: "Reply thread", width: 480, height: 600 },
};

/** Dialogs open at once: a renderer opening 300 in a loop gets an error after this many (issue 11). */
export const MAX_OPEN_DIALOGS = 8;

type WindowSpanName = (typeof SPAN_FAMILIES.window.names)[number];

export class WindowManager {
  readonly #factory: WindowFactory;
  readonly #tracer: Tracer;
  readonly #openWindows: MetricRecorder;
  readonly #open = new Map<number, { name: WindowName; win: AppWindow }>();

  constructor(factory: WindowFactory, tracer: Tracer, openWindows: MetricRecorder) {
    this.#factory = factory;
    this.#tracer = tracer;
    this.#openWindows = openWindows;
  }

  open(name: WindowName, params: Readonly<Record<string, string>> = {}): AppWindow {
    if (name !== "main" && [...this.#open.values()].filter((w) => w.name !== "main").length >= MAX_OPEN_DIALOGS) {
      throw new Error(`window:open-dialog: ${MAX_OPEN_DIALOGS} dialogs are open already; close one first`);
    }
    const mainId = this.#firstOf("main");
    const win = this.#factory.create({
      ...SPEC[name],
      query: { ...params, window: name },
      ...(name !== "main" && mainId !== undefined ? { parentId: mainId } : {}),
    });
    this.#open.set(win.id, { name, win });
    this.#countOpen(name);
    this.#span("window:create", name, win.id);
    win.onClosed(() => {
      if (!this.#open.delete(win.id)) return;
      this.#countOpen(name);
      this.#span("window:closed", name, win.id);
    });
    return win;
  }

  /** Closes a window by id; false when no such window is open. */
  close(windowId: number): boolean {
    const entry = this.#open.get(windowId);
    if (!entry) return false;
    entry.win.close();
    return true;
  }

  /** Closes every window (app quit). */
  closeAll(): void {
    for (const { win } of [...this.#open.values()]) win.close();
  }

  /**
   * Brings the main window to the front, un-minimised (a second start of the app lands here);
   * opens one when none is open (macOS keeps running with every window closed).
   */
  focusMain(): AppWindow {
    const mainId = this.#firstOf("main");
    const win = mainId === undefined ? undefined : this.#open.get(mainId)?.win;
    if (!win) return this.open("main");
    if (win.isMinimized?.()) win.restore?.();
    win.focus?.();
    return win;
  }

  /** Open windows by id, with their names. */
  openWindows(): ReadonlyMap<number, WindowName> {
    return new Map([...this.#open].map(([id, { name }]) => [id, name]));
  }

  /** Sets how many windows of this one's type are open now (a held value, observed once per flush). */
  #countOpen(name: WindowName): void {
    const type = WINDOW_TYPE_OF[name];
    let n = 0;
    for (const entry of this.#open.values()) if (WINDOW_TYPE_OF[entry.name] === type) n++;
    this.#openWindows.record(n, { window_type: type });
  }

  #firstOf(name: WindowName): number | undefined {
    for (const [id, entry] of this.#open) if (entry.name === name) return id;
    return undefined;
  }

  #span(spanName: WindowSpanName, name: WindowName, id: number): void {
    this.#tracer.startSpan(spanName, { kind: SpanKind.INTERNAL, attributes: { "window.name": name, "window.id": id } }).end();
  }
}
