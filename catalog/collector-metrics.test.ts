// The gateway's own metrics (catalog/metrics/collector.ts): their names are the collector's, not
// the OTLP translation's, and their `exporter` and `receiver` enums hold every component id of
// every collector config Beacon runs, so a new exporter cannot appear on a panel as an undeclared
// value.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { gatewayConfig } from "../gateway/config.ts";
import { ALL_COLLECTOR_METRICS, ALL_GATEWAY_METRICS, COLLECTOR_METRICS, metricByPrometheusName, prometheusNames } from "./index.ts";
import { COLLECTOR_EXPORTER, COLLECTOR_RECEIVER } from "./metrics/collector.ts";

/** Rendered for docker-compose from the same templates as the native stack (stack/runner/stack-config.ts). */
const STACK_CONFIGS = ["stack/docker/collector.yaml", "stack/docker/collector-backends.yaml"];
/** Native-only overlay; a template, but its component keys are plain YAML keys. */
const NATIVE_OVERLAY = "stack/config/collector-capture.yaml";

type Config = { receivers?: Record<string, unknown>; exporters?: Record<string, unknown> };
const read = (file: string) => parse(readFileSync(new URL(`../${file}`, import.meta.url), "utf8")) as Config;
const nativeOverlay = (): Config => {
  // Only the component names matter here; the `{{…}}` placeholders are not YAML.
  const text = readFileSync(new URL(`../${NATIVE_OVERLAY}`, import.meta.url), "utf8").replace(/\{\{[^}]*\}\}/g, "x");
  return parse(text) as Config;
};
const configs: [string, Config][] = [
  ...STACK_CONFIGS.map((f) => [f, read(f)] as [string, Config]),
  [NATIVE_OVERLAY, nativeOverlay()],
  ["gateway/config.ts (cloud)", gatewayConfig("cloud") as Config],
  ["gateway/config.ts (local)", gatewayConfig("local") as Config],
];

describe("the collector's own metrics in the catalog", () => {
  it("are named as a v0.161.0 collector exposes them: counters without _total", () => {
    expect(prometheusNames(COLLECTOR_METRICS.exporterSendFailed.traces).series).toEqual(["otelcol_exporter_send_failed_spans"]);
    expect(prometheusNames(COLLECTOR_METRICS.receiverRefused.logs).series).toEqual(["otelcol_receiver_refused_log_records"]);
    expect(prometheusNames(COLLECTOR_METRICS.exporterEnqueueFailed.metrics).series).toEqual(["otelcol_exporter_enqueue_failed_metric_points"]);
    expect(metricByPrometheusName("otelcol_exporter_queue_size")).toBe(COLLECTOR_METRICS.exporterQueueSize);
    expect(metricByPrometheusName("otelcol_exporter_send_failed_spans_total")).toBeUndefined();
  });

  it("stay apart from the app releases' derived metrics (no release matchers on the collector's series)", () => {
    const collectorSeries = new Set(ALL_COLLECTOR_METRICS.flatMap((m) => prometheusNames(m).series));
    expect(collectorSeries.size).toBe(2 + 4 * 3);
    for (const m of ALL_GATEWAY_METRICS) for (const s of prometheusNames(m).series) expect(collectorSeries.has(s)).toBe(false);
  });

  it.each(configs)("declare every exporter and receiver id of %s", (_where, config) => {
    expect(Object.keys(config.exporters ?? {}).length).toBeGreaterThan(0);
    for (const id of Object.keys(config.exporters ?? {})) expect(COLLECTOR_EXPORTER.values, `exporter ${id}`).toContain(id);
    for (const id of Object.keys(config.receivers ?? {})) expect(COLLECTOR_RECEIVER.values, `receiver ${id}`).toContain(id);
  });
});
