// Log event types. Client types are seed 001's (log, error, metric, event, vital); the
// server adds access and link-processing records (seed 002/004). Loki keeps record
// attributes as structured metadata (dots become underscores), so LogQL filters them with
// `| log_type="error"` after a `{service_name="…"}` stream selector.
import type { LogEventDecl, SpanAttributeDecl } from "./types.ts";

const str = (key: string, description: string): SpanAttributeDecl => ({ key, type: "string", description });
const num = (key: string, description: string): SpanAttributeDecl => ({ key, type: "double", description });
const bool = (key: string, description: string): SpanAttributeDecl => ({ key, type: "boolean", description });

/**
 * Attribute that carries the event type on every record. Custom, not semconv: OTel's
 * `event.name` is meant for named events, and these types are seed 001's coarse classes;
 * no dot, so Loki's structured metadata key is the same string.
 */
export const LOG_TYPE_ATTRIBUTE = "log_type";

/** Stream labels Loki indexes from the resource; everything else is structured metadata. */
export const LOG_STREAM_LABELS = ["service_name"] as const;

/** Structured metadata keys Loki derives from the OTLP record itself. */
export const LOG_RECORD_FIELDS = ["severity_text", "severity_number", "trace_id", "span_id"] as const;

const event = <const E extends LogEventDecl>(decl: E): E => decl;

export const LOG_EVENTS = {
  log: event({
    type: "log",
    description: "A warning or notable message from the app's logger.",
    attributes: [str("area", "Part of the app")],
    severities: ["info", "warn"],
    emittedBy: ["client-main", "client-renderer"],
  }),
  error: event({
    type: "error",
    description: "An error, after redaction and de-duplication, with its fingerprint and breadcrumbs.",
    attributes: [
      str("area", "Part of the app (ws, ipc, lexical, store, updater, api, …)"),
      str("error_fingerprint", "Stable hash grouping occurrences of one error"),
      str("error_type", "Error class name"),
      bool("fatal", "Whether the error ended the operation or process"),
      str("chatroom_id", "Chatroom in context, if any"),
      str("streamer_id", "Streamer of the chatroom in context, if any"),
      str("breadcrumbs", "JSON array of the last UI/IPC/WS events"),
      num("occurrences", "How many times this fingerprint was seen in the window"),
    ],
    severities: ["warn", "error", "fatal"],
    emittedBy: ["client-main", "client-renderer", "server"],
  }),
  metric: event({
    type: "metric",
    description: "A one-off performance measurement (seed 001 logger.perf()).",
    attributes: [str("metric_name", "What was measured"), num("value", "Value"), str("unit", "Unit")],
    severities: ["info"],
    emittedBy: ["client-main", "client-renderer"],
  }),
  event: event({
    type: "event",
    description: "A user action (seed 001 logger.action()).",
    attributes: [str("action", "Action name"), str("area", "Part of the app")],
    severities: ["info"],
    emittedBy: ["client-renderer"],
  }),
  vital: event({
    type: "vital",
    description: "A web vital of the renderer (LCP, INP, CLS).",
    attributes: [str("vital_name", "LCP | INP | CLS"), num("value", "Value"), str("rating", "good | needs-improvement | poor")],
    severities: ["info"],
    emittedBy: ["client-renderer"],
  }),
  access: event({
    type: "access",
    description: "One HTTP request served by the chat server.",
    attributes: [
      str("http_route", "Route template"),
      str("http_method", "Method"),
      num("http_status", "Status code"),
      num("duration_ms", "Duration in milliseconds"),
    ],
    severities: ["info", "warn", "error"],
    emittedBy: ["server"],
  }),
  linkProcessed: event({
    type: "link_processed",
    description: "A link finished processing (seed 004): its domain, status, reason and duration.",
    attributes: [
      str("link_id", "Link id"),
      str("link_domain", "Host of the URL; top domains come from here, never from a metric label"),
      str("link_status", "completed | failed"),
      str("link_failure_reason", "none | timeout | http_error | not_html | network | invalid_url | blocked | shed"),
      num("duration_ms", "Processing time in milliseconds"),
      str("link_title", "Extracted page title"),
    ],
    severities: ["info", "warn"],
    emittedBy: ["server"],
  }),
} as const;
