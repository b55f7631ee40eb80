// Integration against the REAL OpenTelemetry Collector (testkit/collector.ts), plus a child
// process killed with SIGKILL for the offline-queue guarantee.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startTestCollector, type TestCollector } from "../../testkit/collector.ts";
import { createTelemetry } from "./telemetry.ts";
import { zeroStartedLabelSets } from "./instruments.ts";
import { testConfig } from "./testing/test-config.ts";
import type { IpcMainLike, Telemetry, TelemetryConfig, TelemetryDeps } from "./types.ts";

const NODE = join(process.cwd(), "node_modules/.bin/node");
const CHILD = join(process.cwd(), "client/telemetry/testing/child-app.ts");

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(async () => {
  await collector?.stop();
});
beforeEach(async () => {
  collector.setRespond("ok");
  await collector.reset();
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function start(overrides: Partial<TelemetryConfig> = {}, deps: TelemetryDeps = {}): { t: Telemetry; config: TelemetryConfig } {
  const config = testConfig(collector.otlpHttpEndpoint, overrides);
  dirs.push(config.dataDir);
  return { t: createTelemetry(config, { registerGlobal: false, startTimers: false, ...deps }), config };
}

/** Spans of one test's runs (by its service.version), once at least `min` have been written. */
/** Points of the start-up snapshot each run journals first (instruments.ts ZERO_STARTED). */
const START_POINTS = zeroStartedLabelSets().length;

async function spansOf(version: string, min: number) {
  const read = async () => (await collector.spans()).filter((s) => s.resource["service.version"] === version);
  return min > 0 ? collector.waitFor(read, (s) => s.length >= min) : read();
}

function fakeIpcMain() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener) };
  return { ipcMain, invoke: (channel: string, payload: unknown) => Promise.resolve(handlers.get(channel)?.({}, payload)) };
}

/** The scripted session used by the on/off comparison. */
async function session(t: Telemetry): Promise<void> {
  const { ipcMain, invoke } = fakeIpcMain();
  t.handleIpc(ipcMain, "chat:send-message", z.object({ content: z.string().min(1) }), (p) => p.content);
  t.startStartupSpan().end();
  await invoke("chat:send-message", { content: "hello" });
  await invoke("chat:send-message", { content: "" }).catch(() => undefined);
  t.recordRendererMetrics([{ metric: "domNodeCount", value: 10 }]);
  t.relayRendererSpans([{ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "00f067aa0ba902b7", name: "lexical:send", startTimeUnixNano: `${Date.now()}000000`, endTimeUnixNano: `${Date.now() + 1}000000` }]);
  t.captureError(new Error("boom"), { area: "ws" });
  t.log({ type: "log", severity: "info", body: "hi", attributes: { area: "main" } });
  t.registerHealthCheck("chat_server", async () => true);
  await t.runHealthChecks();
  await t.flush();
  await t.shutdown(2000);
}

async function runChild(env: Record<string, string>, until: RegExp): Promise<{ line: string; kill: () => void; exited: Promise<number | null> }> {
  const child = spawn(NODE, [CHILD], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let out = "";
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = out.split("\n").find((l) => until.test(l));
      if (m) resolve(m);
    });
    child.on("exit", (code) => reject(new Error(`child exited with ${code} before ${until}; stdout: ${out}`)));
  });
  return { line, kill: () => child.kill("SIGKILL"), exited };
}

