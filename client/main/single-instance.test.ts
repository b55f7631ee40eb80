// The single-instance lock (issue 11) on a fake Electron `app`: the second instance quits
// before it opens anything of the profile, and the first brings its main window forward.
// main is the real startMainApp (telemetry on, timers off) on a temporary profile.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InProcessIpcMain } from "./in-process-ipc.ts";
import { startMainApp, type MainApp } from "./main-app.ts";
import { startSingleInstance, type SingleInstanceApp } from "./single-instance.ts";
import type { AppWindow, WindowFactory, WindowSpec } from "./window-manager.ts";

/** A fake of Electron's `app`: the lock answer is the test's; second starts are emitted by hand. */
class FakeApp implements SingleInstanceApp {
  readonly #lock: boolean;
  readonly #listeners: (() => void)[] = [];
  lockRequests = 0;
  quits = 0;

  constructor(lock: boolean) {
    this.#lock = lock;
  }
  requestSingleInstanceLock(): boolean {
    this.lockRequests++;
    return this.#lock;
  }
  quit(): void {
    this.quits++;
  }
  on(_event: "second-instance", listener: () => void): this {
    this.#listeners.push(listener);
    return this;
  }
  get secondInstanceListeners(): number {
    return this.#listeners.length;
  }
  /** What Electron does in the first instance when the app is started again. */
  emitSecondInstance(): void {
    for (const l of this.#listeners) l();
  }
}

/** Windows that record what is done to them: minimised, restored, focused, closed. */
class FakeWindows implements WindowFactory {
  readonly windows: { spec: WindowSpec; id: number; minimized: boolean; calls: string[]; close: () => void }[] = [];
  #next = 1;
  create(spec: WindowSpec): AppWindow {
    const closed: (() => void)[] = [];
    const w = { spec, id: this.#next++, minimized: false, calls: [] as string[], close: () => closed.splice(0).forEach((l) => l()) };
    this.windows.push(w);
    return {
      id: w.id,
      close: () => w.close(),
      onClosed: (l) => closed.push(l),
      isMinimized: () => w.minimized,
      restore: () => {
        w.calls.push("restore");
        w.minimized = false;
      },
      focus: () => w.calls.push("focus"),
    };
  }
}

let dir: string;
let windows: FakeWindows;
let starts = 0;
let main: MainApp | undefined;

/** main as electron-main.ts starts it, with telemetry switched on so that it opens its journal. */
const start = async (): Promise<MainApp> => {
  starts++;
  main = await startMainApp({
    ipcMain: new InProcessIpcMain(),
    windowFactory: windows,
    userDataDir: dir,
    env: {},
    appVersion: "1.0.0",
    chatServerUrl: "http://127.0.0.1:9",
    quit: () => undefined,
    telemetryOverrides: { enabled: true },
    telemetryDeps: { registerGlobal: false, startTimers: false },
    print: () => undefined,
  });
  return main;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kicktalk-single-"));
  windows = new FakeWindows();
  starts = 0;
  main = undefined;
});

afterEach(async () => {
  await main?.shutdown(500);
  rmSync(dir, { recursive: true, force: true });
});

describe("single-instance lock", () => {
  it("a second instance (lock refused) quits and starts nothing: no telemetry journal, settings or window", async () => {
    const app = new FakeApp(false);
    expect(startSingleInstance(app, start)).toBeNull();
    expect(app.lockRequests).toBe(1);
    expect(app.quits).toBe(1);
    expect(starts).toBe(0);
    expect(app.secondInstanceListeners).toBe(0);
    expect(windows.windows).toEqual([]);
    expect(readdirSync(dir)).toEqual([]); // createTelemetry makes <profile>/telemetry first thing
  });

  it("the first instance (lock granted) starts main, whose telemetry opens its journal", async () => {
    const app = new FakeApp(true);
    const started = startSingleInstance(app, start);
    expect(started).not.toBeNull();
    await started;
    expect(app.quits).toBe(0);
    expect(starts).toBe(1);
    expect(main?.telemetry.isEnabled()).toBe(true);
    expect(existsSync(join(dir, "telemetry"))).toBe(true);
    expect(windows.windows.map((w) => w.spec.name)).toEqual(["main"]);
  });

  it("a second start restores the minimised main window and focuses it, not a dialog", async () => {
    const app = new FakeApp(true);
    const m = await startSingleInstance(app, start);
    m?.windows.open("settings");
    const [mainWin, dialog] = windows.windows;
    if (!mainWin || !dialog) throw new Error("expected the main window and a dialog");
    mainWin.minimized = true;

    app.emitSecondInstance();
    expect(mainWin.calls).toEqual(["restore", "focus"]);
    expect(mainWin.minimized).toBe(false);
    expect(dialog.calls).toEqual([]);

    app.emitSecondInstance(); // not minimised now: focus only
    expect(mainWin.calls).toEqual(["restore", "focus", "focus"]);
    expect(windows.windows).toHaveLength(2);
  });

  it("a second start with every window closed (macOS) opens the main window again", async () => {
    const app = new FakeApp(true);
    const m = await startSingleInstance(app, start);
    m?.windows.closeAll();
    expect(m?.windows.openWindows().size).toBe(0);

    app.emitSecondInstance();
    expect(windows.windows.map((w) => w.spec.name)).toEqual(["main", "main"]);
    expect([...(m?.windows.openWindows().values() ?? [])]).toEqual(["main"]);
  });

  it("a second start while main is still starting is ignored (start-up opens the window)", async () => {
    const app = new FakeApp(true);
    let release: () => void = () => undefined;
    const ready = new Promise<void>((r) => (release = r));
    const started = startSingleInstance(app, () => ready.then(start));
    expect(() => app.emitSecondInstance()).not.toThrow();
    release();
    await started;
    expect(windows.windows.map((w) => w.spec.name)).toEqual(["main"]);
    expect(windows.windows[0]?.calls).toEqual([]);
  });
});
