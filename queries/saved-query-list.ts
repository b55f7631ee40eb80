// The saved Explore queries themselves, declared once and emitted three ways: Grafana Explore URLs
// (explore-url.ts), query library resources (query-library.ts) and the Explore shortcuts
// dashboard. Seed 000's trace searches come first: one per span family, generated from the
// catalog so a new family gets its search without anyone remembering to add it.
import type { SavedQuery } from "../build/content-types.ts";
import {
  CLIENT_SERVICE,
  LOG_EVENTS,
  METRICS,
  SERVER_SERVICE,
  SPAN_FAMILIES,
  type SpanFamilyDecl,
} from "../catalog/index.ts";
import { countOverTime, logStream, logStreamOfServices } from "./logql.ts";
import { quantile, rate, ratio, sumBy, topk } from "./promql.ts";
import { spansOf } from "./traceql.ts";

const kebab = (s: string) => s.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase();

/** `name =~ "ipc:.*"`-style title, as seed 000 writes its trace searches. */
const familyTitle = (f: SpanFamilyDecl) => (f.names.length === 1 ? `Traces: ${f.names[0]}` : `Traces: ${f.family} spans (${f.namePattern})`);

/** One TraceQL search per span family, in catalog order. */
export const FAMILY_TRACE_QUERIES: readonly SavedQuery[] = Object.values(SPAN_FAMILIES).map((f) => ({
  id: `traces-${kebab(f.family)}`,
  title: familyTitle(f),
  description: f.description,
  language: "traceql",
  expr: spansOf(f),
  tags: ["traces", f.family],
}));

const TRACE_QUERIES: readonly SavedQuery[] = [
  ...FAMILY_TRACE_QUERIES,
  {
    id: "traces-ipc-errors",
    title: "Traces: failed IPC calls",
    description: "IPC invocations whose handler threw or whose payload was rejected, with the renderer span that caused them.",
    language: "traceql",
    expr: spansOf(SPAN_FAMILIES.ipc, ["status = error"]),
    tags: ["traces", "ipc", "errors"],
  },
  {
    id: "traces-ws-errors",
    title: "Traces: WebSocket connections that failed",
    description: "WebSocket connect/reconnect spans that ended in error, with their streamer and attempt number.",
    language: "traceql",
    expr: spansOf(SPAN_FAMILIES.ws, ["status = error"]),
    tags: ["traces", "ws", "errors"],
  },
  {
    id: "traces-server-5xx",
    title: "Traces: server requests answered 5xx",
    description: "Chat server HTTP spans with a 5xx status; the client's http-client span is their parent.",
    language: "traceql",
    expr: spansOf(SPAN_FAMILIES.httpServer, ["span.http.response.status_code >= 500"]),
    tags: ["traces", "server", "errors"],
  },
  {
    id: "traces-slow-link-processing",
    title: "Traces: link processing over 2 s",
    description: "Link processing spans slower than 2 s (the fetch timeout is 5 s): which domains and steps are slow.",
    language: "traceql",
    expr: spansOf(SPAN_FAMILIES.link, ['name = "link:process"', "duration > 2s"]),
    tags: ["traces", "links", "latency"],
  },
];

const clientErrors = logStream(CLIENT_SERVICE, { type: LOG_EVENTS.error });

const LOG_QUERIES: readonly SavedQuery[] = [
  {
    id: "logs-client-errors",
    title: "Logs: client errors",
    description: "Redacted, de-duplicated error records of the client (main and renderer), with fingerprint, area and breadcrumbs.",
    language: "logql",
    expr: clientErrors,
    tags: ["logs", "client", "errors"],
  },
  {
    id: "logs-errors-by-fingerprint",
    title: "Logs: client errors by fingerprint",
    description: "Error records per interval grouped by fingerprint, error class and area: which error groups are growing.",
    language: "logql",
    expr: topk(10, sumBy(["error_fingerprint", "error_type", "area"], countOverTime(clientErrors))),
    tags: ["logs", "client", "errors"],
  },
  {
    id: "logs-link-failures",
    title: "Logs: link processing failures",
    description: "link_processed records of failed links: domain, failure reason, duration.",
    language: "logql",
    expr: logStream(SERVER_SERVICE, { type: LOG_EVENTS.linkProcessed, filters: [{ field: "link_status", value: "failed" }] }),
    tags: ["logs", "server", "links", "errors"],
  },
  {
    id: "logs-of-trace",
    title: "Logs: every record of one trace",
    description: "Client and server log records carrying one trace id: replace $trace_id with the id from a trace view.",
    language: "logql",
    expr: logStreamOfServices([CLIENT_SERVICE, SERVER_SERVICE], [{ field: "trace_id", op: "=~", value: "$trace_id" }]),
    tags: ["logs", "traces", "correlation"],
  },
  {
    id: "logs-server-5xx",
    title: "Logs: server 5xx access log",
    description: "Access log records of requests the chat server answered with a 5xx status.",
    language: "logql",
    expr: logStream(SERVER_SERVICE, { type: LOG_EVENTS.access, filters: [{ field: "http_status", op: "=~", value: "5.." }] }),
    tags: ["logs", "server", "errors"],
  },
  {
    id: "logs-poor-web-vitals",
    title: "Logs: poor web vitals",
    description: "Renderer web vitals (LCP, INP, CLS) rated poor.",
    language: "logql",
    expr: logStream(CLIENT_SERVICE, { type: LOG_EVENTS.vital, filters: [{ field: "rating", value: "poor" }] }),
    tags: ["logs", "client", "performance"],
  },
];