describe("client telemetry against the real collector", () => {
  it("telemetry off: zero requests reach the collector during a scripted session (and on: some do)", async () => {
    await session(start({ enabled: false }).t);
    expect(await collector.receivedRequests()).toBe(0);
    await session(start({ enabled: true, serviceVersion: "session-on" }).t);
    expect(await collector.receivedRequests()).toBeGreaterThan(0);
    const names = (await spansOf("session-on", 4)).map((s) => s.name).sort();
    expect(names).toEqual(["ipc:chat:send-message", "ipc:chat:send-message", "lexical:send", "main_startup_boot"]);
  });

  it("kill -9 with telemetry queued, restart: everything arrives exactly once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "beacon-kill9-"));
    dirs.push(dataDir);
    const env = { ENDPOINT: collector.otlpHttpEndpoint, DATA_DIR: dataDir, COUNT: "40" };
    const queued = await runChild({ ...env, MODE: "queue" }, /^QUEUED /);
    // 40 spans, 40 records, and the start-up snapshot of the zero-started counters (one item a point).
    expect(JSON.parse(queued.line.slice(7)) as { queuedItems: number }).toMatchObject({ queuedItems: 80 + START_POINTS });
    queued.kill();
    await queued.exited;
    expect(await collector.receivedRequests()).toBe(0);

    const drained = await runChild({ ...env, MODE: "drain" }, /^DRAINED /);
    expect(await drained.exited).toBe(0);
    expect(JSON.parse(drained.line.slice(8)) as { queuedItems: number }).toMatchObject({ queuedItems: 0 });
    const spans = (await spansOf("9.9.9", 40)).filter((s) => s.name === "store:set");
    expect(spans.map((s) => s.attributes["test.seq"]).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(40);
    expect(spans[0]?.resource).toMatchObject({ "service.name": "kicktalk", "service.version": "9.9.9", "process.type": "electron-main" });
    const logsOfRun = async () => (await collector.logs()).filter((l) => String(l.body).startsWith("queued record"));
    const logs = await collector.waitFor(logsOfRun, (l) => l.length >= 40);
    expect(logs).toHaveLength(40);
    expect(logs[0]?.attributes).toEqual({ log_type: "log", area: "store" });

    // A third start re-sends no span or log (the acks were journaled); only its own metrics go out.
    await collector.reset();
    const third = await runChild({ ...env, MODE: "drain" }, /^DRAINED /);
    await third.exited;
    expect((await collector.requests()).filter((r) => r.signal !== "metrics")).toEqual([]);
  });

  it("gateway down for a while, then back: nothing lost within the queue bound", async () => {
    let clock = 1_000_000;
    const { t } = start({ retryBaseMs: 100, retryMaxMs: 400, serviceVersion: "down-then-back" }, { now: () => clock });
    collector.setRespond("unavailable");
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) t.tracer.startSpan("store:get", { attributes: { "test.seq": round * 10 + i } }).end();
      await t.flush();
      clock = Math.max(clock, t.status().nextRetryAt);
    }
    expect(t.status()).toMatchObject({ queuedItems: expect.any(Number), droppedItems: {} });
    expect(t.status().lastExportError).toBe("HTTP 503");
    collector.setRespond("ok");
    for (let i = 0; i < 10 && t.status().queuedItems > 0; i++) {
      clock = Math.max(clock, t.status().nextRetryAt);
      await t.flush();
    }
    expect(t.status().queuedItems).toBe(0);
    const spans = await spansOf("down-then-back", 50);
    expect(spans.map((s) => Number(s.attributes["test.seq"])).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await t.shutdown(1000);
  });

  it("beyond the queue bound, the oldest are dropped and counted; metric deltas go before spans, their drop counts kept", async () => {
    // A bound above one metric snapshot (its zero-started series included: ~70 points, each an
    // item), or the snapshot would be dropped as payload_too_large before the bound is reached.
    const { t } = start({ maxQueueItems: 100, serviceVersion: "bounded" });
    collector.setRespond("unavailable");
    for (let i = 0; i < 130; i++) t.tracer.startSpan("store:get", { attributes: { "test.seq": i } }).end();
    // Metrics go first: the start-up snapshot, then the 30 oldest spans.
    expect(t.status()).toMatchObject({ queuedItems: 100, droppedItems: { queue_full: 30 + START_POINTS } });
    collector.setRespond("ok");
    // This flush's metric delta does not fit beside the 100 spans: it is dropped, not a span; the
    // drop counts it held are recorded again (journal onDropMetrics).
    await t.flush();
    expect(t.status().droppedItems.queue_full).toBeGreaterThan(30 + START_POINTS);
    const seqs = (await spansOf("bounded", 100)).map((s) => Number(s.attributes["test.seq"]));
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 30));
    await t.flush(); // the next delta fits, and reports both drops
    await t.shutdown(2000);
    const metricsOfRun = async () => (await collector.metrics()).filter((m) => m.resource["service.version"] === "bounded");
    const droppedSeries = (await collector.waitFor(metricsOfRun, (m) => m.length > 0)).filter((m) => m.name === "kicktalk_telemetry_dropped_items");
    expect(droppedSeries.map((m) => m.attributes)).toEqual(
      expect.arrayContaining([
        { signal: "traces", reason: "queue_full" },
        { signal: "metrics", reason: "queue_full" },
      ]),
    );
    expect(droppedSeries.find((m) => m.attributes.signal === "traces" && m.attributes.reason === "queue_full")?.value).toBe(30);
    // The reasons nothing was dropped for are there too, at 0 (zero-started, issue 12 defect 3).
    expect(droppedSeries.find((m) => m.attributes.signal === "logs" && m.attributes.reason === "export_rejected")?.value).toBe(0);
  });

  it("429 with Retry-After: no request before the time it names, then delivery", async () => {
    let clock = 5_000_000;
    const { t } = start({ serviceVersion: "throttled" }, { now: () => clock, random: () => 0 });
    collector.setRespond("throttled"); // answers 429 with Retry-After: 1
    t.startStartupSpan().end();
    await t.flush();
    const afterFirst = await collector.receivedRequests();
    expect(afterFirst).toBeGreaterThan(0);
    expect(t.status().nextRetryAt).toBe(clock + 1000);
    collector.setRespond("ok");
    clock += 999;
    await t.flush();
    expect(await collector.receivedRequests()).toBe(afterFirst);
    clock += 1;
    await t.flush();
    expect((await spansOf("throttled", 1)).map((s) => s.name)).toEqual(["main_startup_boot"]);
    await t.shutdown(1000);
  });
});
