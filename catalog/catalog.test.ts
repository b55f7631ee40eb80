import { describe, expect, it } from "vitest";
import {
  ALL_LOG_EVENTS,
  ALL_METRICS,
  ALL_SPAN_FAMILIES,
  catalogErrors,
  createLabelCap,
  LABELS,
  METRICS,
  metricByPrometheusName,
  prometheusNames,
  type MetricDecl,
} from "./index.ts";

const valid = { metrics: ALL_METRICS, spans: ALL_SPAN_FAMILIES, logs: ALL_LOG_EVENTS };

describe("catalog rules", () => {
  it("accepts the catalog as declared", () => {
    expect(catalogErrors(valid)).toEqual([]);
  });

  it("rejects an unbounded label on a metric, naming metric and label", () => {
    const bad = {
      ...METRICS.messagesSent,
      // The types refuse this; the cast stands for JS callers and hand-edited declarations.
      labels: [LABELS.MESSAGE_TYPE, LABELS.USER_ID] as unknown as MetricDecl["labels"],
    };
    const errors = catalogErrors({ ...valid, metrics: [...ALL_METRICS.filter((m) => m !== METRICS.messagesSent), bad] });
    expect(errors).toEqual([
      "metric kicktalk_messages_sent, label user_id: unbounded label on a metric (User id.); put it on spans or logs instead",
    ]);
  });

  it("rejects one Prometheus series produced by two metrics", () => {
    const twin: MetricDecl = { ...METRICS.messagesSent, name: "kicktalk_messages_sent_total" };
    expect(catalogErrors({ ...valid, metrics: [...ALL_METRICS, twin] })).toContain(
      "metric kicktalk_messages_sent_total: Prometheus series kicktalk_messages_sent_total is also produced by kicktalk_messages_sent",
    );
  });

  it("rejects histograms without increasing buckets and buckets on counters", () => {
    const h: MetricDecl = { ...METRICS.messageSendDuration, name: "x_duration", buckets: [1, 0.5] };
    const c: MetricDecl = { ...METRICS.messagesSent, name: "y_count", buckets: [1] };
    const errors = catalogErrors({ ...valid, metrics: [h, c] });
    expect(errors).toEqual(["metric x_duration: buckets must increase strictly", "metric y_count: only histograms take buckets"]);
  });

  it("rejects a gauge emitted by the client: the fleet gateway drops it", () => {
    const g: MetricDecl = { ...METRICS.mainUptime, name: "kicktalk_main_uptime_now", instrument: "gauge", buckets: undefined };
    const server: MetricDecl = { ...g, name: "chat_server_uptime_now", emittedBy: ["server"] };
    expect(catalogErrors({ ...valid, metrics: [g, server] })).toEqual([
      "metric kicktalk_main_uptime_now: a client gauge never reaches production (the fleet gateway drops gauges); declare a histogram observed once per sample",
    ]);
  });

  it("rejects an up-down counter emitted by the client: a quitting install's count is never subtracted", () => {
    const u: MetricDecl = { ...METRICS.openWindows, name: "kicktalk_windows_now", instrument: "updowncounter", buckets: undefined };
    const server: MetricDecl = { ...u, name: "chat_server_rooms_now", emittedBy: ["server"] };
    expect(catalogErrors({ ...valid, metrics: [u, server] })).toEqual([
      "metric kicktalk_windows_now: a client up-down counter never comes back down (a quitting install's count is never subtracted); declare a histogram of the current value observed once per sample",
    ]);
  });

  it("rejects reserved label names and span names outside their family pattern", () => {
    const m: MetricDecl = { ...METRICS.openWindows, name: "z_windows", labels: [{ ...LABELS.WINDOW_TYPE, name: "job" }] };
    const f = { ...ALL_SPAN_FAMILIES[0]!, family: "bad", namePattern: "ipc:.*", names: ["window:create"] };
    const errors = catalogErrors({ metrics: [m], spans: [f], logs: [] });
    expect(errors).toEqual(["metric z_windows, label job: label name is reserved", "span family bad: name window:create does not match ipc:.*"]);
  });

  it("declares every metric seed 000 names, under its Prometheus name", () => {
    const seed = [
      // Seed 000's up-down counters, now histograms of the same family (a quitting install's count never came off the fleet's sum).
      "kicktalk_websocket_connections_active_bucket",
      "kicktalk_websocket_reconnections_total",
      "kicktalk_connection_errors_total",
      "kicktalk_messages_sent_total",
      "kicktalk_messages_received_total",
      "kicktalk_message_send_duration_seconds_bucket",
      "kicktalk_api_requests_total",
      "kicktalk_api_request_duration_seconds_bucket",
      "kicktalk_open_windows_bucket",
      "kicktalk_emote_cache_hits_total",
      "kicktalk_emote_cache_misses_total",
      "kicktalk_emote_render_duration_seconds_bucket",
      // Seed 000's gauges, now histograms of the same family (the fleet gateway drops client gauges).
      "kicktalk_renderer_memory_usage_bytes_bucket",
      "kicktalk_dom_node_count_bucket",
    ];
    expect(seed.filter((s) => metricByPrometheusName(s) === undefined)).toEqual([]);
    expect(METRICS.connectionErrors.labels.map((l) => l.name)).toContain("error_type");
    expect(METRICS.emoteCacheHits.labels.map((l) => l.name)).toEqual(["source", "tier"]);
  });
});

