// createTelemetry(): wires the parts of the main process's telemetry layer together.
//   spans / logs ──redact──> journal (on disk, write-ahead) ──otlp-sender──> OTLP/HTTP gateway
//   metrics ──collect on each flush tick──┘
// The app registers the providers as the API globals; tests build the same parts unregistered.
// Not @opentelemetry/sdk-node: loading it imports every exporter it could build from the
// environment (gRPC, protobuf, Zipkin, Prometheus) and costs ~40 MB RSS measured in a Node 24
// process, 4x the whole seed 000 budget (< 10 MB); these three providers are all it would set up.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { context, diag, metrics as metricsApi, type Span, SpanKind, trace, type Tracer } from "@opentelemetry/api";
import { type AnyValueMap, logs as logsApi, type Logger, SeverityNumber } from "@opentelemetry/api-logs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { Meter } from "@opentelemetry/api";
import {
  CLIENT_SERVICE,
  type IpcChannel,
  LABELS,
  LOG_EVENTS,
  LOG_TYPE_ATTRIBUTE,
  type LogEventDecl,
  PROCESS_TYPES,
  SPAN_FAMILIES,
} from "../../catalog/index.ts";
import { PIPELINE_METRICS } from "../../catalog/metrics/pipeline.ts";
import { ensureContextManager } from "./context-setup.ts";
import { createEntryIds } from "./entry-ids.ts";
import { ErrorTracker } from "./error-tracker.ts";
import { HealthChecker } from "./health.ts";
import { createInstruments, observeAtSample, RENDERER_METRIC_KEYS, startCountersAtZero, zeroStartedScopes } from "./instruments.ts";
import { loadInstallId, renewInstallId } from "./install-id.ts";
import { IpcWrapper } from "./ipc-wrapper.ts";
import { Journal, PRIORITY, type ResourceKind } from "./journal.ts";
import { mergeDeltaScopes } from "./delta-merge.ts";
import { UnchangedSeries } from "./unchanged-series.ts";
import { ManualMetricReader } from "./manual-reader.ts";
import { countDataPoints, metricPoints, metricsToScopes, type OtlpScopeJson, toOtlpAttributes } from "./otlp-json.ts";
import { httpRequest } from "./http-request.ts";
import { OtlpSender } from "./otlp-sender.ts";
import { type EntrySink, JournalingLogProcessor, JournalingSpanProcessor, redactSpanJson } from "./processors.ts";
import { startProcessMetrics, type ProcessMetrics } from "./process-metrics.ts";
import { createRedactor } from "./redact.ts";
import {
  logEventsOf,
  rendererSpanToOtlp,
  rendererValueProblem,
  validateRendererLogs,
  validateRendererMetrics,
  validateRendererSpans,
} from "./renderer-relay.ts";
import { CLIENT_SIDE_METRICS } from "./instruments.ts";
import { RateBudget, RENDERER_BUDGETS_PER_MINUTE } from "./rate-budget.ts";
import { CriticalAwareSampler } from "./sampler.ts";
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_INSTALL_ID,
  ATTR_PROCESS_TYPE,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from "./semconv.ts";
import type {
  Breadcrumb,
  DependencyName,
  DropReason,
  ErrorContext,
  HealthCheck,
  RecordableMetricKey,
  RelayResult,
  RendererLogRecord,
  Telemetry,
  TelemetryConfig,
  TelemetryDeps,
  TelemetrySignal,
  TelemetryStatus,
} from "./types.ts";

const SCOPE_MAIN = "kicktalk-main";
const SCOPE_RENDERER = "kicktalk-renderer";
const JOURNAL_FILE = "journal.jsonl";
/** Supersede-key prefix of metric delta entries (which of them may be folded into: collectMetrics). */
const DELTA_KEY = "metrics:delta:";

const NOTHING_RELAYED: RelayResult = { accepted: 0, dropped: 0, problem: null };
const relayFailed = (err: unknown): RelayResult => ({ accepted: 0, dropped: 0, problem: `relay failed: ${(err as Error)?.message ?? String(err)}` });

