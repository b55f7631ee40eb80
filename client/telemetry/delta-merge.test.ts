// Folding metric deltas (issue 10: the gateway adds installs' deltas up; issue 11: an outage
// keeps one metrics entry): the arithmetic, and that an entry being sent is never rewritten.
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { PIPELINE_METRICS } from "../../catalog/metrics/pipeline.ts";
import { mergeDeltaScopes } from "./delta-merge.ts";
import { metricPoints, type OtlpScopeJson } from "./otlp-json.ts";
import { createTelemetry } from "./telemetry.ts";
import { type FakeGateway, startFakeGateway } from "./testing/fake-gateway.ts";
import { testConfig } from "./testing/test-config.ts";
import type { Telemetry } from "./types.ts";

const kv = (key: string, v: string) => ({ key, value: { stringValue: v } });
const sum = (name: string, points: object[]) => ({ name, unit: "1", sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: points } });
const scope = (metrics: object[], name = "kicktalk-main"): OtlpScopeJson[] => [{ scope: { name, version: "" }, metrics } as OtlpScopeJson];
const pointsOf = (scopes: OtlpScopeJson[], metric: string) =>
  scopes.flatMap((s) => (s.metrics ?? []) as { name: string; sum?: { dataPoints: unknown[] }; gauge?: { dataPoints: unknown[] }; histogram?: { dataPoints: unknown[] } }[]).filter((m) => m.name === metric).flatMap((m) => (m.sum ?? m.gauge ?? m.histogram)!.dataPoints);

describe("mergeDeltaScopes", () => {
  it("adds sums per attribute set (in any attribute order) and spans the older start to the newer end", () => {
    const older = scope([sum("c", [{ attributes: [kv("a", "x"), kv("b", "1")], startTimeUnixNano: "100", timeUnixNano: "200", asDouble: 2 }, { attributes: [kv("a", "y")], startTimeUnixNano: "100", timeUnixNano: "200", asDouble: 5 }])]);
    const newer = scope([sum("c", [{ attributes: [kv("b", "1"), kv("a", "x")], startTimeUnixNano: "200", timeUnixNano: "300", asDouble: 3 }, { attributes: [kv("a", "z")], startTimeUnixNano: "250", timeUnixNano: "300", asDouble: 1 }])]);
    const merged = pointsOf(mergeDeltaScopes(older, newer), "c");
    expect(merged).toEqual([
      { attributes: [kv("b", "1"), kv("a", "x")], startTimeUnixNano: "100", timeUnixNano: "300", asDouble: 5 },
      { attributes: [kv("a", "y")], startTimeUnixNano: "100", timeUnixNano: "200", asDouble: 5 },
      { attributes: [kv("a", "z")], startTimeUnixNano: "250", timeUnixNano: "300", asDouble: 1 },
    ]);
  });

  it("keeps integer sums integers, even as int64 strings", () => {
    const merged = pointsOf(mergeDeltaScopes(scope([sum("c", [{ startTimeUnixNano: "1", timeUnixNano: "2", asInt: "4" }])]), scope([sum("c", [{ startTimeUnixNano: "2", timeUnixNano: "3", asInt: 5 }])])), "c");
    expect(merged).toEqual([{ startTimeUnixNano: "1", timeUnixNano: "3", asInt: 9 }]);
  });

  it("adds histograms bucket by bucket, with count, sum, min and max", () => {
    const h = (p: object) => ({ name: "h", unit: "s", histogram: { aggregationTemporality: 1, dataPoints: [{ attributes: [], explicitBounds: [1, 5], ...p }] } });
    const merged = mergeDeltaScopes(
      scope([h({ startTimeUnixNano: "10", timeUnixNano: "20", bucketCounts: [1, 0, 2], count: 3, sum: 14, min: 0.5, max: 6 })]),
      scope([h({ startTimeUnixNano: "20", timeUnixNano: "30", bucketCounts: [0, 4, 0], count: 4, sum: 8, min: 2, max: 2 })]),
    );
    expect(pointsOf(merged, "h")).toEqual([{ attributes: [], explicitBounds: [1, 5], startTimeUnixNano: "10", timeUnixNano: "30", bucketCounts: [1, 4, 2], count: 7, sum: 22, min: 0.5, max: 6 }]);
  });

  it("keeps a gauge's newer value, and metrics and scopes seen in only one snapshot", () => {
    const g = (v: number, t: string) => ({ name: "g", unit: "By", gauge: { dataPoints: [{ attributes: [], startTimeUnixNano: "1", timeUnixNano: t, asDouble: v }] } });
    const merged = mergeDeltaScopes([...scope([g(10, "5")]), ...scope([sum("r", [{ asDouble: 1 }])], "kicktalk-renderer")], scope([g(7, "9"), sum("c", [{ asDouble: 2 }])]));
    expect(pointsOf(merged, "g")).toEqual([{ attributes: [], startTimeUnixNano: "1", timeUnixNano: "9", asDouble: 7 }]);
    expect(pointsOf(merged, "c")).toEqual([{ asDouble: 2 }]);
    expect(pointsOf(merged, "r")).toEqual([{ asDouble: 1 }]);
    expect(merged.map((s) => s.scope?.name)).toEqual(["kicktalk-main", "kicktalk-renderer"]);
  });
});

