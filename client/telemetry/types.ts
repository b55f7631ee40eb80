// Public types of the client's telemetry layer (Electron main process). The app imports
// only these and createTelemetry()/loadTelemetryConfig() from index.ts.
import type { Span, Tracer } from "@opentelemetry/api";
import type { ZodType } from "zod";
import type { IpcChannel } from "../../catalog/index.ts";
import type { CLIENT_METRICS } from "../../catalog/metrics/client.ts";
import type { PIPELINE_METRICS } from "../../catalog/metrics/pipeline.ts";
import type { HttpRequest } from "./http-request.ts";

export type TelemetrySignal = "traces" | "metrics" | "logs";

export type DropReason =
  | "queue_full"
  | "journal_full"
  | "invalid_payload"
  | "payload_too_large"
  | "export_rejected"
  | "retries_exhausted"
  | "disabled";

export interface TelemetryConfig {
  /** Master switch; the app passes the user's setting (off by default, seed 000 P0). */
  enabled: boolean;
  /**
   * Set when OTEL_SDK_DISABLED=true or the configuration is broken: telemetry stays off
   * whatever the user's switch says (the environment and a config error win). Null otherwise.
   */
  lockedOff?: string | null;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318 — `/v1/traces` etc. are appended. */
  endpoint: string;
  /** Extra request headers (Authorization for Grafana Cloud). Never logged. */
  headers: Record<string, string>;
  serviceVersion: string;
  /** `deployment.environment.name` resource attribute; empty when unset. */
  deploymentEnvironment: string;
  /** Directory for the journal and the install id (Electron: app.getPath("userData")/telemetry). */
  dataDir: string;
  /** Root-span sampling ratio, 0..1 (OTEL_TRACES_SAMPLER_ARG). Critical spans are always kept. */
  sampleRatio: number;
  /**
   * Most new traces the ratio samples per minute, in each process (main, renderer); past it a
   * root is recorded unsampled (KICKTALK_SAMPLED_TRACES_PER_MINUTE). Forced spans are not capped.
   */
  sampledTracesPerMinute: number;
  /** Spans slower than this (ms) are exported even when not sampled ("slow sends"). */
  slowSpanThresholdMs: number;
  /** Span names always sampled (startup). */
  forceSampledSpans: readonly string[];
  /** How often queued telemetry is sent and metrics collected, in ms. */
  flushIntervalMs: number;
  /** Bound of the on-disk journal: pending items and bytes; past either, the oldest are dropped. */
  maxQueueItems: number;
  maxQueueBytes: number;
  /** Largest request body sent in one export, in bytes (before compression). */
  maxExportBytes: number;
  /** Largest IPC payload accepted from the renderer, in bytes of JSON. */
  maxIpcPayloadBytes: number;
  /** String attribute values are truncated to this many characters. */
  maxAttributeLength: number;
  /** Attribute / field keys whose values are always redacted (matched case-insensitively, ignoring - and _). */
  redactKeys: readonly string[];
  /** Backoff for failed exports: first delay and cap, in ms (full jitter). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Request timeout for one export, in ms. */
  exportTimeoutMs: number;
  /** gzip request bodies (the collector and Grafana Cloud accept Content-Encoding: gzip). */
  compression: "gzip" | "none";
  /** Breadcrumbs kept and attached to errors. */
  maxBreadcrumbs: number;
  /** Repeats of one error fingerprint within this window are counted, not re-sent (ms). */
  errorDedupWindowMs: number;
  /** Interval of dependency health checks and process metric sampling, in ms. */
  healthCheckIntervalMs: number;
}

export interface LoadedTelemetryConfig {
  config: TelemetryConfig;
  /** Problems found in the environment, each naming the variable; telemetry is disabled when non-empty. */
  problems: string[];
}

/** The subset of Electron's `ipcMain` the wrapper needs, so Node tests can pass a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: unknown, ...args: unknown[]) => unknown): void;
}

/** Trace context the renderer injects into every IPC payload (W3C traceparent/tracestate). */
export interface OtelCarrier {
  traceparent?: string;
  tracestate?: string;
}

