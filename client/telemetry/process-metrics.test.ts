import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_METRICS } from "../../catalog/metrics/client.ts";
import { createInstruments } from "./instruments.ts";
import { startProcessMetrics, type ProcessMetrics } from "./process-metrics.ts";
import { createTelemetry } from "./telemetry.ts";
import { startFakeGateway, type FakeGateway } from "./testing/fake-gateway.ts";
import { inMemoryMetrics } from "./testing/in-memory.ts";
import { testConfig } from "./testing/test-config.ts";
import type { Telemetry } from "./types.ts";

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("process metrics: histograms observed once per sample", () => {
  let pm: ProcessMetrics | null = null;
  afterEach(() => {
    pm?.stop();
    pm = null;
  });

  const setUp = (enabled: () => boolean) => {
    const m = inMemoryMetrics();
    const invalid: string[] = [];
    const instruments = createInstruments({ meter: m.meter, isEnabled: enabled, onInvalid: (metric, problem) => invalid.push(`${metric}: ${problem}`) });
    pm = startProcessMetrics(instruments, enabled);
    return { ...m, invalid };
  };

  it("records one observation of memory (each kind), CPU, handles and uptime per sample", async () => {
    const { points, invalid } = setUp(() => true);
    busy(5); // a CPU window to measure
    pm!.sample();
    const ps = (await points()).filter((p) => p.name !== CLIENT_METRICS.mainGcDuration.name);
    const counts = Object.fromEntries(ps.map((p) => [`${p.name}${p.attributes.type ? `{${String(p.attributes.type)}}` : ""}`, p.value]));
    expect(counts).toEqual({
      "kicktalk_main_memory_usage{rss}": 1,
      "kicktalk_main_memory_usage{heap_used}": 1,
      "kicktalk_main_memory_usage{heap_total}": 1,
      "kicktalk_main_memory_usage{external}": 1,
      "kicktalk_main_memory_usage{array_buffers}": 1,
      kicktalk_main_cpu_usage: 1,
      kicktalk_main_active_handles: 1,
      kicktalk_main_uptime: 1,
    });
    expect(invalid).toEqual([]);
    pm!.sample();
    const uptime = (await points()).find((p) => p.name === CLIENT_METRICS.mainUptime.name);
    expect(uptime?.value).toBe(2); // cumulative in this reader: a second sample, a second observation
  });

  it("records nothing while telemetry is off", async () => {
    const { points } = setUp(() => false);
    busy(2);
    pm!.sample();
    expect((await points()).filter((p) => p.name !== CLIENT_METRICS.mainGcDuration.name)).toEqual([]);
  });
});

describe("process metrics in the telemetry layer", () => {
  let gw: FakeGateway;
  let t: Telemetry | null = null;
  let dataDir = "";
  afterEach(async () => {
    await t?.shutdown(500);
    t = null;
    await gw?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends one uptime observation per flush: its count rate times the interval counts installs", async () => {
    gw = await startFakeGateway();
    const config = testConfig(gw.endpoint, { compression: "none", healthCheckIntervalMs: 3_600_000 });
    dataDir = config.dataDir;
    // Timers on (they start the sampler) but too slow to fire during the test: the flushes below are the only collections.
    t = createTelemetry(config, { registerGlobal: false, metricIntervalMs: 3_600_000 });
    for (let i = 0; i < 3; i++) {
      busy(2);
      await t.flush();
    }
    type Hist = { count: string | number; sum: number };
    type RM = { scopeMetrics: { metrics: { name: string; histogram?: { aggregationTemporality: number; dataPoints: Hist[] } }[] }[] };
    const uptimes = gw.requests
      .filter((r) => r.path === "/v1/metrics")
      .flatMap((r) => (r.body.resourceMetrics as RM[]).flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)))
      .filter((m) => m.name === CLIENT_METRICS.mainUptime.name);
    // Delta temporality (1): each flush carries the one observation made just before it.
    expect(uptimes.map((m) => [m.histogram?.aggregationTemporality, m.histogram?.dataPoints.map((p) => Number(p.count))])).toEqual([
      [1, [1]],
      [1, [1]],
      [1, [1]],
    ]);
    expect(uptimes.every((m) => (m.histogram?.dataPoints[0]?.sum ?? 0) > 0)).toBe(true);
  });
});