type MetricsBody = { resourceMetrics: { scopeMetrics: { metrics: { name: string; sum?: { aggregationTemporality: number; dataPoints: { asDouble?: number; asInt?: number }[] } }[] }[] }[] };
const errorsIn = (body: MetricsBody) =>
  metricPoints(body.resourceMetrics.flatMap((rm) => rm.scopeMetrics) as OtlpScopeJson[], "kicktalk_errors").reduce((n, p) => n + p.value, 0);

describe("the client journals deltas (against a fake gateway)", () => {
  let gw: FakeGateway;
  let t: Telemetry | null = null;
  let dataDir = "";
  afterEach(async () => {
    await t?.shutdown(200);
    await gw?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends only delta points, and never folds into the entry whose request is in flight (it may be accepted)", async () => {
    gw = await startFakeGateway();
    const config = testConfig(gw.endpoint, { retryBaseMs: 1, retryMaxMs: 1 });
    dataDir = config.dataDir;
    t = createTelemetry(config, { registerGlobal: false, startTimers: false });
    // The first request is held 300 ms and accepted: had the next delta been folded into its
    // entry, that entry's two errors would be sent again inside the folded one (counted twice).
    gw.script([{ status: 200, delayMs: 300 }]);
    t.captureError(new Error("first"), { area: "store" });
    t.captureError(new Error("second"), { area: "api" });
    const first = t.flush();
    await new Promise((r) => setTimeout(r, 100));
    t.captureError(new Error("third"), { area: "ws" });
    await t.flush(); // collects while the first request is in flight: a second entry
    await first;
    await t.flush(); // sends the second entry
    const metrics = gw.requests.filter((r) => r.path === "/v1/metrics").map((r) => r.body as unknown as MetricsBody);
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    const temporalities = new Set(metrics.flatMap((b) => b.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.sum?.aggregationTemporality))).filter((x) => x !== undefined)));
    expect(temporalities).toEqual(new Set([1])); // AGGREGATION_TEMPORALITY_DELTA only
    expect(errorsIn(metrics[0]!)).toBe(2);
    expect(metrics.reduce((n, b) => n + errorsIn(b), 0)).toBe(3); // each error counted once
    expect(t.status().queuedItems).toBe(0);
  });

  it("re-sends an entry whose request timed out exactly as it was, and folds nothing into it", async () => {
    gw = await startFakeGateway();
    const config = testConfig(gw.endpoint, { retryBaseMs: 1, retryMaxMs: 1, exportTimeoutMs: 150 });
    dataDir = config.dataDir;
    t = createTelemetry(config, { registerGlobal: false, startTimers: false });
    // The gateway takes the first request and answers after the client gave up on it.
    gw.script([{ status: 200, delayMs: 400 }]);
    t.captureError(new Error("first"), { area: "store" });
    t.captureError(new Error("second"), { area: "api" });
    await t.flush();
    t.captureError(new Error("third"), { area: "ws" });
    await new Promise((r) => setTimeout(r, 5));
    await t.flush();
    const metrics = gw.requests.filter((r) => r.path === "/v1/metrics").map((r) => r.body as unknown as MetricsBody);
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    // The retry carries the first delta unchanged (same points, same times), so a downstream that
    // keeps the install's stream drops it as a repeat; the third error travels in its own entry.
    const errorPoints = (b: MetricsBody) =>
      b.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)).filter((m) => m.name === "kicktalk_errors").flatMap((m) => m.sum!.dataPoints.map((p) => JSON.stringify(p)));
    const retried = new Set(metrics.slice(1).flatMap(errorPoints));
    expect(errorPoints(metrics[0]!).filter((p) => !retried.has(p))).toEqual([]);
    expect(metrics.slice(1).reduce((n, b) => n + errorsIn(b), 0)).toBe(3); // 2 re-sent as they were + 1
  });

  it("a delta the gateway refuses for good has its drop counts recorded again: the refusals stay counted", async () => {
    gw = await startFakeGateway();
    const config = testConfig(gw.endpoint, { retryBaseMs: 1, retryMaxMs: 1 });
    dataDir = config.dataDir;
    t = createTelemetry(config, { registerGlobal: false, startTimers: false });
    gw.script([], { status: 400, body: '{"message":"malformed"}' });
    t.tracer.startSpan("store:set").end();
    await t.flush(); // the span's batch is refused: one trace dropped, counted in the next delta
    await t.flush(); // that delta is refused too, with the count inside it
    const refusedMetrics = t.status().droppedItems.export_rejected! - 1;
    gw.script([], { status: 200 });
    await t.flush();
    const delivered = gw.requests.filter((r) => r.path === "/v1/metrics").at(-1)!.body as unknown as MetricsBody;
    const drops = metricPoints(delivered.resourceMetrics.flatMap((rm) => rm.scopeMetrics) as OtlpScopeJson[], PIPELINE_METRICS.telemetryDropped.name);
    const count = (signal: string) => drops.filter((p) => p.attributes.signal === signal && p.attributes.reason === "export_rejected").reduce((n, p) => n + p.value, 0);
    expect(count("traces")).toBe(1);
    expect(count("metrics")).toBe(refusedMetrics);
    expect(refusedMetrics).toBeGreaterThan(0);
  });
});
