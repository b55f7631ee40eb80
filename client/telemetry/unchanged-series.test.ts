// Every exported sum and histogram series goes out in every collection (a zero delta when it
// did not change), so downstream deltatocumulative writes one sample per flush, as cumulative
// export did: a series that moved once still has the two samples rate() needs.
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import { ManualMetricReader } from "./manual-reader.ts";
import { metricsToScopes, type OtlpScopeJson } from "./otlp-json.ts";
import { MAX_RESENT_SERIES, UnchangedSeries } from "./unchanged-series.ts";

type P = { attributes: { key: string; value: { stringValue: string } }[]; startTimeUnixNano: string; timeUnixNano: string; asDouble?: number; count?: number; bucketCounts?: number[] };
const points = (scopes: OtlpScopeJson[], name: string) =>
  scopes.flatMap((s) => (s.metrics ?? []) as { name: string; sum?: { dataPoints: P[] }; histogram?: { dataPoints: P[] }; gauge?: { dataPoints: P[] } }[]).filter((m) => m.name === name).flatMap((m) => (m.sum ?? m.histogram ?? m.gauge)!.dataPoints);

function setup() {
  const reader = new ManualMetricReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter("kicktalk-main");
  const keeper = new UnchangedSeries();
  const collect = async () => keeper.complete(metricsToScopes((await reader.collect()).resourceMetrics));
  return { meter, collect };
}

describe("UnchangedSeries", () => {
  it("re-sends a counter that moved once as zero deltas, contiguous in time", async () => {
    const { meter, collect } = setup();
    const errors = meter.createCounter("errors");
    meter.createObservableGauge("uptime").addCallback((r) => r.observe(1)); // a collection always has a time
    errors.add(1, { area: "main" });
    const first = points(await collect(), "errors");
    await new Promise((r) => setTimeout(r, 5));
    const second = points(await collect(), "errors");
    await new Promise((r) => setTimeout(r, 5));
    const third = points(await collect(), "errors");
    expect([first, second, third].map((ps) => ps.map((p) => p.asDouble))).toEqual([[1], [0], [0]]);
    expect(second[0]!.attributes).toEqual(first[0]!.attributes);
    // Each delta starts where the previous one ended, at the collection's own time.
    expect(second[0]!.startTimeUnixNano).toBe(first[0]!.timeUnixNano);
    expect(third[0]!.startTimeUnixNano).toBe(second[0]!.timeUnixNano);
    expect(BigInt(third[0]!.timeUnixNano)).toBeGreaterThan(BigInt(second[0]!.timeUnixNano));
    expect(points(await collect(), "uptime").map((p) => p.timeUnixNano)).not.toContain(third[0]!.timeUnixNano);
  });

  it("keeps a histogram's buckets with zero counts, and only adds series that are missing", async () => {
    const { meter, collect } = setup();
    const h = meter.createHistogram("latency", { advice: { explicitBucketBoundaries: [1, 5] } });
    const c = meter.createCounter("calls");
    meter.createObservableGauge("uptime").addCallback((r) => r.observe(1));
    h.record(2, { channel: "a" });
    c.add(1, { outcome: "ok" });
    await collect();
    c.add(2, { outcome: "ok" });
    c.add(1, { outcome: "error" });
    const next = await collect();
    expect(points(next, "latency").map((p) => ({ count: p.count, buckets: p.bucketCounts }))).toEqual([{ count: 0, buckets: [0, 0, 0] }]);
    expect(points(next, "calls").map((p) => [p.attributes[0]!.value.stringValue, p.asDouble]).sort()).toEqual([
      ["error", 1],
      ["ok", 2],
    ]);
  });

  it("re-sends at most MAX_RESENT_SERIES series: a flood of label values cannot grow every delta", async () => {
    const { meter, collect } = setup();
    const c = meter.createCounter("api_requests");
    meter.createObservableGauge("uptime").addCallback((r) => r.observe(1));
    // New values arrive 1,900 a collection (the SDK caps an instrument at 2,000 per collection).
    let next = 0;
    while (next < MAX_RESENT_SERIES + 1_500) {
      for (let i = 0; i < 1_900; i++) c.add(1, { code: String(next++) });
      const got = points(await collect(), "api_requests");
      expect(got.filter((p) => p.asDouble === 1)).toHaveLength(1_900); // every new series is exported
      expect(got.length).toBeLessThanOrEqual(MAX_RESENT_SERIES + 1_900);
    }
    expect(points(await collect(), "api_requests")).toHaveLength(MAX_RESENT_SERIES); // re-sent: the cap
  });

  it("leaves a collection without a time (nothing observed) as it is", () => {
    expect(new UnchangedSeries().complete([])).toEqual([]);
  });
});