const SEVERITY: Record<RendererLogRecord["severity"], SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};
/** Error areas the renderer may report in (main, ipc, updater and telemetry are main's own). */
const RENDERER_ERROR_AREAS: ReadonlySet<string> = new Set(["ws", "lexical", "store", "api", "renderer", "emote"]);
const ERROR_SEVERITY_TEXT = { warning: "warn", error: "error", fatal: "fatal" } as const;

/** Keeps only the attributes a catalog log event declares (Loki structured metadata stays bounded). */
function declaredAttributes(decl: LogEventDecl, attrs: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const a of decl.attributes) {
    const v = attrs[a.key];
    if (v !== undefined) out[a.key] = v;
  }
  return out;
}

export function createTelemetry(config: TelemetryConfig, deps: TelemetryDeps = {}): Telemetry {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const lockedOff = config.lockedOff ?? null;
  let enabled = config.enabled && lockedOff === null;
  const isEnabled = () => enabled;

  mkdirSync(config.dataDir, { recursive: true });
  let installId = loadInstallId(config.dataDir);
  const redactor = createRedactor({ redactKeys: config.redactKeys, maxLength: config.maxAttributeLength });

  // Counters behind status(); the same events feed the pipeline metrics once instruments exist.
  const dropped: Partial<Record<DropReason, number>> = {};
  let exportedItems = 0;
  let instrumentsReady = false;
  const countDrop = (sig: TelemetrySignal, items: number, reason: DropReason) => {
    dropped[reason] = (dropped[reason] ?? 0) + items;
    if (!instrumentsReady) return;
    instruments.telemetryDropped.record(items, { signal: sig, reason });
  };
  let supersededPoints = 0;

  /** The sender's isSending, once it exists: the journal's bounds never drop the entry in flight. */
  let isSending: (id: string) => boolean = () => false;
  const journal = new Journal({
    isPinned: (id) => isSending(id),
    file: join(config.dataDir, JOURNAL_FILE),
    maxItems: config.maxQueueItems,
    maxBytes: config.maxQueueBytes,
    onDrop: countDrop,
    onDropMetrics: (scopes) => {
      if (!instrumentsReady) return;
      for (const p of metricPoints(scopes as OtlpScopeJson[], PIPELINE_METRICS.telemetryDropped.name)) {
        instruments.telemetryDropped.record(p.value, p.attributes as { signal: TelemetrySignal; reason: DropReason });
      }
    },
    onSupersede: (_sig, items) => {
      supersededPoints += items;
    },
  });
  const loaded = journal.load();
  if (!journal.primary) diag.warn(`telemetry: another process holds ${JOURNAL_FILE}; journaling to ${journal.file}`);
  if (loaded.corruptLines > 0) diag.warn(`telemetry: skipped ${loaded.corruptLines} torn line(s) in ${JOURNAL_FILE}`);
  // Off at start: what an earlier run queued is not sent later behind the user's back.
  if (!enabled) journal.clear("disabled");
  if (lockedOff !== null && config.enabled) diag.warn(`telemetry: off (${lockedOff})`);

  const nextId = createEntryIds();
  const sink: EntrySink = {
    enabled: isEnabled,
    append(sig, res, items, scopes, opts = {}) {
      journal.append({
        t: "e",
        id: nextId(),
        sig,
        res,
        n: items,
        s: scopes,
        ...(opts.priority !== undefined ? { p: opts.priority } : {}),
        ...(opts.key !== undefined ? { k: opts.key } : {}),
      });
    },
  };

  // --- SDK providers -------------------------------------------------------------------
  const sdkResource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: CLIENT_SERVICE,
    [ATTR_SERVICE_VERSION]: config.serviceVersion,
    [ATTR_PROCESS_TYPE]: PROCESS_TYPES["client-main"],
  });
  const sampler = new CriticalAwareSampler({ ratio: config.sampleRatio, sampledTracesPerMinute: config.sampledTracesPerMinute, forceSampledSpans: config.forceSampledSpans, isEnabled, now });
  const spanProcessor = new JournalingSpanProcessor(sink, redactor, config.slowSpanThresholdMs);
  const logProcessor = new JournalingLogProcessor(sink, redactor);
  const reader = new ManualMetricReader();
  const spanLimits = { attributeValueLengthLimit: config.maxAttributeLength, attributeCountLimit: 64, eventCountLimit: 32 };

  ensureContextManager();
  const tp = new BasicTracerProvider({ resource: sdkResource, sampler, spanLimits, spanProcessors: [spanProcessor] });
  const mp = new MeterProvider({ resource: sdkResource, readers: [reader] });
  const lp = new LoggerProvider({ resource: sdkResource, processors: [logProcessor] });
  // The renderer's relayed records (seed 001 event / metric / vital, its logs) are journaled
  // under the renderer's resource, as its spans are: a query by process.type finds them.
  const rendererLp = new LoggerProvider({ resource: sdkResource, processors: [new JournalingLogProcessor(sink, redactor, "renderer")] });
  if (deps.registerGlobal ?? true) {
    trace.setGlobalTracerProvider(tp);
    metricsApi.setGlobalMeterProvider(mp);
    logsApi.setGlobalLoggerProvider(lp);
  }
  const tracer: Tracer = tp.getTracer(SCOPE_MAIN, config.serviceVersion);
  const meter: Meter = mp.getMeter(SCOPE_MAIN, config.serviceVersion);
  const logger: Logger = lp.getLogger(SCOPE_MAIN, config.serviceVersion);
  const rendererLogger: Logger = rendererLp.getLogger(SCOPE_RENDERER, config.serviceVersion);
  const shutdownProviders = async (): Promise<void> => {
    await Promise.all([tp.shutdown(), mp.shutdown(), lp.shutdown(), rendererLp.shutdown()]);
  };

  const instruments = createInstruments({
    meter,
    isEnabled,
    onInvalid: (metric, problem) => {
      diag.warn(`telemetry: dropped a point of ${metric}: ${problem}`);
      countDrop("metrics", 1, "invalid_payload");
    },
  });
  instrumentsReady = true;
  // The queue size is read from the journal at each sample (right before each collection), so it
  // cannot drift: one histogram observation per signal per flush, a current value per install
  // that nothing outlives (as an up-down counter's delta, a quit left its count in the fleet's sum).
  observeAtSample(instruments, "telemetryQueued", () => Object.entries(journal.itemsBySignal()).map(([signal, value]) => ({ value, labels: { signal } })));

  // --- Export --------------------------------------------------------------------------
  const resourceAttributes = (kind: ResourceKind) =>
    toOtlpAttributes({
      [ATTR_SERVICE_NAME]: CLIENT_SERVICE,
      [ATTR_SERVICE_VERSION]: config.serviceVersion,
      [ATTR_PROCESS_TYPE]: PROCESS_TYPES[kind === "main" ? "client-main" : "client-renderer"],
      [ATTR_SERVICE_INSTANCE_ID]: installId,
      [ATTR_INSTALL_ID]: installId,
      ...(config.deploymentEnvironment ? { [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: config.deploymentEnvironment } : {}),
    });
  const sender = new OtlpSender({
    endpoint: config.endpoint,
    headers: config.headers,
    compression: config.compression,
    maxExportBytes: config.maxExportBytes,
    retryBaseMs: config.retryBaseMs,
    retryMaxMs: config.retryMaxMs,
    timeoutMs: config.exportTimeoutMs,
    journal,
    resource: resourceAttributes,
    fetch: deps.fetch ?? httpRequest,
    now,
    random,
    onExported: (sig, items, bytes) => {
      exportedItems += items;
      instruments.telemetryExported.record(items, { signal: sig });
      instruments.telemetryExportBytes.record(bytes, { signal: sig });
    },
    onDropped: countDrop,
    onRetry: (sig, error) => {
      diag.debug(`telemetry: export of ${sig} failed (${error}); retrying later`);
      instruments.telemetryRetries.record(1, { signal: sig });
    },
  });
  isSending = (id) => sender.isSending(id);

  /**
   * Journals the delta since the last collection. While an earlier delta of this run still
   * waits (an outage, a backoff), the new one is folded into it (delta-merge.ts): the journal
   * keeps one metrics entry per run however long the gateway is away. Never folded into: an
   * entry being sent, or one whose request may have arrived unanswered (a timeout): those are
   * re-sent as they were, and the new delta waits as an entry of its own.
   */
  const unchangedSeries = new UnchangedSeries();
  // Only this run's entries are folded into: an earlier run's may have been delivered without
  // an ack, and is re-sent exactly as it was (its start time, too, belongs to that run).
  const ownDeltaKeys = new Set<string>();
  /** Main's process figures, sampled at each collection; started with the timers (below). */
  let processMetrics: ProcessMetrics | null = null;
  const collectMetrics = async (): Promise<void> => {
    if (!enabled) return;
    try {
      // The process figures are histograms observed here: one observation per install per collection.
      processMetrics?.sample();
      const { resourceMetrics } = await reader.collect();
      let scopes = unchangedSeries.complete(metricsToScopes(resourceMetrics));
      if (countDataPoints(scopes) === 0) return;
      let key = `${DELTA_KEY}${nextId()}`;
      const open = journal.pending().findLast((e) => e.k !== undefined && ownDeltaKeys.has(e.k) && sender.mayChange(e.id));
      if (open) {
        scopes = mergeDeltaScopes(journal.scopes(open) as OtlpScopeJson[], scopes);
        key = open.k!; // the folded entry supersedes the open one
      } else ownDeltaKeys.add(key);
      sink.append("metrics", "main", countDataPoints(scopes), scopes, { priority: PRIORITY.metrics, key });
    } catch (err) {
      diag.error("telemetry: metric collection failed", err);
    }
  };

  // --- Session start (issue 12, defect 3) ------------------------------------------------
  // Once per process, when telemetry is first on: the ZERO_STARTED counters at 0, journaled at
  // once (synchronously, under a key of their own that no later snapshot supersedes), and only
  // then the session counted. Every such series reaches Prometheus as a 0 before its first 1,
  // even from a process that crashes during start-up, so increase() sees that crash and session.
  let sessionStarted = false;
  const startSession = (): void => {
    if (sessionStarted) return;
    sessionStarted = true;
    try {
      // Stamped before the SDK's own zero: its first delta then starts and ends after this one,
      // in order for the collector's deltatocumulative.
      const zeroAt = Date.now() - 1;
      startCountersAtZero(instruments);
      const scopes = zeroStartedScopes({ name: SCOPE_MAIN, version: config.serviceVersion }, zeroAt);
      sink.append("metrics", "main", countDataPoints(scopes), scopes, { priority: PRIORITY.metrics, key: `metrics:start:${nextId()}` });
      instruments.sessionsStarted.record(1);
    } catch (err) {
      diag.error("telemetry: starting the session's counters failed", err);
    }
  };

  const flush = async (): Promise<void> => {
    if (!enabled) return;
    await collectMetrics();
    await sender.send();
  };

  // --- Errors, health, process metrics -------------------------------------------------
  const tracker = new ErrorTracker({ maxBreadcrumbs: config.maxBreadcrumbs, dedupWindowMs: config.errorDedupWindowMs, now, redactor });
  const health = new HealthChecker(instruments, isEnabled);
  health.register("telemetry_gateway", async () => sender.state.consecutiveFailures === 0);
  const mainLogEvents = logEventsOf("client-main");
  const rendererLogEvents = logEventsOf("client-renderer");
  const errorAreas: readonly string[] = LABELS.ERROR_AREA.values;

  const emitLog = (
    decl: LogEventDecl,
    severity: RendererLogRecord["severity"],
    body: string,
    attributes: Record<string, string | number | boolean>,
    extra: AnyValueMap = {},
    timeMs?: number,
    from: Logger = logger,
  ) => {
    from.emit({
      severityNumber: SEVERITY[severity],
      severityText: severity.toUpperCase(),
      body,
      attributes: { [LOG_TYPE_ATTRIBUTE]: decl.type, ...declaredAttributes(decl, attributes), ...extra },
      context: context.active(),
      ...(timeMs !== undefined ? { timestamp: timeMs } : {}),
    });
  };

  const captureError = (err: unknown, ctx: ErrorContext): void => {
    if (!enabled) return;
    try {
      const area = errorAreas.includes(ctx.area) ? ctx.area : "main";
      const c = tracker.capture(err, { ...ctx, area });
      if (!c) return;
      instruments.errors.record(1, { area: c.area, severity: c.severity });
      trace.getActiveSpan()?.recordException({ name: c.type, message: c.message, stack: c.stack });
      emitLog(
        LOG_EVENTS.error,
        ERROR_SEVERITY_TEXT[c.severity],
        c.message,
        {
          area: c.area,
          error_fingerprint: c.fingerprint,
          error_type: c.type,
          fatal: c.fatal,
          ...(c.chatroomId !== undefined ? { chatroom_id: c.chatroomId } : {}),
          ...(c.streamerId !== undefined ? { streamer_id: c.streamerId } : {}),
          breadcrumbs: c.breadcrumbs,
          occurrences: c.occurrences,
        },
        { [ATTR_EXCEPTION_TYPE]: c.type, [ATTR_EXCEPTION_MESSAGE]: c.message, [ATTR_EXCEPTION_STACKTRACE]: c.stack },
      );
    } catch (e) {
      diag.error("telemetry: captureError failed", e);
    }
  };

  // The renderer is not trusted to be well-behaved: each kind of item it hands over has a budget.
  const budgets = {
    spans: new RateBudget(RENDERER_BUDGETS_PER_MINUTE.spans, now),
    metrics: new RateBudget(RENDERER_BUDGETS_PER_MINUTE.metricEvents, now),
    logs: new RateBudget(RENDERER_BUDGETS_PER_MINUTE.logs, now),
    errors: new RateBudget(RENDERER_BUDGETS_PER_MINUTE.errors, now),
  };
  /** Takes what the budget allows; the rest is dropped and counted. */
  const withinBudget = <T>(items: T[], budget: RateBudget, sig: TelemetrySignal): { kept: T[]; over: number } => {
    const allowed = budget.take(items.length);
    const over = items.length - allowed;
    if (over > 0) {
      diag.warn(`telemetry: renderer over its ${sig} rate budget; dropped ${over}`);
      countDrop(sig, over, "invalid_payload");
    }
    return { kept: over > 0 ? items.slice(0, allowed) : items, over };
  };

  const ipc = new IpcWrapper({
    tracer,
    instruments,
    isEnabled,
    maxPayloadBytes: config.maxIpcPayloadBytes,
    addBreadcrumb: (b) => tracker.addBreadcrumb(b),
    captureError,
  });

  // --- Timers --------------------------------------------------------------------------
  const timers: NodeJS.Timeout[] = [];
  if (deps.startTimers ?? true) {
    timers.push(setInterval(() => void flush(), deps.metricIntervalMs ?? config.flushIntervalMs).unref());
    timers.push(setInterval(() => void health.runAll(), config.healthCheckIntervalMs).unref());
    processMetrics = startProcessMetrics(instruments, isEnabled);
  }

  let shutDown = false;

  const telemetry: Telemetry = {
    tracer,
    metrics: instruments,

    handleIpc(ipcMain, channel, schema, handler, options) {
      ipc.handle(ipcMain, channel, schema, handler, options);
    },
    registeredChannels: (): readonly IpcChannel[] => ipc.registeredChannels(),

    relayRendererSpans(input): RelayResult {
      if (!enabled) return NOTHING_RELAYED;
      try {
        const checked = validateRendererSpans(input, now());
        const { invalid } = checked;
        let { problem } = checked;
        if (invalid > 0) {
          diag.warn(`telemetry: dropped ${invalid} renderer span(s): ${problem}`);
          countDrop("traces", invalid, "invalid_payload");
        }
        const { kept: valid, over } = withinBudget(checked.valid, budgets.spans, "traces");
        if (over > 0) problem ??= `rate limit: ${over} span(s) over ${RENDERER_BUDGETS_PER_MINUTE.spans}/min`;
        if (valid.length === 0) return { accepted: 0, dropped: invalid + over, problem };
        const spans = valid.map((s) => {
          const json = rendererSpanToOtlp(s);
          redactSpanJson(json, redactor);
          return json;
        });
        const scopes: OtlpScopeJson[] = [{ scope: { name: SCOPE_RENDERER }, spans }];
        sink.append("traces", "renderer", spans.length, scopes);
        return { accepted: valid.length, dropped: invalid + over, problem };
      } catch (err) {
        diag.error("telemetry: relayRendererSpans failed", err);
        return relayFailed(err);
      }
    },

    recordRendererMetrics(input): RelayResult {
      if (!enabled) return NOTHING_RELAYED;
      try {
        const checked = validateRendererMetrics(input, RENDERER_METRIC_KEYS);
        let { invalid, problem } = checked;
        // Per-instrument value bounds (issue 11: a counter +1e308, a gauge -1e9).
        const sane = checked.valid.filter((e) => {
          const why = rendererValueProblem(CLIENT_SIDE_METRICS[e.metric as RecordableMetricKey], e.value);
          if (why === null) return true;
          invalid++;
          problem ??= `metric "${e.metric}": ${why}`;
          return false;
        });
        if (invalid > 0) {
          diag.warn(`telemetry: dropped ${invalid} renderer metric event(s): ${problem}`);
          countDrop("metrics", invalid, "invalid_payload");
        }
        const { kept: valid, over } = withinBudget(sane, budgets.metrics, "metrics");
        if (over > 0) problem ??= `rate limit: ${over} metric event(s) over ${RENDERER_BUDGETS_PER_MINUTE.metricEvents}/min`;
        for (const e of valid) instruments[e.metric as RecordableMetricKey].record(e.value, e.labels ?? {});
        return { accepted: valid.length, dropped: invalid + over, problem };
      } catch (err) {
        diag.error("telemetry: recordRendererMetrics failed", err);
        return relayFailed(err);
      }
    },

    recordRendererLogs(input): RelayResult {
      if (!enabled) return NOTHING_RELAYED;
      try {
        const checked = validateRendererLogs(input, rendererLogEvents);
        const { invalid } = checked;
        let { problem } = checked;
        if (invalid > 0) {
          diag.warn(`telemetry: dropped ${invalid} renderer log record(s): ${problem}`);
          countDrop("logs", invalid, "invalid_payload");
        }
        const { kept: valid, over } = withinBudget(checked.valid, budgets.logs, "logs");
        if (over > 0) problem ??= `rate limit: ${over} log record(s) over ${RENDERER_BUDGETS_PER_MINUTE.logs}/min`;
        for (const r of valid) {
          const decl = rendererLogEvents.get(r.type);
          // A renderer record's time is its own claim: kept only within a day of main's clock.
          const t = r.timeUnixMs !== undefined && Math.abs(r.timeUnixMs - now()) <= 24 * 3600_000 ? r.timeUnixMs : undefined;
          if (decl) emitLog(decl, r.severity, r.body, r.attributes ?? {}, {}, t, rendererLogger);
        }
        return { accepted: valid.length, dropped: invalid + over, problem };
      } catch (err) {
        diag.error("telemetry: recordRendererLogs failed", err);
        return relayFailed(err);
      }
    },

    log(record) {
      if (!enabled) return;
      const decl = mainLogEvents.get(record.type);
      if (!decl) {
        diag.warn(`telemetry: log type "${record.type}" is not a main-process log event in the catalog`);
        countDrop("logs", 1, "invalid_payload");
        return;
      }
      emitLog(decl, record.severity, record.body, record.attributes ?? {}, {}, record.timeUnixMs);
    },

    captureError,

    captureRendererError(err, ctx) {
      if (!enabled) return false;
      // Areas only main can be in are not the renderer's to claim; errors have a rate budget.
      const area = RENDERER_ERROR_AREAS.has(ctx.area) ? ctx.area : "renderer";
      if (budgets.errors.take(1) === 0) {
        countDrop("logs", 1, "invalid_payload");
        return false;
      }
      captureError(err, { ...ctx, area });
      return true;
    },

    addBreadcrumb(b: Breadcrumb) {
      if (enabled) tracker.addBreadcrumb(b);
    },

    registerHealthCheck(dependency: DependencyName, check: HealthCheck) {
      health.register(dependency, check);
    },
    runHealthChecks: () => health.runAll(),

    startStartupSpan(attributes = {}): Span {
      return tracer.startSpan(SPAN_FAMILIES.startup.family, {
        kind: SpanKind.INTERNAL,
        attributes: { ...attributes, [ATTR_PROCESS_TYPE]: PROCESS_TYPES["client-main"], [ATTR_SERVICE_VERSION]: config.serviceVersion },
      });
    },

    async setEnabled(on: boolean) {
      if (on && lockedOff !== null) {
        diag.warn(`telemetry: stays off (${lockedOff}) although the setting asks for it`);
        return;
      }
      if (on === enabled) return;
      enabled = on;
      if (on) startSession();
      // Off means no bytes on the wire, now or later: what is queued is discarded.
      if (!on) {
        sender.abort();
        journal.clear("disabled");
      }
    },
    isEnabled,

    updateExport(update) {
      sender.resume(update);
    },

    async exportMyData() {
      const lines = journal.pending().map((e) => {
        const entry = { s: journal.scopes(e) };
        const resource = Object.fromEntries(resourceAttributes(e.res).map((kv) => [kv.key, kv.value?.stringValue]));
        return JSON.stringify({ id: e.id, signal: e.sig, items: e.n, resource, data: entry.s });
      });
      return lines.length > 0 ? `${lines.join("\n")}\n` : "";
    },

    async deleteMyData() {
      sender.abort();
      journal.clear(null);
      installId = renewInstallId(config.dataDir);
    },

    flush,

    async shutdown(timeoutMs = 2000) {
      if (shutDown) return;
      shutDown = true;
      for (const t of timers) clearInterval(t);
      processMetrics?.stop();
      const started = performance.now();
      const remaining = () => timeoutMs - (performance.now() - started);
      const within = <T>(p: Promise<T>, ms: number) =>
        Promise.race([p.then(() => true).catch(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), Math.max(0, ms)).unref())]);
      // Quit never starts a request that may outlive the deadline: one cut off after the
      // gateway took it is re-sent on the next start as duplicates (50 of 50 with a gateway
      // answering in 2.5 s against a 2 s deadline). So: journal the last metric snapshot,
      // let a request already in flight finish within the deadline, and send more only when
      // the last round trip says it fits twice over. The rest waits in the journal.
      await collectMetrics();
      const inFlight = sender.inFlight();
      if (inFlight) await within(inFlight, remaining());
      const rtt = sender.state.lastRoundTripMs;
      if (enabled && !sender.inFlight() && rtt !== null && rtt * 2 <= remaining() && sender.state.paused === null) {
        await within(sender.send(), remaining());
      }
      sender.abort();
      await within(shutdownProviders(), Math.max(remaining(), 100));
      journal.close();
    },

    status(): TelemetryStatus {
      return {
        enabled,
        sampling: { ratio: config.sampleRatio, sampledTracesPerMinute: config.sampledTracesPerMinute, forceSampledSpans: config.forceSampledSpans, slowSpanThresholdMs: config.slowSpanThresholdMs },
        installId,
        queuedItems: journal.items,
        queuedBytes: journal.bytes,
        exportedItems,
        droppedItems: { ...dropped },
        exportRequests: sender.state.exportRequests,
        lastExportBytes: sender.state.lastExportBytes,
        lastExportError: sender.state.lastExportError,
        nextRetryAt: sender.state.nextRetryAt,
        exportPaused: sender.state.paused,
        supersededMetricPoints: supersededPoints,
        lockedOff,
        registeredChannels: ipc.registeredChannels().length,
      };
    },
  };
  if (enabled) startSession();
  return telemetry;
}
