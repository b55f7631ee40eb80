// Starts OpenTelemetry for the chat server: W3C trace context propagation (the client's trace
// continues in the server's own HTTP spans, http/request-telemetry.ts), the sampler and
// forced-sampling buffer, RED metrics from the catalog and OTLP logs. When telemetry is
// disabled nothing is started and every signal is the API's no-op.
//
// Deliberately NOT @opentelemetry/sdk-node: NodeSDK imports every exporter it can build from
// the environment (gRPC, protobuf, Zipkin, Prometheus...) when it is loaded. Measured from an
// empty process (bench/sdk-import-cost.ts, Node 24, OTel JS 0.223): sdk-node with
// instrumentation-http costs +58.6 MB RSS, the per-signal packages this file uses +21.1 MB, and
// the same parts as one file (otel.ts) +16.1 MB, with 1.0 MB of young-generation survivors
// instead of 3.9. On the loaded chat server it costs ~1–3 MB RSS once listening
// (bench/server-overhead.ts, on − off: +2.8, +1.2 and +0.0 MB in three runs of three rounds). Seed 002 allows < 10 MB in all, so the providers are
// built here from the same parts NodeSDK would use, and registered the same way.
import { randomUUID } from "node:crypto";
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import type { LogRecordExporter } from "@opentelemetry/sdk-logs";
import type { IMetricReader } from "@opentelemetry/sdk-metrics";
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { PROCESS_TYPES, SERVER_SERVICE } from "../../catalog/index.ts";
import type { ServerConfig } from "../config.ts";
import { SCOPE_VERSION, createServerTelemetry } from "./api-telemetry.ts";
import { LeanRootContextManager } from "./context-manager.ts";
import { otel } from "./otel.ts";
import { ChatServerSampler } from "./sampling.ts";
import type { TailBuffer } from "./tail-buffer.ts";
import { TailSamplingTracerProvider } from "./tail-tracer.ts";
import type { ServerTelemetry } from "./types.ts";

const {
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  BasicTracerProvider,
  BatchLogRecordProcessor,
  BatchSpanProcessor,
  CompositePropagator,
  LoggerProvider,
  MeterProvider,
  OTLPLogExporter,
  OTLPMetricExporter,
  OTLPTraceExporter,
  PeriodicExportingMetricReader,
  SimpleLogRecordProcessor,
  SimpleSpanProcessor,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
  resourceFromAttributes,
} = otel;

/**
 * Export every second, or as soon as 64 records are queued: the SDK defaults (5 s, 512) hold
 * several MB of spans and logs under load and serialize them in longer event-loop pauses. With
 * batches of 256, up to a second of access logs (200 records at 200 req/s) waited in the queue,
 * and whatever was queued when V8 scavenged survived it: at 64, what survives a scavenge per
 * request fell from +0.23 to +0.15 KB over 3 minutes (bench/server-overhead.ts), for ~4 OTLP
 * requests a second instead of ~2 at that rate. The queue bound (what is dropped past it) stays
 * the default 2048.
 */
const BATCH = { scheduledDelayMillis: 1000, maxExportBatchSize: 64, maxQueueSize: 2048 } as const;

/** Test seams: in-memory exporters and readers instead of OTLP. */
export interface TelemetryOverrides {
  readonly spanExporter?: SpanExporter;
  readonly metricReader?: IMetricReader;
  readonly logExporter?: LogRecordExporter;
  /** Export each span and log record as it ends (tests) instead of batching. */
  readonly exportImmediately?: boolean;
}

export interface RunningTelemetry {
  readonly enabled: boolean;
  readonly telemetry: ServerTelemetry;
  /** The forced-sampling buffer, when forced sampling is on. */
  readonly tailBuffer: TailBuffer | undefined;
  /** Flushes and stops every signal; resolves within `shutdownTimeoutMs` even if the gateway hangs. */
  shutdown(): Promise<{ readonly timedOut: boolean }>;
}

export function startTelemetry(config: ServerConfig, overrides: TelemetryOverrides = {}): RunningTelemetry {
  const t = config.telemetry;
  if (!t.enabled) {
    return { enabled: false, telemetry: createServerTelemetry(), tailBuffer: undefined, shutdown: async () => ({ timedOut: false }) };
  }
  const endpoint = t.otlpEndpoint;
  const spanExporter = overrides.spanExporter ?? new OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
  const logExporter = overrides.logExporter ?? new OTLPLogExporter({ url: `${endpoint}/v1/logs` });
  const metricReader =
    overrides.metricReader ??
    new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/metrics` }),
      exportIntervalMillis: t.metricExportIntervalMs,
      exportTimeoutMillis: Math.min(t.metricExportIntervalMs, 10_000),
    });
  const exportSpans: SpanProcessor = overrides.exportImmediately ? new SimpleSpanProcessor(spanExporter) : new BatchSpanProcessor(spanExporter, BATCH);

  // The buffer reports through instruments that exist only once the SDK has started.
  let telemetry: ServerTelemetry | undefined;
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: SERVER_SERVICE,
    [ATTR_SERVICE_VERSION]: SCOPE_VERSION,
    // Issue 12 defect 9: one id per process (semconv: a UUID), so two replicas write two series
    // (Prometheus `instance`) instead of overwriting one another's.
    "service.instance.id": randomUUID(),
    "process.type": PROCESS_TYPES.server,
    "deployment.environment.name": config.env,
  });
  // Host and process resource detectors are not run: they add nothing a dashboard uses.
  const meterProvider = new MeterProvider({ resource, readers: [metricReader] });
  const sampler = new ChatServerSampler({ ratio: t.sampleRatio, forcedSampling: t.forcedSampling });
  // With forced sampling, spans the ratio skips are compact deferred records (tail-tracer.ts),
  // materialised only when their trace ends in error or slow.
  const tailSampling = t.forcedSampling
    ? new TailSamplingTracerProvider({
        resource,
        sampler,
        exportProcessor: exportSpans,
        slowMs: t.slowRequestMs,
        maxSpans: t.traceBufferSpans,
        onForced: (reason) => telemetry?.instruments.tracesForceSampled.record(1, { reason }),
        onDropped: (n) => telemetry?.instruments.serverTelemetryDropped.record(n, { signal: "traces", reason: "queue_full" }),
      })
    : undefined;
  const tracerProvider = tailSampling ?? new BasicTracerProvider({ resource, sampler, spanProcessors: [exportSpans] });
  const tailBuffer = tailSampling?.buffer;
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [overrides.exportImmediately ? new SimpleLogRecordProcessor({ exporter: logExporter }) : new BatchLogRecordProcessor({ exporter: logExporter, ...BATCH })],
  });
  // What NodeSDK.start() registers: AsyncLocalStorage context (answering a LeanContext when
  // nothing is active: context-manager.ts), W3C trace context + baggage propagation (its
  // default), and the three providers as the API globals.
  context.setGlobalContextManager(new LeanRootContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(tracerProvider);
  logs.setGlobalLoggerProvider(loggerProvider);
  telemetry = createServerTelemetry({ enabled: true });

  let stopped: Promise<{ readonly timedOut: boolean }> | undefined;
  return {
    enabled: true,
    telemetry,
    tailBuffer,
    shutdown() {
      stopped ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), t.shutdownTimeoutMs);
          timer.unref();
        });
        const done = Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]).then(
          () => "done" as const,
          () => "done" as const,
        );
        const result = await Promise.race([done, timeout]);
        clearTimeout(timer);
        return { timedOut: result === "timeout" };
      })();
      return stopped;
    },
  };
}
