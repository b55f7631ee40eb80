// Overhead of the client's telemetry layer (seed 000: < 3 % CPU, < 10 MB RSS; seed 003:
// < 2 MB telemetry memory, < 10 KB per flush). One process runs the same fixed-rate load
// with telemetry off and on, interleaved over ROUNDS rounds (medians reported): 1,000
// received chat messages/s counted by the renderer's own RendererMetrics buffer, which sums
// counters per label set and sends one `telemetry:record-metrics` IPC call per 5 s flush
// (as client/renderer does: not one call per message), and 50 sends/s through handleIpc,
// each carrying the sampled renderer trace context. Exports go to a FAKE loopback OTLP sink
// that only counts bytes (the collector's own cost is not the client's). CPU is the whole
// process (process.cpuUsage: main thread, GC and compiler threads). Prints figures and writes
// results/bench-client-telemetry.json.
// Run: node_modules/.bin/node --expose-gc bench/client-telemetry-overhead.ts  (BENCH_PHASE_MS, BENCH_ROUNDS)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { MB } from "./lib-stats.ts";
import { RendererMetrics } from "../client/renderer/telemetry/renderer-metrics.ts";
import { createTelemetry, DEFAULT_CONFIG } from "../client/telemetry/index.ts";
import type { IpcMainLike, Telemetry } from "../client/telemetry/index.ts";

// Measured at the shipped flush interval (issue 11: a 2 s flush reported 4-5 KB per flush
// while the app, flushing every 10 s, sent 14.8 KB). BENCH_FLUSH_MS overrides, for comparison.
const FLUSH_MS = Number(process.env.BENCH_FLUSH_MS ?? DEFAULT_CONFIG.flushIntervalMs);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 3 * FLUSH_MS);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MESSAGES_PER_S = 1000;
const SENDS_PER_S = 50;
const TICK_MS = 20; // 20 received messages and 1 send per tick

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

