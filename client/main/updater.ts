// Auto-updater flow (seed 000 P9). `AutoUpdaterLike` is the event interface of
// electron-updater's autoUpdater (checking-for-update, update-available,
// update-not-available, download-progress, update-downloaded, error), so the real one can be
// passed in where it is installed; instrumentUpdater() turns its events into `updater:*`
// spans and `kicktalk_updater_events_total`.
import { SpanKind, SpanStatusCode, type Attributes, type Tracer } from "@opentelemetry/api";
import { createLabelCap, type SPAN_FAMILIES } from "../../catalog/index.ts";
import { APP_VERSION, type UPDATER_EVENT } from "../../catalog/labels.ts";
import type { MetricRecorder } from "../telemetry/index.ts";

export interface UpdateInfo {
  readonly version: string;
  readonly releaseDate?: string;
}

export interface ProgressInfo {
  readonly percent: number;
  readonly transferred: number;
  readonly total: number;
  /** Bytes per second. */
  readonly bytesPerSecond: number;
}

export interface UpdaterEvents {
  "checking-for-update": [];
  "update-available": [UpdateInfo];
  "update-not-available": [UpdateInfo];
  "download-progress": [ProgressInfo];
  "update-downloaded": [UpdateInfo];
  error: [Error];
}

export interface AutoUpdaterLike {
  on<E extends keyof UpdaterEvents>(event: E, listener: (...args: UpdaterEvents[E]) => void): unknown;
  checkForUpdates(): Promise<{ updateInfo: UpdateInfo } | null>;
  downloadUpdate(): Promise<string[]>;
  quitAndInstall(): void;
}

type UpdaterSpanName = (typeof SPAN_FAMILIES.updater.names)[number];
type UpdaterEventLabel = (typeof UPDATER_EVENT.values)[number];

/**
 * Subscribes spans and the event counter to an updater. `version` of the counter is the
 * version an event concerns (the offered one, or the running one when none is offered),
 * capped as the catalog's APP_VERSION label requires.
 */
export function instrumentUpdater(
  updater: AutoUpdaterLike,
  tracer: Tracer,
  events: MetricRecorder,
  currentVersion: string,
): InstrumentedUpdater {
  const capVersion = createLabelCap(APP_VERSION);
  const record = (spanName: UpdaterSpanName, event: UpdaterEventLabel, version: string, extra: Attributes = {}, err?: Error) => {
    const span = tracer.startSpan(spanName, { kind: SpanKind.INTERNAL, attributes: { "updater.version": version, ...extra } });
    if (err) {
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    }
    span.end();
    events.record(1, { event, version: capVersion(version) });
  };
  let offered = currentVersion;
  updater.on("checking-for-update", () => record("updater:check", "check", currentVersion));
  updater.on("update-available", (info) => {
    offered = info.version;
    record("updater:available", "available", info.version);
  });
  updater.on("update-not-available", (info) => record("updater:not-available", "not_available", info.version));
  updater.on("download-progress", (p) =>
    record("updater:downloading", "downloading", offered, { "updater.percent": Math.round(p.percent * 10) / 10 }),
  );
  updater.on("update-downloaded", (info) => record("updater:ready", "ready", info.version));
  updater.on("error", (err) => record("updater:error", "error", offered, {}, err));
  return {
    async check() {
      const result = await updater.checkForUpdates();
      const version = result?.updateInfo.version ?? currentVersion;
      return { currentVersion, version, available: version !== currentVersion && offered === version };
    },
    async download() {
      const files = await updater.downloadUpdate();
      return { version: offered, files: files.length };
    },
    install() {
      // No span family member for install: the app is about to quit; the counter carries it.
      events.record(1, { event: "installed", version: capVersion(offered) });
      updater.quitAndInstall();
      return { version: offered, installing: true };
    },
  };
}

/** The updater as the IPC handlers use it; results are plain data for the renderer. */
export interface InstrumentedUpdater {
  check(): Promise<{ currentVersion: string; version: string; available: boolean }>;
  download(): Promise<{ version: string; files: number }>;
  install(): { version: string; installing: boolean };
}