describe("OTLP → Prometheus names", () => {
  it.each([
    [{ name: "kicktalk_messages_sent", instrument: "counter", unit: "{message}" }, "kicktalk_messages_sent_total", ["kicktalk_messages_sent_total"]],
    [
      { name: "http.server.request.duration", instrument: "histogram", unit: "s" },
      "http_server_request_duration_seconds",
      ["http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_sum", "http_server_request_duration_seconds_count"],
    ],
    [{ name: "kicktalk_main_cpu_usage", instrument: "gauge", unit: "1" }, "kicktalk_main_cpu_usage_ratio", ["kicktalk_main_cpu_usage_ratio"]],
    [{ name: "kicktalk_renderer_memory_usage", instrument: "gauge", unit: "By" }, "kicktalk_renderer_memory_usage_bytes", ["kicktalk_renderer_memory_usage_bytes"]],
    // "ratio" is a gauge's suffix only: a histogram of unit 1 keeps its name.
    [
      { name: "kicktalk_main_cpu_usage", instrument: "histogram", unit: "1" },
      "kicktalk_main_cpu_usage",
      ["kicktalk_main_cpu_usage_bucket", "kicktalk_main_cpu_usage_sum", "kicktalk_main_cpu_usage_count"],
    ],
    [{ name: "kicktalk_open_windows", instrument: "updowncounter", unit: "{window}" }, "kicktalk_open_windows", ["kicktalk_open_windows"]],
    [{ name: "process_cpu_seconds", instrument: "counter", unit: "s" }, "process_cpu_seconds_total", ["process_cpu_seconds_total"]],
    [{ name: "queue_total_items", instrument: "counter", unit: "1" }, "queue_items_total", ["queue_items_total"]],
    [{ name: "net.io", instrument: "counter", unit: "By/s" }, "net_io_bytes_per_second_total", ["net_io_bytes_per_second_total"]],
    [{ name: "errors_ratio", instrument: "gauge", unit: "1" }, "errors_ratio", ["errors_ratio"]],
  ] as const)("%o → %s", (metric, family, series) => {
    const names = prometheusNames(metric);
    expect(names.family).toBe(family);
    expect(names.series).toEqual(series);
  });
});

describe("capped labels", () => {
  it("keeps the first values and folds the rest into the overflow value", () => {
    const cap = createLabelCap({ ...LABELS.STREAMER_NAME, max: 2 });
    expect(["a", "b", "c", "a", "d", "b"].map(cap)).toEqual(["a", "b", "other", "a", "other", "b"]);
  });
});
