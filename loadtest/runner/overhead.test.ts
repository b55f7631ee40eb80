// The overhead run through vegeta: the chat server with telemetry off, then on (exporting to a
// real collector), the same load against both, figures side by side.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_SERVICE } from "../../catalog/index.ts";
import { startTestCollector, type TestCollector } from "../../testkit/collector.ts";
import { runOverhead, type OverheadReport } from "./overhead.ts";

describe("overhead (vegeta) with telemetry off, then on", () => {
  let collector: TestCollector;
  let dir: string;
  let report: OverheadReport;

  beforeAll(async () => {
    collector = await startTestCollector();
    dir = await mkdtemp(join(tmpdir(), "beacon-overhead-"));
    report = await runOverhead(collector.otlpHttpEndpoint, { rate: 10, seconds: 2 }, dir);
  });
  afterAll(async () => {
    await collector?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("sends setup plus two requests per iteration to each server, all answered as planned", () => {
    for (const run of [report.off, report.on]) {
      expect([run.telemetry, run.requests, run.failed, run.droppedIterations, run.failedThresholds]).toEqual([run.telemetry, 3 + 2 * 20, 0, 0, []]);
      expect(run.p95Ms).toBeGreaterThan(0);
      expect(run.p99Ms).toBeGreaterThanOrEqual(run.p95Ms);
      expect(run.rssPeakMb).toBeGreaterThanOrEqual(run.rssIdleMb);
      expect(run.rssIdleMb).toBeGreaterThan(10);
      expect(run.cpuSeconds).toBeGreaterThan(0);
    }
    expect([report.off.telemetry, report.on.telemetry]).toEqual(["off", "on"]);
    expect(report.deltaP95Ms).toBeCloseTo(report.on.p95Ms - report.off.p95Ms, 1);
    expect(report.generator).toMatch(/^vegeta v12\.13\.0/);
  });

  it("exports the server's telemetry in the run with telemetry on", async () => {
    const services = async () => new Set((await collector.spans()).map((s) => s.resource["service.name"]));
    expect(await collector.waitFor(services, (s) => s.has(SERVER_SERVICE), 10_000)).toContain(SERVER_SERVICE);
  });
});