// FAKE OTLP sink: counts request bodies, answers 200.
const requests: number[] = [];
const sink = createServer((req, res) => {
  let bytes = 0;
  req.on("data", (c: Buffer) => (bytes += c.byteLength));
  req.on("end", () => {
    requests.push(bytes);
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const SendSchema = z.object({ chatroomId: z.string().min(1), content: z.string().min(1).max(500) }).strict();
const STREAMERS = ["xqc", "adin", "train", "amouranth", "hasan"];

interface PhaseResult {
  enabled: boolean;
  wallMs: number;
  cpuMs: number;
  cpuPercentOfCore: number;
  rssBytes: number;
  heapUsedBytes: number;
  ipcCalls: number;
  /** `telemetry:record-metrics` calls the renderer's buffer made (one per 5 s flush). */
  metricIpcCalls: number;
  ipcMeanUs: number;
  messages: number;
  requests: number;
  bytesPerRequestMax: number;
  bytesPerFlushMean: number;
  journalBytes: number;
}

async function phase(enabled: boolean, phaseMs = PHASE_MS): Promise<PhaseResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "beacon-bench-"));
  const telemetry: Telemetry = createTelemetry(
    { ...DEFAULT_CONFIG, enabled, endpoint, dataDir, serviceVersion: "bench", flushIntervalMs: FLUSH_MS },
    { registerGlobal: false, startTimers: true },
  );
  const handlers = new Map<string, (e: unknown, p: unknown) => unknown>();
  const ipcMain: IpcMainLike = { handle: (c, l) => void handlers.set(c, l as (e: unknown, p: unknown) => unknown) };
  telemetry.handleIpc(ipcMain, "chat:send-message", SendSchema, (p, span) => {
    span.setAttribute("chatroom_id", p.chatroomId);
    return { id: "m1" };
  });
  telemetry.handleIpc(ipcMain, "telemetry:record-metrics", z.object({ events: z.array(z.unknown()).max(1024) }).strict(), (p) => {
    telemetry.recordRendererMetrics(p.events);
  });
  const send = handlers.get("chat:send-message")!;
  const recordMetrics = handlers.get("telemetry:record-metrics")!;
  // The renderer's context provider injects a carrier only while a renderer span is active:
  // a send runs inside one (the renderer samples every trace while telemetry is on), the
  // metrics flush timer does not.
  const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  let metricCalls = 0;
  const renderer = new RendererMetrics(
    async (events) => {
      metricCalls++;
      await recordMetrics({}, { events });
    },
    () => enabled,
  );

  requests.length = 0;
  gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ipcCalls = 0;
  let ipcTotalMs = 0;
  let messages = 0;
  let tick = 0;
  const perTick = (MESSAGES_PER_S * TICK_MS) / 1000;
  await new Promise<void>((resolve) => {
    const timer = setInterval(async () => {
      if (performance.now() - t0 >= phaseMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      tick++;
      for (let i = 0; i < perTick; i++) {
        renderer.record("messagesReceived", 1, { message_type: "regular", streamer_name: STREAMERS[(tick + i) % STREAMERS.length]! });
      }
      messages += perTick;
      if (tick % ((1000 / SENDS_PER_S) / TICK_MS) === 0) {
        const s = performance.now();
        await send({}, { chatroomId: "42", content: `hello ${tick}`, _otel: { traceparent } });
        ipcTotalMs += performance.now() - s;
        ipcCalls++;
      }
    }, TICK_MS);
  });
  renderer.stop();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  gc();
  const mem = process.memoryUsage();
  const journalBytes = telemetry.status().queuedBytes;
  await telemetry.shutdown(2000);
  rmSync(dataDir, { recursive: true, force: true });
  const flushes = Math.max(1, Math.round(wallMs / FLUSH_MS));
  return {
    enabled,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    cpuPercentOfCore: +((cpuMs / wallMs) * 100).toFixed(2),
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    ipcCalls,
    metricIpcCalls: metricCalls,
    ipcMeanUs: +((ipcTotalMs / Math.max(1, ipcCalls)) * 1000).toFixed(1),
    messages,
    requests: requests.length,
    bytesPerRequestMax: Math.max(0, ...requests),
    bytesPerFlushMean: Math.round(requests.reduce((a, b) => a + b, 0) / flushes),
    journalBytes,
  };
}

/** Tight loop: the wrapper's own cost per call, off vs on (no timers competing). */
async function perCallOverheadUs(): Promise<{ offUs: number; onUs: number }> {
  const out: number[] = [];
  for (const enabled of [false, true]) {
    const dataDir = mkdtempSync(join(tmpdir(), "beacon-bench-"));
    const telemetry = createTelemetry({ ...DEFAULT_CONFIG, enabled, endpoint, dataDir, sampleRatio: 0.1 }, { registerGlobal: false, startTimers: false });
    let listener: ((e: unknown, p: unknown) => unknown) | undefined;
    telemetry.handleIpc({ handle: (_c, l) => void (listener = l as never) }, "chat:send-message", SendSchema, () => 1);
    const payload = { chatroomId: "42", content: "hello world", _otel: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00" } };
    for (let i = 0; i < 500; i++) await listener?.({}, payload); // warm-up
    const n = 5000;
    const s = performance.now();
    for (let i = 0; i < n; i++) await listener?.({}, payload);
    out.push(((performance.now() - s) / n) * 1000);
    await telemetry.shutdown(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { offUs: +out[0]!.toFixed(2), onUs: +out[1]!.toFixed(2) };
}

// Warm-up (not measured): the first export loads fetch (undici) and zlib, ~0.3 s of CPU once
// per app start; the phases below measure the steady state.
await phase(true, 2500);
const runs: { off: PhaseResult[]; on: PhaseResult[] } = { off: [], on: [] };
for (let round = 1; round <= ROUNDS; round++) {
  // Alternating order, so neither mode always runs right after the other.
  for (const enabled of round % 2 === 1 ? [false, true] : [true, false]) {
    const r = await phase(enabled);
    (enabled ? runs.on : runs.off).push(r);
    console.log(`round ${round}/${ROUNDS}, telemetry ${enabled ? "on" : "off"}: ${r.cpuPercentOfCore}% of a core`);
  }
}
/** The run with the median CPU time (its other figures come along, so they stay consistent). */
const medianRun = (rs: PhaseResult[]) => [...rs].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(rs.length / 2)] as PhaseResult;
const off = medianRun(runs.off);
const on = medianRun(runs.on);
const perCall = await perCallOverheadUs();
sink.close();

const result = {
  load: { messagesPerSecond: MESSAGES_PER_S, sendsPerSecond: SENDS_PER_S, phaseMs: PHASE_MS, rounds: ROUNDS, flushIntervalMs: FLUSH_MS, sampleRatio: DEFAULT_CONFIG.sampleRatio },
  off,
  on,
  runs,
  figures: {
    cpuTimeRatio: +(on.cpuMs / Math.max(1, off.cpuMs)).toFixed(2),
    addedCpuPercentOfCore: +(on.cpuPercentOfCore - off.cpuPercentOfCore).toFixed(2),
    rssDeltaMB: +((on.rssBytes - off.rssBytes) / MB).toFixed(2),
    telemetryHeapDeltaMB: +((on.heapUsedBytes - off.heapUsedBytes) / MB).toFixed(2),
    ipcOverheadUsUnderLoad: +(on.ipcMeanUs - off.ipcMeanUs).toFixed(1),
    ipcOverheadUsTightLoop: +(perCall.onUs - perCall.offUs).toFixed(2),
    ipcUsTightLoop: perCall,
    bytesPerFlushMean: on.bytesPerFlushMean,
    bytesPerRequestMax: on.bytesPerRequestMax,
    requestsWhenOff: off.requests,
  },
  targets: { addedCpuPercent: 3, rssDeltaMB: 10, telemetryMemoryMB: 2, bytesPerFlush: 10 * 1024 },
};
console.log(JSON.stringify(result.figures, null, 2));
console.log(
  `medians of ${ROUNDS} interleaved rounds — CPU: off ${off.cpuPercentOfCore}% → on ${on.cpuPercentOfCore}% of a core (+${result.figures.addedCpuPercentOfCore} points, ratio ${result.figures.cpuTimeRatio}); ` +
    `RSS Δ ${result.figures.rssDeltaMB} MB; heap Δ ${result.figures.telemetryHeapDeltaMB} MB; ` +
    `IPC +${result.figures.ipcOverheadUsTightLoop} µs/call; ${on.bytesPerFlushMean} B/flush (max request ${on.bytesPerRequestMax} B); requests when off: ${off.requests}`,
);
mkdirSync("results", { recursive: true });
writeFileSync("results/bench-client-telemetry.json", `${JSON.stringify(result, null, 2)}\n`);
