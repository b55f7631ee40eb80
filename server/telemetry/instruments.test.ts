// The declaration → instrument factory: names, units, descriptions, buckets and label caps
// come from the catalog.
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { afterEach, describe, expect, it } from "vitest";
import { LABELS, METRICS } from "../../catalog/index.ts";
import { SERVER_METRICS } from "../../catalog/metrics/server.ts";
import { createInstrument, createServerInstruments } from "./instruments.ts";

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
const provider = new MeterProvider({ readers: [reader] });
const meter = provider.getMeter("test");

afterEach(() => exporter.reset());

async function collect() {
  await reader.forceFlush();
  return exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
}

describe("createInstrument", () => {
  it("creates each server instrument with the declared name, unit, description and type", async () => {
    const instruments = createServerInstruments(meter);
    expect(Object.keys(instruments).sort()).toEqual(Object.keys(SERVER_METRICS).sort());
    instruments.httpRequestDuration.record(0.02, { route: "/healthz", method: "GET", status_code: "200" });
    instruments.linksQueued.record(1, {});
    const metrics = await collect();
    const duration = metrics.find((m) => m.descriptor.name === METRICS.httpRequestDuration.name);
    expect(duration?.descriptor).toMatchObject({ unit: "s", description: METRICS.httpRequestDuration.description });
    expect(duration?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const point = duration?.dataPoints[0];
    expect(point?.attributes).toEqual({ route: "/healthz", method: "GET", status_code: "200" });
    expect((point?.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual(METRICS.httpRequestDuration.buckets);
    const queued = metrics.find((m) => m.descriptor.name === METRICS.linksQueued.name);
    expect(queued?.descriptor).toMatchObject({ unit: "{link}", type: "UP_DOWN_COUNTER" });
  });

  it("caps a capped label: past `max` distinct values, new ones become the overflow value", async () => {
    const sent = createInstrument(meter, METRICS.messagesSent);
    const max = LABELS.STREAMER_NAME.max;
    for (let i = 0; i <= max + 1; i++) sent.record(1, { message_type: "regular", streamer_name: `s${i}`, success: "true" });
    sent.record(1, { message_type: "regular", streamer_name: "s0", success: "true" });
    const [metric] = (await collect()).filter((m) => m.descriptor.name === METRICS.messagesSent.name);
    const values = new Map(metric?.dataPoints.map((p) => [p.attributes.streamer_name, p.value]));
    expect(values.size).toBe(max + 1);
    expect(values.get("s0")).toBe(2);
    expect(values.get(LABELS.STREAMER_NAME.overflowValue)).toBe(2);
    expect(values.has(`s${max}`)).toBe(false);
  });
});
