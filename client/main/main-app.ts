// The main process without Electron: settings, telemetry, the chat API client, windows,
// the updater and every IPC handler, wired together. electron-main.ts passes Electron's
// ipcMain and a BrowserWindow factory; Node tests and the harness pass their own. Same code.
import { join } from "node:path";
import { diag, DiagLogLevel, type Span } from "@opentelemetry/api";
import { CLIENT_SERVICE } from "../../catalog/index.ts";
import {
  createTelemetry,
  loadTelemetryConfig,
  reportConfigProblems,
  type IpcMainLike,
  type Telemetry,
  type TelemetryConfig,
  type TelemetryDeps,
} from "../telemetry/index.ts";
import { ApiClient } from "./api-client.ts";
import { registerIpcHandlers } from "./ipc-handlers.ts";
import { LocalFeedUpdater } from "./local-feed-updater.ts";
import { SettingsStore } from "./settings-store.ts";
import { instrumentUpdater, type AutoUpdaterLike, type InstrumentedUpdater } from "./updater.ts";
import { WindowManager, type WindowFactory } from "./window-manager.ts";
import { type IpcSender, senderProblem } from "./security.ts";

/** Default chat server for dev (`npm run server` listens here). */
/** Where `npm run server` listens by default (server/config.ts PORT). */
export const DEFAULT_CHAT_SERVER_URL = "http://127.0.0.1:8787";

export interface MainAppOptions {
  readonly ipcMain: IpcMainLike;
  readonly windowFactory: WindowFactory;
  /** Electron: app.getPath("userData"). */
  readonly userDataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly appVersion: string;
  /** Base URL of the chat API; default KICKTALK_CHAT_SERVER_URL, then DEFAULT_CHAT_SERVER_URL. */
  readonly chatServerUrl?: string;
  /** The real autoUpdater where available; default a LocalFeedUpdater on KICKTALK_UPDATE_FEED_DIR. */
  readonly updater?: AutoUpdaterLike;
  /** What "quit and install" and a fatal error do: Electron's app.quit(). */
  readonly quit: () => void;
  /** Overrides applied after the environment is read (tests: endpoint, intervals). */
  readonly telemetryOverrides?: Partial<TelemetryConfig>;
  readonly telemetryDeps?: TelemetryDeps;
  /** Where config problems are printed once. */
  readonly print?: (message: string) => void;
  /**
   * Who sent an IPC event: Electron's glue maps event.sender to the BrowserWindow's id and
   * reads event.senderFrame.url. Default: the in-process event's sender.id (tests, harness).
   */
  readonly ipcSenderOf?: (event: unknown) => IpcSender;
  /** Where "export my data" writes (Electron: dialog.showSaveDialog); null when cancelled. */
  readonly chooseExportPath?: () => Promise<string | null>;
}

/** The in-process IPC's event (InProcessIpcMain): the sending window's id, no frame URL. */
export function inProcessSenderOf(event: unknown): IpcSender {
  const id = (event as { sender?: { id?: unknown } } | null)?.sender?.id;
  return { windowId: typeof id === "number" ? id : null, url: null };
}

