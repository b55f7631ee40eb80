// Metric labels shared by several metrics, declared once. A label's value set is part of
// the contract: emitters may only record listed values, and panels may filter on them.
import { CLIENT_SERVICE, SERVER_SERVICE } from "./services.ts";
import { enumLabel } from "./enum-label.ts";
import type { CappedLabel, PatternLabel, UnboundedLabel } from "./types.ts";

const cappedLabel = (name: string, max: number, description: string): CappedLabel => ({
  name,
  kind: "capped",
  max,
  overflowValue: "other",
  description,
});

/** Streamer whose chatroom a connection or message belongs to; seed 000 panels group by it. */
export const STREAMER_NAME = cappedLabel(
  "streamer_name",
  25,
  "Streamer of the chatroom. Capped at 25 per client process (more are recorded as 'other'); rooms a user joins at once are far fewer.",
);

export const CONNECTION_SOURCE = enumLabel(
  "source",
  ["kick", "7tv"],
  "Which realtime service the WebSocket connects to.",
);

export const CONNECTION_ERROR_TYPE = enumLabel(
  "error_type",
  ["ws_error", "ws_closed_abnormally", "timeout", "dns", "http_error", "auth", "protocol"],
  "Why a connection failed.",
);

export const RECONNECT_REASON = enumLabel(
  "reason",
  ["server_close", "network", "timeout", "manual"],
  "Why the client reconnected.",
);

export const MESSAGE_TYPE = enumLabel(
  "message_type",
  ["regular", "reply", "command", "emote_only", "system"],
  "Kind of chat message.",
);

export const SUCCESS = enumLabel("success", ["true", "false"], "Whether the operation succeeded.");

export const HTTP_METHOD = enumLabel(
  "method",
  ["GET", "POST", "PUT", "PATCH", "DELETE", "_OTHER"],
  "HTTP request method; '_OTHER' for any other method (OTel semconv http.request.method).",
);

export const HTTP_STATUS_CODE: PatternLabel = {
  name: "status_code",
  kind: "pattern",
  pattern: /^[1-5][0-9][0-9]$|^0$/,
  // The codes the chat API answers (200, 201, 204, 400, 401, 404, 409, 413, 415, 429, 5xx) and 0.
  // The pattern admits more; emitters do not clamp to these yet, so this bound is the budget's
  // assumption.
  maxValues: 12,
  description: "HTTP response status code; 0 when no response arrived (network error, timeout).",
};

/** Route templates of the chat server's API, never raw paths (ids would make them unbounded). */
export const API_ENDPOINTS = [
  "/api/auth/register",
  "/api/auth/sign-in",
  "/api/auth/sign-out",
  "/api/auth/password",
  "/api/chatrooms",
  "/api/chatrooms/:id",
  "/api/chatrooms/:id/emotes",
  "/api/chatrooms/:id/messages",
  "/api/users/:id",
  "/api/links/:id",
  "/healthz",
  "unmatched",
] as const;

export const API_ENDPOINT = enumLabel(
  "endpoint",
  API_ENDPOINTS,
  "Route template the client called ('unmatched' for anything else).",
);

export const HTTP_ROUTE = enumLabel(
  "route",
  API_ENDPOINTS,
  "Route template the server matched ('unmatched' for 404s on unknown paths).",
);

export const WINDOW_TYPE = enumLabel(
  "window_type",
  ["main", "user", "auth", "chatters", "search", "settings", "reply_thread"],
  "Which kind of window (seed 000's dialogs).",
);

export const EMOTE_SOURCE = enumLabel("source", ["7tv", "kick", "bttv"], "Emote provider.");

export const EMOTE_CACHE_TIER = enumLabel(
  "tier",
  ["memory", "disk"],
  "Cache level that answered the lookup.",
);

export const MEMORY_TYPE = enumLabel(
  "type",
  ["rss", "heap_used", "heap_total", "external", "array_buffers"],
  "Kind of memory, as process.memoryUsage() reports it.",
);

export const RENDERER_MEMORY_TYPE = enumLabel(
  "type",
  ["js_heap_used", "js_heap_total"],
  "Kind of renderer memory, as performance.memory reports it.",
);

/**
 * How long the renderer window has been open when its heap is sampled (the document's own clock,
 * performance.now()). Not semconv: a fleet histogram has no per-install series, so a leak shows
 * only as long-open windows holding more heap than recent ones (ClientRendererMemoryGrowing).
 */
export const WINDOW_AGE = enumLabel(
  "window_age",
  ["under_30m", "30m_to_2h", "over_2h"],
  "Age of the renderer window a sample comes from: under 30 minutes (warming up), 30 minutes to 2 hours, over 2 hours.",
);

export const GC_TYPE = enumLabel(
  "gc_type",
  ["minor", "major", "incremental", "weakcb"],
  "V8 garbage collection kind (perf_hooks 'gc' entries).",
);