const METRIC_QUERIES: readonly SavedQuery[] = [
  {
    id: "metrics-ws-reconnects-by-reason",
    title: "Metrics: WebSocket reconnects by reason",
    description: "Reconnection attempts per second across clients, by reason.",
    language: "promql",
    expr: sumBy(["reason"], rate(METRICS.websocketReconnections)),
    tags: ["metrics", "client", "websocket"],
  },
  {
    id: "metrics-connection-errors-by-type",
    title: "Metrics: connection errors by type",
    description: "Failed or abnormally closed connections per second, by error_type and service.",
    language: "promql",
    expr: sumBy(["error_type", "source"], rate(METRICS.connectionErrors)),
    tags: ["metrics", "client", "websocket", "errors"],
  },
  {
    id: "metrics-message-send-p95",
    title: "Metrics: message send duration P95",
    description: "95th percentile from Enter to the server's acknowledgement, successful sends.",
    language: "promql",
    expr: quantile(0.95, METRICS.messageSendDuration, { matchers: { success: "true" } }),
    tags: ["metrics", "client", "latency"],
  },
  {
    id: "metrics-api-failure-ratio",
    title: "Metrics: client API failure ratio by endpoint",
    description: "Share of the client's API calls that got a 5xx or no response (status 0), per endpoint.",
    language: "promql",
    expr: ratio(METRICS.apiRequests, { status_code: { op: "=~", value: "5..|0" } }, { by: ["endpoint"] }),
    tags: ["metrics", "client", "api", "errors"],
  },
  {
    id: "metrics-server-5xx-ratio",
    title: "Metrics: server 5xx ratio by route",
    description: "Share of the chat server's requests answered 5xx, per route template.",
    language: "promql",
    expr: ratio(METRICS.httpRequests, { status_code: { op: "=~", value: "5.." } }, { by: ["route"] }),
    tags: ["metrics", "server", "errors"],
  },
  {
    id: "metrics-link-success-ratio",
    title: "Metrics: link processing success ratio",
    description: "Share of processed links that completed.",
    language: "promql",
    expr: ratio(METRICS.linksProcessed, { status: "completed" }),
    tags: ["metrics", "server", "links"],
  },
  {
    id: "metrics-telemetry-dropped",
    title: "Metrics: telemetry dropped by reason",
    description: "Telemetry items per second the client's telemetry layer gave up on, by reason and signal.",
    language: "promql",
    expr: sumBy(["reason", "signal"], rate(METRICS.telemetryDropped)),
    tags: ["metrics", "pipeline"],
  },
  {
    // Per install is gone past the fleet gateway (installs are added up); the heap distribution by
    // window age is what shows a leak: long-open windows holding more than recent ones.
    id: "metrics-renderer-heap-by-window-age",
    title: "Metrics: renderer heap p95 by window age",
    description:
      "The 95th percentile of renderer JS heap across windows, by how long each window has been open: a leak shows as long-open windows holding more.",
    language: "promql",
    expr: quantile(0.95, METRICS.rendererMemoryUsage, { by: ["window_age"], matchers: { type: "js_heap_used" } }),
    tags: ["metrics", "client", "memory"],
  },
];

export const SAVED_QUERIES: readonly SavedQuery[] = [...TRACE_QUERIES, ...LOG_QUERIES, ...METRIC_QUERIES];
