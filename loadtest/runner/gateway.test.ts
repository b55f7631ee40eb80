// Gateway capacity through vegeta against a real collector (testkit/collector.ts): two short
// steps, each zero-loss, with every item sent accounted for in what the collector wrote.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCollector, type TestCollector } from "../../testkit/collector.ts";
import { runGatewayCapacity, type GatewayReport } from "./gateway.ts";
import { gatewayPayloads, LOADTEST_SERVICE } from "./gateway-payloads.ts";
import { testCollectorGateway } from "./test-collector-gateway.ts";

const STEPS = [20, 60];
const SECONDS = 3;

describe("gateway capacity (vegeta) against a real collector", () => {
  let collector: TestCollector;
  let dir: string;
  let report: GatewayReport;
  const lines: string[] = [];
  const items = Object.fromEntries(gatewayPayloads().map((p) => [p.signal, p.items])) as Record<"traces" | "metrics" | "logs", number>;

  beforeAll(async () => {
    collector = await startTestCollector();
    dir = await mkdtemp(join(tmpdir(), "beacon-gateway-"));
    report = await runGatewayCapacity(testCollectorGateway(collector, items), { steps: STEPS, secondsPerStep: SECONDS }, dir, (l) => lines.push(l));
  });
  afterAll(async () => {
    await collector?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("sends rate x seconds exports per step and loses nothing", () => {
    expect(report.steps.map((s) => [s.rate, s.requests, s.non200, s.droppedIterations, s.zeroLoss])).toEqual([
      [20, 60, 0, 0, true],
      [60, 180, 0, 0, true],
    ]);
    for (const s of report.steps) {
      // The plan cycles traces, metrics, logs: rate * seconds / 3 of each.
      expect(s.itemsSent).toBe((s.rate * SECONDS * (items.traces + items.metrics + items.logs)) / 3);
      expect([s.accepted, s.exported, s.refused, s.exportFailed]).toEqual([s.itemsSent, s.itemsSent, 0, 0]);
      expect(s.achievedRate).toBeGreaterThan(0.95 * s.rate);
      expect(s.failedThresholds).toEqual([]);
    }
    expect(report).toMatchObject({ zeroLossRate: 60, refusesAt: null, zeroLossItemsPerSecond: (60 * (items.traces + items.metrics + items.logs)) / 3 });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^gateway 60\/s: 180 exports .* -> zero loss$/);
  });

  it("gives every export its own ids, so the collector wrote 60 distinct traces in the last step", async () => {
    const spans = await collector.spans();
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(60);
    expect(spans.every((s) => s.resource["service.name"] === LOADTEST_SERVICE)).toBe(true);
    const cfg = JSON.parse(await readFile(join(dir, "gateway-60.config.json"), "utf8")) as { rate: number; seconds: number };
    expect([cfg.rate, cfg.seconds]).toEqual([60, SECONDS]);
  });

  it("stops stepping at the first step with loss", async () => {
    // The collector answers 503 from the second step on: that step loses everything it sends.
    const gateway = testCollectorGateway(collector, items);
    let step = 0;
    const failing = { ...gateway, beforeStep: async () => {
      await gateway.beforeStep?.();
      if (++step === 2) collector.setRespond("unavailable");
    } };
    try {
      const lossy = await runGatewayCapacity(failing, { steps: [10, 20, 40], secondsPerStep: 1 }, dir, () => undefined);
      expect(lossy.steps.map((s) => [s.rate, s.requests, s.non200, s.zeroLoss])).toEqual([
        [10, 10, 0, true],
        [20, 20, 20, false],
      ]);
      expect(lossy.steps[1]).toMatchObject({ accepted: 0, exported: 0, refused: lossy.steps[1]?.itemsSent });
      expect(lossy.steps[1]?.failedThresholds).toEqual(["http_req_failed: rate==0", "checks: rate==1"]);
      expect(lossy).toMatchObject({ zeroLossRate: 10, refusesAt: 20 });
    } finally {
      collector.setRespond("ok");
    }
  });

  it("refuses to start when the collector does not accept an empty export", async () => {
    collector.setRespond("unavailable");
    try {
      await expect(runGatewayCapacity(testCollectorGateway(collector, items), { steps: [10], secondsPerStep: 1 }, dir, () => undefined)).rejects.toThrow(/answered 503: is it up\?/);
    } finally {
      collector.setRespond("ok");
    }
  });
});
