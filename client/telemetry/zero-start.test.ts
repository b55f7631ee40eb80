// Issue 12, defect 3: a process that records one fatal error and exits leaves one sample that
// increase() cannot see. Counters the dashboards and SLOs count are started at 0 for their
// enumerable label sets, and the 0 reaches the gateway before the first increment; the session
// counter goes 0 → 1 in every process.
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_SIDE_METRICS, createInstruments, startCountersAtZero, ZERO_STARTED, zeroStartedLabelSets, zeroStartedScopes } from "./instruments.ts";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { ManualMetricReader } from "./manual-reader.ts";
import { metricPoints, metricsToScopes, type OtlpScopeJson } from "./otlp-json.ts";
import { createTelemetry } from "./telemetry.ts";
import { type FakeGateway, startFakeGateway } from "./testing/fake-gateway.ts";
import { inMemoryMetrics } from "./testing/in-memory.ts";
import { testConfig } from "./testing/test-config.ts";
import type { RecordableMetricKey, Telemetry } from "./types.ts";

const FATAL = { area: "main", severity: "fatal" };

describe("counters started at zero (in-memory metric exporter)", () => {
  let metrics = inMemoryMetrics();
  afterEach(async () => {
    metrics.exporter.reset();
    await metrics.provider.shutdown();
    metrics = inMemoryMetrics();
  });

  const instrumentsOn = (enabled: boolean) => createInstruments({ meter: metrics.meter, isEnabled: () => enabled, onInvalid: () => expect.unreachable() });

  it("exports the fatal-error series at 0 before its first increment, then 1", async () => {
    const instruments = instrumentsOn(true);
    startCountersAtZero(instruments);
    const before = await metrics.points();
    expect(before.filter((p) => p.name === "kicktalk_errors" && p.attributes.severity === "fatal")).toEqual(
      ["ws", "ipc", "lexical", "store", "updater", "api", "renderer", "main", "emote", "telemetry"].map((area) => ({ name: "kicktalk_errors", value: 0, attributes: { area, severity: "fatal" } })),
    );
    expect(before.find((p) => p.name === "kicktalk_sessions_started")).toEqual({ name: "kicktalk_sessions_started", value: 0, attributes: {} });

    instruments.errors.record(1, FATAL);
    const after = await metrics.points();
    expect(after.find((p) => p.name === "kicktalk_errors" && p.attributes.area === "main" && p.attributes.severity === "fatal")?.value).toBe(1);
    // Every started series is still there, at 0, beside the one that moved.
    expect(after.filter((p) => p.name === "kicktalk_errors" && p.value === 0)).toHaveLength(29);
  });

  it("starts exactly the declared, bounded label sets: whole enums, minus the narrowed values", async () => {
    const instruments = instrumentsOn(true);
    startCountersAtZero(instruments);
    const exported = (await metrics.points()).map((p) => `${p.name}${JSON.stringify(p.attributes)}`).sort();
    expect(exported).toHaveLength(55);
    expect(exported).toEqual(zeroStartedLabelSets().map((s) => `${CLIENT_SIDE_METRICS[s.metric].name}${JSON.stringify(s.labels)}`).sort());
    const count = (m: RecordableMetricKey) => zeroStartedLabelSets().filter((s) => s.metric === m).length;
    expect({ errors: count("errors"), dropped: count("telemetryDropped"), retries: count("telemetryRetries"), exported: count("telemetryExported"), sessions: count("sessionsStarted") }).toEqual({
      errors: 30, // 10 areas × 3 severities
      dropped: 18, // 3 signals × 6 reasons (not `disabled`)
      retries: 3,
      exported: 3,
      sessions: 1,
    });
    expect(exported.some((k) => k.includes('"reason":"disabled"'))).toBe(false);
  });

  it("the start-up snapshot, built without collecting, is what the client's reader exports for those series (times aside)", async () => {
    const reader = new ManualMetricReader();
    const provider = new MeterProvider({ readers: [reader] });
    startCountersAtZero(createInstruments({ meter: provider.getMeter("test"), isEnabled: () => true, onInvalid: () => expect.unreachable() }));
    const sdk = metricsToScopes((await reader.collect()).resourceMetrics)[0]!;
    await provider.shutdown();
    const built = zeroStartedScopes({ name: "test", version: "" }, Date.now())[0]!;
    const untimed = (scope: typeof sdk) =>
      (JSON.parse(JSON.stringify(scope.metrics).replace(/UnixNano":"\d+"/g, 'UnixNano":"t"')) as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name));
    expect(untimed(built)).toEqual(untimed(sdk));
  });

  it("records nothing while telemetry is off", async () => {
    startCountersAtZero(instrumentsOn(false));
    expect(await metrics.points()).toEqual([]);
  });

  it("only counters with enum labels may be zero-started (a capped label has no known values)", () => {
    for (const key of Object.keys(ZERO_STARTED) as RecordableMetricKey[]) {
      const decl = CLIENT_SIDE_METRICS[key];
      expect(decl.instrument, key).toBe("counter");
      for (const l of decl.labels) expect(l.kind, `${key}.${l.name}`).toBe("enum");
    }
  });
});

/** Delta values of one series in the order the gateway received them (one per journaled entry). */
function seriesValues(gw: FakeGateway, name: string, attrs: Record<string, string>): number[] {
  return gw.requests
    .filter((r) => r.path === "/v1/metrics")
    .flatMap((r) => metricPoints((r.body.resourceMetrics as { scopeMetrics: OtlpScopeJson[] }[]).flatMap((rm) => rm.scopeMetrics), name))
    .filter((p) => JSON.stringify(p.attributes) === JSON.stringify(attrs))
    .map((p) => p.value);
}

describe("a session that records one fatal error and exits (against a fake gateway)", () => {
  let gw: FakeGateway;
  let dataDir = "";
  const running: Telemetry[] = [];
  afterEach(async () => {
    for (const t of running.splice(0)) await t.shutdown(500);
    await gw?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("delivers the fatal series and the session counter as 0 then 1, even before a first flush", async () => {
    gw = await startFakeGateway();
    const config = testConfig(gw.endpoint);
    dataDir = config.dataDir;
    const first = createTelemetry(config, { registerGlobal: false, startTimers: false });
    // Crashes at once: no flush ran, and quit sends nothing without a round trip to go by.
    first.captureError(new Error("boom"), { area: "main", fatal: true });
    await first.shutdown(500);
    expect(gw.requests).toHaveLength(0);
    // The next start sends what the crashed run journaled, in order.
    const second = createTelemetry(config, { registerGlobal: false, startTimers: false });
    running.push(second);
    await second.flush();
    // Deltas, in the order sent: run 1's start-up zero and its quit delta (never folded into by
    // run 2: it may have been delivered unanswered), run 2's start-up zero and its first delta.
    // Added up as the gateway does: 0, 1, 1, 1: the crash is counted once.
    expect(seriesValues(gw, "kicktalk_errors", FATAL)).toEqual([0, 1, 0, 0]);
    // A session in each run.
    expect(seriesValues(gw, "kicktalk_sessions_started", {})).toEqual([0, 1, 0, 1]);
  });

  it("counts a session only once telemetry is on, and once per process", async () => {
    gw = await startFakeGateway();
    const config = testConfig(gw.endpoint, { enabled: false });
    dataDir = config.dataDir;
    const t = createTelemetry(config, { registerGlobal: false, startTimers: false });
    running.push(t);
    await t.flush();
    expect(gw.requests).toHaveLength(0);
    await t.setEnabled(true);
    await t.flush();
    await t.setEnabled(false);
    await t.setEnabled(true);
    await t.flush();
    // 0 at start-up, then the one session; the second flush re-sends the series with a zero delta
    // (unchanged-series.ts), so it stays a live stream downstream.
    expect(seriesValues(gw, "kicktalk_sessions_started", {})).toEqual([0, 1, 0]);
  });
});