export const UPDATER_EVENT = enumLabel(
  "event",
  ["check", "available", "not_available", "downloading", "ready", "installed", "error"],
  "Auto-updater lifecycle event.",
);

export const APP_VERSION = cappedLabel(
  "version",
  10,
  "Version an update event is about. Capped at 10 per process: releases seen in one run are few.",
);

export const ERROR_AREA = enumLabel(
  "area",
  ["ws", "ipc", "lexical", "store", "updater", "api", "renderer", "main", "emote", "telemetry"],
  "Part of the app where an error happened (seed 000 phase 11).",
);

export const ERROR_SEVERITY = enumLabel(
  "severity",
  ["warning", "error", "fatal"],
  "Severity an error was reported with.",
);

export const TELEMETRY_SIGNAL = enumLabel(
  "signal",
  ["traces", "metrics", "logs"],
  "Which OTLP signal a telemetry item belongs to.",
);

export const DROP_REASON = enumLabel(
  "reason",
  ["queue_full", "journal_full", "invalid_payload", "payload_too_large", "export_rejected", "retries_exhausted", "disabled"],
  "Why the telemetry layer dropped an item.",
);

export const IPC_CHANNEL_LABEL = cappedLabel(
  "channel",
  64,
  "IPC channel name. The channel list is fixed by the preload API (well under the cap of 64).",
);

export const IPC_OUTCOME = enumLabel(
  "outcome",
  ["ok", "error", "rejected"],
  "Result of an IPC call: handled, handler threw, or payload rejected by validation.",
);

export const DEPENDENCY = enumLabel(
  "dependency",
  ["chat_server", "websocket", "telemetry_gateway"],
  "A dependency the client health-checks.",
);

export const INPUT_INTERACTION = enumLabel(
  "interaction",
  ["suggestion_visible", "emote_insert", "mention_insert", "send_ack", "chatroom_switch"],
  // chatroom_switch: a chatroom tab clicked to that room's messages painted (seed 000's "switch
  // views" step), declared here so it lands on the input latency panel beside the editor's.
  "UI interaction whose latency is measured: the editor's (seed 000 phase 6) and a chatroom switch.",
);

export const WS_EVENT = enumLabel(
  "event",
  ["chat_message", "emote_set_update", "presence", "pong", "reconnect"],
  "Kind of event the server pushes over WebSocket.",
);

export const WS_CLOSE_REASON = enumLabel(
  "reason",
  ["client_close", "server_close", "ping_timeout", "error", "shutdown", "slow_consumer", "rate_limited"],
  "Why a server-side WebSocket closed ('slow_consumer': it stopped reading and its send buffer overflowed; 'rate_limited': it sent frames faster than allowed).",
);

export const MESSAGE_OUTCOME = enumLabel(
  "outcome",
  ["accepted", "rejected"],
  "Whether the server accepted a posted message.",
);

export const FORCED_SAMPLE_REASON = enumLabel(
  "reason",
  ["error", "slow"],
  "Why the server exported a trace that head sampling had skipped.",
);

export const LINK_STATUS = enumLabel(
  "status",
  ["completed", "failed"],
  "Final status of a processed link.",
);

export const LINK_FAILURE_REASON = enumLabel(
  "reason",
  ["none", "timeout", "http_error", "not_html", "network", "invalid_url", "blocked", "shed"],
  "Why link processing failed ('none' when it completed; 'blocked': not a public address or port; 'shed': over the link queue's bounds).",
);

// Unbounded identifiers: declared so spans and logs can name them, never allowed on metrics.
export const USER_ID: UnboundedLabel = { name: "user_id", kind: "unbounded", description: "User id." };
export const SESSION_ID: UnboundedLabel = { name: "session_id", kind: "unbounded", description: "Session id." };
export const MESSAGE_ID: UnboundedLabel = { name: "message_id", kind: "unbounded", description: "Message id." };
export const URL_LABEL: UnboundedLabel = { name: "url", kind: "unbounded", description: "A full URL." };
export const CHATROOM_ID: UnboundedLabel = {
  name: "chatroom_id",
  kind: "unbounded",
  description: "Chatroom id: open-ended across all users, so on spans and logs only.",
};

// Labels of the span metrics (catalog/metrics/gateway.ts), as Tempo's metrics generator names
// them and as the native gateway renames the span_metrics connector's dimensions to match.
export const SPAN_SERVICE = enumLabel(
  "service",
  [CLIENT_SERVICE, SERVER_SERVICE],
  "service.name of the spans a span metric counts (Tempo's metrics generator calls the label `service`).",
);

export const SPAN_KIND = enumLabel(
  "span_kind",
  ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"],
  "OTLP span kind, spelled as the OTLP enum (Tempo and the span_metrics connector alike).",
);

export const SPAN_STATUS_CODE = enumLabel(
  "status_code",
  ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"],
  "OTLP span status, spelled as the OTLP enum.",
);