export interface MainApp {
  readonly telemetry: Telemetry;
  readonly settings: SettingsStore;
  readonly windows: WindowManager;
  readonly api: ApiClient;
  readonly updater: InstrumentedUpdater;
  /** Flushes telemetry (bounded) and closes windows: what Electron's before-quit does. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/**
 * OpenTelemetry's diagnostic logger into the app's log (issue 11): the SDK's own warnings
 * (an exporter misconfigured, an instrument registered twice) and the telemetry layer's
 * diag messages reach the same place as config problems. OTEL_LOG_LEVEL picks the level
 * (default WARN). Not into telemetry.log: a failing telemetry pipeline would log into itself.
 */
export function wireDiagLogger(env: NodeJS.ProcessEnv, print: (message: string) => void): void {
  const levels: Record<string, DiagLogLevel> = {
    NONE: DiagLogLevel.NONE,
    ERROR: DiagLogLevel.ERROR,
    WARN: DiagLogLevel.WARN,
    INFO: DiagLogLevel.INFO,
    DEBUG: DiagLogLevel.DEBUG,
    VERBOSE: DiagLogLevel.VERBOSE,
    ALL: DiagLogLevel.ALL,
  };
  const line = (level: string) => (message: string, ...args: unknown[]) =>
    print(`[otel ${level}] ${[message, ...args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a)))].join(" ")}`);
  diag.setLogger(
    { error: line("error"), warn: line("warn"), info: line("info"), debug: line("debug"), verbose: line("verbose") },
    { logLevel: levels[(env.OTEL_LOG_LEVEL ?? "WARN").toUpperCase()] ?? DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

export async function startMainApp(options: MainAppOptions): Promise<MainApp> {
  const startedAt = performance.now();
  const print = options.print ?? ((m: string) => console.error(m));
  if (options.telemetryDeps?.registerGlobal ?? true) wireDiagLogger(options.env, print);
  // Settings first: the telemetry switch lives there. Their spans start once telemetry exists.
  const settings = new SettingsStore(options.userDataDir);
  const loaded = loadTelemetryConfig(options.env, {
    enabled: settings.all()["telemetry.enabled"],
    dataDir: join(options.userDataDir, "telemetry"),
    serviceVersion: options.appVersion,
  });
  reportConfigProblems(loaded.problems, print);
  const telemetry = createTelemetry({ ...loaded.config, ...options.telemetryOverrides }, options.telemetryDeps);
  const boot: Span = telemetry.startStartupSpan({ "app.name": CLIENT_SERVICE });
  settings.useTracer(telemetry.tracer);
  for (const problem of settings.loadProblems) {
    telemetry.log({ type: "log", severity: "warn", body: problem, attributes: { area: "store" } });
  }
  settings.onChange((key, value) => {
    if (key === "telemetry.enabled" && value !== telemetry.isEnabled()) void telemetry.setEnabled(value as boolean);
  });

  const api = new ApiClient({
    baseUrl: options.chatServerUrl ?? options.env.KICKTALK_CHAT_SERVER_URL ?? DEFAULT_CHAT_SERVER_URL,
    tracer: telemetry.tracer,
    requests: telemetry.metrics.apiRequests,
    duration: telemetry.metrics.apiRequestDuration,
  });
  telemetry.registerHealthCheck("chat_server", () => api.health());

  const windows = new WindowManager(options.windowFactory, telemetry.tracer, telemetry.metrics.openWindows);
  const rawUpdater =
    options.updater ??
    new LocalFeedUpdater({
      feedDir: options.env.KICKTALK_UPDATE_FEED_DIR ?? join(options.userDataDir, "update-feed"),
      cacheDir: join(options.userDataDir, "pending-update"),
      currentVersion: options.appVersion,
      onInstall: () => options.quit(),
    });
  const updater = instrumentUpdater(rawUpdater, telemetry.tracer, telemetry.metrics.updaterEvents, options.appVersion);

  const senderOf = options.ipcSenderOf ?? inProcessSenderOf;
  const checkSender = (event: unknown) => senderProblem(senderOf(event), new Set(windows.openWindows().keys()));
  registerIpcHandlers(options.ipcMain, {
    telemetry,
    api,
    settings,
    windows,
    updater,
    checkSender,
    ...(options.chooseExportPath ? { chooseExportPath: options.chooseExportPath } : {}),
  });

  windows.open("main");
  boot.end();
  // Seed 001's logger.perf(): the same start-up time as the span, queryable as a log record.
  telemetry.log({
    type: "metric",
    severity: "info",
    body: "main start-up",
    attributes: { metric_name: "main_startup", value: Math.round((performance.now() - startedAt) * 10) / 10, unit: "ms" },
  });

  return {
    telemetry,
    settings,
    windows,
    api,
    updater,
    async shutdown(timeoutMs = 3_000) {
      windows.closeAll();
      await telemetry.shutdown(timeoutMs);
    },
  };
}