export interface IpcHandleOptions {
  /** Why the event's sender may not call this channel, or null when it may (Electron checklist item 17). */
  checkSender?: (event: unknown) => string | null;
}

export type IpcHandler<P> = (payload: P, span: Span) => Promise<unknown> | unknown;

/**
 * Catalog metric keys of the client (CLIENT_METRICS + PIPELINE_METRICS). Taken from those two
 * maps rather than METRICS, where a server key of the same name (telemetryDropped) shadows them.
 */
export type ClientMetricKey = keyof typeof CLIENT_METRICS | keyof typeof PIPELINE_METRICS;

/** The queue size is observed by the layer itself (read from the journal at each sample); the app never records it. */
export type ObservedMetricKey = "telemetryQueued";

export type RecordableMetricKey = Exclude<ClientMetricKey, ObservedMetricKey>;

export type MetricLabels = Readonly<Record<string, string>>;

/**
 * One recorder per catalog metric. `record` adds for counters and records for histograms; for a
 * held current value (instruments.ts HELD_METRICS: open windows) it sets the count now, which
 * each sample observes. Labels are checked against the declaration: unknown keys or values outside
 * an enum drop the point (counted as invalid_payload); capped labels are capped.
 */
export interface MetricRecorder {
  record(value: number, labels?: MetricLabels): void;
}

export type ClientInstruments = { readonly [K in RecordableMetricKey]: MetricRecorder };

/** A renderer metric event, as sent over `telemetry:record-metrics`. `metric` is a METRICS key. */
export interface RendererMetricEvent {
  metric: string;
  value: number;
  labels?: Record<string, string>;
}

/**
 * A finished renderer span, as sent over `telemetry:export-spans` (ids in hex, times in
 * epoch nanoseconds as decimal strings, like OTLP/JSON).
 */
export interface RendererSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: "internal" | "server" | "client" | "producer" | "consumer";
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: Record<string, string | number | boolean>;
  status?: { code: "unset" | "ok" | "error"; message?: string };
  events?: { name: string; timeUnixNano: string; attributes?: Record<string, string | number | boolean> }[];
}

/** A renderer log record, as sent over `telemetry:record-logs` (log types from catalog LOG_EVENTS). */
export interface RendererLogRecord {
  type: string;
  severity: "debug" | "info" | "warn" | "error" | "fatal";
  body: string;
  attributes?: Record<string, string | number | boolean>;
  timeUnixMs?: number;
}

export type ErrorSeverity = "warning" | "error" | "fatal";

export interface ErrorContext {
  /** Catalog ERROR_AREA value (ws, ipc, lexical, store, updater, api, renderer, main, emote, telemetry). */
  area: string;
  chatroomId?: string;
  /** The chatroom's streamer (renderer ws errors name it); logged as `streamer_id`, never a metric label. */
  streamerId?: string;
  fatal?: boolean;
  severity?: ErrorSeverity;
}

export interface Breadcrumb {
  category: "ui" | "ipc" | "ws" | "navigation" | "http" | "store" | "updater";
  message: string;
  level?: "debug" | "info" | "warning" | "error";
  data?: Record<string, string | number | boolean>;
  /** Epoch ms; set on add when missing. */
  timestamp?: number;
}

export type DependencyName = "chat_server" | "websocket" | "telemetry_gateway";

/** Resolves true when the dependency is healthy; a throw or false counts as down. */
export type HealthCheck = () => Promise<boolean>;

/** Main's trace sampling, which the renderer applies to its own spans too. */
export interface SamplingPolicy {
  readonly ratio: number;
  readonly sampledTracesPerMinute: number;
  readonly forceSampledSpans: readonly string[];
  readonly slowSpanThresholdMs: number;
}

