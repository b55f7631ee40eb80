// Every setting of the chat server, read from the environment and validated once. An
// invalid value fails start-up with an error naming the variable; nothing else in server/
// reads process.env.
import { z } from "zod";

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"], { message: "must be true, false, 1 or 0" })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1"));

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).optional().default(fallback);

const ENV = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).optional().default("development"),
  /** Loopback by default: this is a development backend, not an internet-facing service. */
  HOST: z.string().min(1).optional().default("127.0.0.1"),
  PORT: int(8787, 0, 65535),
  /** Standard OTel switch: when true no SDK is started and every signal is a no-op. */
  OTEL_SDK_DISABLED: bool(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ message: "must be a URL such as http://127.0.0.1:4318" }).optional().default("http://127.0.0.1:4318"),
  /** Head-sampling ratio for new traces, 0–1. Defaults to 0.1 in production and 1 elsewhere. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  /** Metric export interval in ms (standard OTel variable). */
  OTEL_METRIC_EXPORT_INTERVAL: int(15_000, 100, 3_600_000),
  /** Export unsampled traces anyway when they end in error or are slow (tail buffer). */
  CHAT_SERVER_FORCED_SAMPLING: bool(true),
  /** A request whose server span lasts at least this long (ms) is force-sampled. */
  CHAT_SERVER_SLOW_REQUEST_MS: int(500, 1, 600_000),
  /**
   * Spans held for the forced-sampling decision; past it the oldest trace is dropped and counted.
   * A held span with instrumentation-http's attributes is ~1–2 KB of heap, so a full buffer at
   * the default is ~5–10 MB; under normal load it holds only the spans of requests in flight.
   */
  CHAT_SERVER_TRACE_BUFFER_SPANS: int(4096, 16, 1_000_000),
  /** Upper bound on flushing telemetry at shutdown, in ms. */
  CHAT_SERVER_SHUTDOWN_TIMEOUT_MS: int(5_000, 100, 60_000),
  /** WebSocket heartbeat: a socket that does not answer a ping within this many ms is closed. */
  CHAT_SERVER_WS_HEARTBEAT_MS: int(30_000, 50, 600_000),
  /** Lets a request fail or stall on purpose via the x-beacon-fault header; for e2e tests only. */
  CHAT_SERVER_FAULT_INJECTION: bool(false),
  LINK_FETCH_TIMEOUT_MS: int(5_000, 10, 120_000),
  LINK_CONCURRENCY: int(4, 1, 64),
  /** Largest page body read for metadata, in bytes; the rest is not downloaded. */
  LINK_MAX_BYTES: int(1_048_576, 1024, 16 * 1_048_576),
});

export interface ServerConfig {
  readonly env: "production" | "development" | "test";
  readonly host: string;
  readonly port: number;
  readonly telemetry: {
    readonly enabled: boolean;
    readonly otlpEndpoint: string;
    readonly sampleRatio: number;
    readonly forcedSampling: boolean;
    readonly slowRequestMs: number;
    readonly traceBufferSpans: number;
    readonly metricExportIntervalMs: number;
    readonly shutdownTimeoutMs: number;
  };
  readonly ws: { readonly heartbeatMs: number };
  readonly faultInjection: boolean;
  readonly links: { readonly fetchTimeoutMs: number; readonly concurrency: number; readonly maxBytes: number };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment into a config; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServerConfig {
  // Empty strings count as unset, as shells often export VAR= to clear a variable.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ENV.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}=${JSON.stringify(cleaned[String(i.path[0])])}: ${i.message}`);
    throw new ConfigError(`invalid chat server environment:\n  - ${lines.join("\n  - ")}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === "production" && e.CHAT_SERVER_FAULT_INJECTION) {
    throw new ConfigError("invalid chat server environment:\n  - CHAT_SERVER_FAULT_INJECTION=true is refused with NODE_ENV=production: it lets any caller fail requests");
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    telemetry: {
      enabled: !e.OTEL_SDK_DISABLED,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ""),
      sampleRatio: e.OTEL_TRACES_SAMPLER_ARG ?? (e.NODE_ENV === "production" ? 0.1 : 1),
      forcedSampling: e.CHAT_SERVER_FORCED_SAMPLING,
      slowRequestMs: e.CHAT_SERVER_SLOW_REQUEST_MS,
      traceBufferSpans: e.CHAT_SERVER_TRACE_BUFFER_SPANS,
      metricExportIntervalMs: e.OTEL_METRIC_EXPORT_INTERVAL,
      shutdownTimeoutMs: e.CHAT_SERVER_SHUTDOWN_TIMEOUT_MS,
    },
    ws: { heartbeatMs: e.CHAT_SERVER_WS_HEARTBEAT_MS },
    faultInjection: e.CHAT_SERVER_FAULT_INJECTION,
    links: { fetchTimeoutMs: e.LINK_FETCH_TIMEOUT_MS, concurrency: e.LINK_CONCURRENCY, maxBytes: e.LINK_MAX_BYTES },
  };
}
