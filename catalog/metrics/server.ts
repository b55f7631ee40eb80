// Metrics of the chat server (server/): HTTP and WebSocket RED, and link processing
// (seed 004). Domains and URLs never become labels: they are on spans and log records.
import * as L from "../labels.ts";
import { LATENCY_BUCKETS_S, metric } from "./define.ts";

const SERVER = ["server"] as const;

/** Link fetches can take seconds (the fetch timeout is 5 s), so buckets reach 30 s. */
const LINK_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export const SERVER_METRICS = {
  httpRequests: metric({
    name: "chat_server_http_requests",
    instrument: "counter",
    unit: "{request}",
    description: "HTTP requests served, by route template, method and status.",
    labels: [L.HTTP_ROUTE, L.HTTP_METHOD, L.HTTP_STATUS_CODE],
    emittedBy: SERVER,
  }),
  httpRequestDuration: metric({
    name: "chat_server_http_request_duration",
    instrument: "histogram",
    unit: "s",
    description: "Time to serve an HTTP request, by route template and status.",
    labels: [L.HTTP_ROUTE, L.HTTP_STATUS_CODE],
    // No method: the route (endpoint) implies it, and each label multiplies the histogram's
    // series by its values (the series budget, build/lint).
    buckets: LATENCY_BUCKETS_S,
    emittedBy: SERVER,
  }),
  wsConnectionsActive: metric({
    name: "chat_server_ws_connections_active",
    instrument: "updowncounter",
    unit: "{connection}",
    description: "Open WebSocket connections.",
    labels: [],
    emittedBy: SERVER,
  }),
  wsMessagesOut: metric({
    name: "chat_server_ws_messages_out",
    instrument: "counter",
    unit: "{message}",
    description: "Events pushed to WebSocket subscribers (one per subscriber reached).",
    labels: [L.WS_EVENT],
    emittedBy: SERVER,
  }),
  wsDisconnects: metric({
    name: "chat_server_ws_disconnects",
    instrument: "counter",
    unit: "{connection}",
    description: "WebSocket connections closed, by reason.",
    labels: [L.WS_CLOSE_REASON],
    emittedBy: SERVER,
  }),
  messagesPosted: metric({
    name: "chat_server_messages_posted",
    instrument: "counter",
    unit: "{message}",
    description: "Chat messages posted over the API, accepted or rejected.",
    labels: [L.MESSAGE_OUTCOME],
    emittedBy: SERVER,
  }),
  linksQueued: metric({
    name: "chat_server_links_queued",
    instrument: "updowncounter",
    unit: "{link}",
    description: "Links waiting for or in processing.",
    labels: [],
    emittedBy: SERVER,
  }),
  linksCreated: metric({
    name: "chat_server_links_created",
    instrument: "counter",
    unit: "{link}",
    description: "Links found in posted messages (queued for processing, or shed and counted as failed with reason shed).",
    labels: [],
    emittedBy: SERVER,
  }),
  linksProcessed: metric({
    name: "chat_server_links_processed",
    instrument: "counter",
    unit: "{link}",
    description: "Links whose processing finished, by status and failure reason.",
    labels: [L.LINK_STATUS, L.LINK_FAILURE_REASON],
    emittedBy: SERVER,
  }),
  linkProcessingDuration: metric({
    name: "chat_server_link_processing_duration",
    instrument: "histogram",
    unit: "s",
    description: "From queueing a link to its final status.",
    labels: [L.LINK_STATUS],
    buckets: LINK_BUCKETS_S,
    emittedBy: SERVER,
  }),
  serverTelemetryDropped: metric({
    name: "chat_server_telemetry_dropped_items",
    instrument: "counter",
    unit: "{item}",
    description: "Telemetry items the server gave up on, by signal and reason (spans evicted from the forced-sampling buffer).",
    labels: [L.TELEMETRY_SIGNAL, L.DROP_REASON],
    emittedBy: SERVER,
  }),
  tracesForceSampled: metric({
    name: "chat_server_traces_force_sampled",
    instrument: "counter",
    unit: "{trace}",
    description: "Traces exported although head sampling skipped them, because they ended in error or were slow.",
    labels: [L.FORCED_SAMPLE_REASON],
    emittedBy: SERVER,
  }),
} as const;