export interface TelemetryStatus {
  enabled: boolean;
  sampling: SamplingPolicy;
  installId: string;
  queuedItems: number;
  queuedBytes: number;
  exportedItems: number;
  droppedItems: Readonly<Partial<Record<DropReason, number>>>;
  exportRequests: number;
  lastExportBytes: number;
  lastExportError: string | null;
  /** Epoch ms before which no export is attempted (backoff or Retry-After); 0 when none. */
  nextRetryAt: number;
  /** "auth" after a 401/403: exporting waits for a configuration change; the queue is kept. */
  exportPaused: "auth" | null;
  /** Metric points of unsent deltas folded into a newer entry before being sent (not a loss: it holds them). */
  supersededMetricPoints: number;
  /** Why telemetry cannot be switched on (OTEL_SDK_DISABLED, a broken configuration); null when it can. */
  lockedOff: string | null;
  registeredChannels: number;
}

/** What became of a batch of renderer telemetry: nothing is dropped silently. */
export interface RelayResult {
  readonly accepted: number;
  readonly dropped: number;
  /** The first item's problem, naming its index and field, when any was dropped. */
  readonly problem: string | null;
}

export interface Telemetry {
  readonly tracer: Tracer;
  readonly metrics: ClientInstruments;
  /**
   * THE one wrapper for every ipcMain.handle: extracts the renderer's trace context from
   * payload._otel, validates the payload (size, then schema), makes the `ipc:<channel>` span,
   * records errors, counts calls/duration/rejections. Never throws into main; a rejected
   * payload rejects the renderer's invoke with an error naming the field.
   */
  handleIpc<C extends IpcChannel, P>(ipcMain: IpcMainLike, channel: C, schema: ZodType<P>, handler: IpcHandler<P>, options?: IpcHandleOptions): void;
  registeredChannels(): readonly IpcChannel[];
  /** Each item is validated here (once): bad ones are dropped, counted, and the first problem returned. */
  relayRendererSpans(spans: unknown): RelayResult;
  recordRendererMetrics(batch: unknown): RelayResult;
  recordRendererLogs(records: unknown): RelayResult;
  /** A log record of a catalog LOG_EVENTS type from main. */
  log(record: RendererLogRecord): void;
  captureError(err: unknown, ctx: ErrorContext): void;
  /** An error the renderer reports: its area is checked, and it has a rate budget. False when dropped. */
  captureRendererError(err: unknown, ctx: ErrorContext): boolean;
  addBreadcrumb(b: Breadcrumb): void;
  registerHealthCheck(dependency: DependencyName, check: HealthCheck): void;
  runHealthChecks(): Promise<Readonly<Partial<Record<DependencyName, boolean>>>>;
  /** `main_startup_boot` span; call end() when the first window is shown. Always sampled. */
  startStartupSpan(attributes?: Record<string, string | number | boolean>): Span;
  /** Switches telemetry at runtime; refused (stays off) while the environment or a config error locks it off. */
  setEnabled(enabled: boolean): Promise<void>;
  /** A configuration change: new endpoint/headers; lifts a pause after 401/403. */
  updateExport(update: { endpoint?: string; headers?: Record<string, string> }): void;
  isEnabled(): boolean;
  exportMyData(): Promise<string>;
  deleteMyData(): Promise<void>;
  flush(): Promise<void>;
  shutdown(timeoutMs?: number): Promise<void>;
  status(): TelemetryStatus;
}

/** Injectable parts, for tests and the benchmark. */
export interface TelemetryDeps {
  now?: () => number;
  /** The sender's HTTP client (default: http-request.ts; fetch fits too). */
  fetch?: HttpRequest;
  random?: () => number;
  /** Register the providers as the OTel API globals (the app: true; tests: false). Default true. */
  registerGlobal?: boolean;
  /** Override metric reader interval (tests); defaults to config.flushIntervalMs. */
  metricIntervalMs?: number;
  /** Start the process/health timers (default true). */
  startTimers?: boolean;
}
