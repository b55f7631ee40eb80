// Metrics of the Electron client, seed 000's names first. The client creates its
// instruments from these declarations (client/main/telemetry), never from literals.
import * as L from "../labels.ts";
import { CPU_RATIO_BUCKETS, FAST_BUCKETS_S, HELD_COUNT_BUCKETS, LATENCY_BUCKETS_S, MEMORY_BUCKETS_BY, CONNECTION_COUNT_BUCKETS, metric, OPEN_COUNT_BUCKETS, UPTIME_BUCKETS_S } from "./define.ts";

const MAIN = ["client-main"] as const;
const RENDERER_VIA_MAIN = ["client-renderer"] as const;

export const CLIENT_METRICS = {
  websocketConnectionsActive: metric({
    // Was an up-down counter fed +1/-1 per connection: as deltas added up across the fleet, what
    // an install held open when it quit or crashed was never subtracted. Now the renderer counts
    // its open connections and observes the count per streamer each time it sends its metrics to
    // main (every 5 s); the fleet's total is the observed sum per second times that interval.
    name: "kicktalk_websocket_connections_active",
    instrument: "histogram",
    unit: "{connection}",
    description:
      "Open chat WebSocket connections of a renderer window to a streamer, one observation per window and connected streamer every 5 s (each send of the renderer's metrics to main).",
    labels: [L.STREAMER_NAME, L.CONNECTION_SOURCE],
    buckets: CONNECTION_COUNT_BUCKETS,
    emittedBy: RENDERER_VIA_MAIN,
  }),
  websocketReconnections: metric({
    name: "kicktalk_websocket_reconnections",
    instrument: "counter",
    unit: "{reconnection}",
    description: "WebSocket reconnection attempts.",
    labels: [L.STREAMER_NAME, L.CONNECTION_SOURCE, L.RECONNECT_REASON],
    emittedBy: RENDERER_VIA_MAIN,
  }),
  connectionErrors: metric({
    name: "kicktalk_connection_errors",
    instrument: "counter",
    unit: "{error}",
    description: "Failed or abnormally closed connections, by cause.",
    labels: [L.CONNECTION_ERROR_TYPE, L.CONNECTION_SOURCE],
    emittedBy: RENDERER_VIA_MAIN,
  }),
  messagesSent: metric({
    name: "kicktalk_messages_sent",
    instrument: "counter",
    unit: "{message}",
    description: "Chat messages the user sent.",
    labels: [L.MESSAGE_TYPE, L.STREAMER_NAME, L.SUCCESS],
    emittedBy: RENDERER_VIA_MAIN,
  }),
  messagesReceived: metric({
    name: "kicktalk_messages_received",
    instrument: "counter",
    unit: "{message}",
    description: "Chat messages received over WebSocket.",
    labels: [L.MESSAGE_TYPE, L.STREAMER_NAME],
    emittedBy: RENDERER_VIA_MAIN,
  }),
  messageSendDuration: metric({
    name: "kicktalk_message_send_duration",
    instrument: "histogram",
    unit: "s",
    description: "From Enter in the editor to the server's acknowledgement.",
    labels: [L.SUCCESS],
    buckets: LATENCY_BUCKETS_S,
    emittedBy: RENDERER_VIA_MAIN,
  }),
  apiRequests: metric({
    name: "kicktalk_api_requests",
    instrument: "counter",
    unit: "{request}",
    description: "HTTP requests the client made to the chat API.",
    labels: [L.API_ENDPOINT, L.HTTP_METHOD, L.HTTP_STATUS_CODE],
    emittedBy: MAIN,
  }),
  apiRequestDuration: metric({
    name: "kicktalk_api_request_duration",
    instrument: "histogram",
    unit: "s",
    description: "Duration of the client's HTTP requests to the chat API.",
    labels: [L.API_ENDPOINT, L.HTTP_STATUS_CODE],
    // No method: the route (endpoint) implies it, and each label multiplies the histogram's
    // series by its values (the series budget, build/lint).
    buckets: LATENCY_BUCKETS_S,
    emittedBy: MAIN,
  }),
  openWindows: metric({
    // Was an up-down counter (+1 on open, -1 on close): a quit or crash never sent the -1s, so
    // the fleet's sum only grew. Now main observes how many windows of each type are open, once
    // per flush (types with none open are not observed).
    name: "kicktalk_open_windows",
    instrument: "histogram",
    unit: "{window}",
    description: "BrowserWindows open in an install, by window type, one observation per install and open window type per flush.",
    labels: [L.WINDOW_TYPE],
    buckets: OPEN_COUNT_BUCKETS,
    emittedBy: MAIN,
  }),
  emoteCacheHits: metric({
    name: "kicktalk_emote_cache_hits",
    instrument: "counter",
    unit: "{lookup}",
    description: "Emote lookups answered from cache.",
    labels: [L.EMOTE_SOURCE, L.EMOTE_CACHE_TIER],
    emittedBy: RENDERER_VIA_MAIN,
  }),
  emoteCacheMisses: metric({
    name: "kicktalk_emote_cache_misses",
    instrument: "counter",
    unit: "{lookup}",
    description: "Emote lookups that had to fetch.",
    labels: [L.EMOTE_SOURCE],
    emittedBy: RENDERER_VIA_MAIN,
  }),
  emoteRenderDuration: metric({
    name: "kicktalk_emote_render_duration",
    instrument: "histogram",
    unit: "s",
    description: "Time to render one emote into a message.",
    labels: [L.EMOTE_SOURCE],
    buckets: FAST_BUCKETS_S,
    emittedBy: RENDERER_VIA_MAIN,
  }),
  // The process figures below were gauges (the value now, per install). The fleet gateway drops
  // client gauges: 100k installs' values cannot be added up, and with the install id removed
  // (series must not multiply with installs) the gateway could only keep one arbitrary install's
  // value. So each is a histogram: every install observes it once per sample (the renderer's 10 s
  // vitals loop; main just before each metric collection, once per flush), and the fleet's
  // median, p95 and, from `_count`, how many installs report, survive the adding-up.
  rendererMemoryUsage: metric({
    name: "kicktalk_renderer_memory_usage",
    instrument: "histogram",
    unit: "By",
    description: "Renderer JS heap, one observation per window every 10 s, by how long the window has been open.",
    labels: [L.RENDERER_MEMORY_TYPE, L.WINDOW_AGE],
    buckets: MEMORY_BUCKETS_BY,
    emittedBy: RENDERER_VIA_MAIN,
  }),
  domNodeCount: metric({
    // Seed 000's name; as a histogram its observation count reads kicktalk_dom_node_count_count.
    name: "kicktalk_dom_node_count",
    instrument: "histogram",
    unit: "{node}",
    description: "Elements in the renderer's document, one observation per window every 10 s.",
    labels: [],
    buckets: HELD_COUNT_BUCKETS,
    emittedBy: RENDERER_VIA_MAIN,
  }),
  mainMemoryUsage: metric({
    name: "kicktalk_main_memory_usage",
    instrument: "histogram",
    unit: "By",
    description: "Main process memory by kind, one observation per install per flush.",
    labels: [L.MEMORY_TYPE],
    buckets: MEMORY_BUCKETS_BY,
    emittedBy: MAIN,
  }),
  mainCpuUsage: metric({
    name: "kicktalk_main_cpu_usage",
    instrument: "histogram",
    unit: "1",
    description:
      "Main process CPU time over wall time since the previous sample (1 = one core busy), one observation per install per flush.",
    labels: [],
    buckets: CPU_RATIO_BUCKETS,
    emittedBy: MAIN,
  }),
  mainActiveHandles: metric({
    name: "kicktalk_main_active_handles",
    instrument: "histogram",
    unit: "{handle}",
    description: "libuv handles held open by the main process (sockets, timers, files), one observation per install per flush.",
    labels: [],
    buckets: HELD_COUNT_BUCKETS,
    emittedBy: MAIN,
  }),
  mainGcDuration: metric({
    name: "kicktalk_main_gc_duration",
    instrument: "histogram",
    unit: "s",
    description: "Main process garbage collection pauses.",
    labels: [L.GC_TYPE],
    buckets: FAST_BUCKETS_S,
    emittedBy: MAIN,
  }),
  mainUptime: metric({
    name: "kicktalk_main_uptime",
    instrument: "histogram",
    unit: "s",
    description:
      "Seconds since the main process started, one observation per install per flush: its `_count` rate times the flush interval is the number of installs reporting.",
    labels: [],
    buckets: UPTIME_BUCKETS_S,
    emittedBy: MAIN,
  }),
  sessionsStarted: metric({
    name: "kicktalk_sessions_started",
    instrument: "counter",
    unit: "{session}",
    description:
      "Main process runs with telemetry on: 0 at start-up, 1 once that 0 is journaled, so increase() sees every session (the crash-free SLO's denominator).",
    labels: [],
    emittedBy: MAIN,
  }),
  updaterEvents: metric({
    name: "kicktalk_updater_events",
    instrument: "counter",
    unit: "{event}",
    description: "Auto-updater lifecycle events, by the version they concern.",
    labels: [L.UPDATER_EVENT, L.APP_VERSION],
    emittedBy: MAIN,
  }),
  errors: metric({
    name: "kicktalk_errors",
    instrument: "counter",
    unit: "{error}",
    description: "Errors reported through the error tracker (after de-duplication), by area.",
    labels: [L.ERROR_AREA, L.ERROR_SEVERITY],
    emittedBy: MAIN,
  }),
  ipcCalls: metric({
    name: "kicktalk_ipc_calls",
    instrument: "counter",
    unit: "{call}",
    description: "IPC invocations from the renderer, by channel and outcome.",
    labels: [L.IPC_CHANNEL_LABEL, L.IPC_OUTCOME],
    emittedBy: MAIN,
  }),
  ipcDuration: metric({
    name: "kicktalk_ipc_duration",
    instrument: "histogram",
    unit: "s",
    description: "Time main spends handling one IPC invocation.",
    labels: [L.IPC_CHANNEL_LABEL],
    buckets: FAST_BUCKETS_S,
    emittedBy: MAIN,
  }),
  inputLatency: metric({
    name: "kicktalk_input_latency",
    instrument: "histogram",
    unit: "s",
    description:
      "UX timings: keydown to suggestion visible, insertions, Enter to acknowledged send (editor), and a chatroom tab clicked to that room's messages painted.",
    labels: [L.INPUT_INTERACTION],
    buckets: LATENCY_BUCKETS_S,
    emittedBy: RENDERER_VIA_MAIN,
  }),
  dependencyChecks: metric({
    // Was kicktalk_dependency_up, a 0/1 gauge per install: the fleet gateway drops gauges. A
    // count of outcomes adds up across installs; passing checks over all checks is the fleet's share.
    name: "kicktalk_dependency_checks",
    instrument: "counter",
    unit: "{check}",
    description: "Dependency health checks run, by dependency and whether the check passed.",
    labels: [L.DEPENDENCY, L.SUCCESS],
    emittedBy: MAIN,
  }),
  dependencyCheckDuration: metric({
    name: "kicktalk_dependency_check_duration",
    instrument: "histogram",
    unit: "s",
    description: "Duration of dependency health checks.",
    labels: [L.DEPENDENCY],
    buckets: LATENCY_BUCKETS_S,
    emittedBy: MAIN,
  }),
} as const;
