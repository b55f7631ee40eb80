// One running app per profile (issue 11): a second instance would share the telemetry
// journal and the settings file with the first (two instances lost 148 of 148 journal items of
// the first). Electron's lock decides; the loser quits before it starts anything, and the
// winner brings its main window forward when someone starts the app again.
// electron-main.ts passes Electron's `app`; tests pass a fake. The journal keeps its own
// two-process safety (journal.ts) for whatever slips past this, e.g. a crashed lock holder.
import type { MainApp } from "./main-app.ts";

/** What this needs of Electron's `app`. */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: "second-instance", listener: () => void): unknown;
}

/**
 * Takes the profile's single-instance lock, then starts main. Returns null when another
 * instance holds the lock: `app.quit()` has been called and `start` has not, so this process
 * opened no settings, no telemetry journal and no window. Otherwise returns what `start`
 * resolves to; from then on a second start focuses (and un-minimises) the main window. A
 * second start while main is still starting is ignored: start-up opens the main window anyway.
 */
export function startSingleInstance(app: SingleInstanceApp, start: () => Promise<MainApp>): Promise<MainApp> | null {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  let main: MainApp | undefined;
  app.on("second-instance", () => {
    try {
      main?.windows.focusMain();
    } catch (err) {
      // A window gone mid-call: nothing to focus, and nothing to break.
      main?.telemetry.captureError(err, { area: "main", fatal: false });
    }
  });
  return start().then((m) => (main = m));
}
