// Overhead of the client's telemetry layer (seed 000: < 3 % CPU, < 10 MB RSS; seed 003:
// < 2 MB telemetry memory, < 10 KB per flush; issue 11: <= 4 KB per flush). One process runs
// the same fixed-rate load with telemetry off and on, interleaved over ROUNDS rounds (medians
// reported): 1,000 received chat messages/s counted by the renderer's own RendererMetrics
// buffer, which sums counters per label set and sends one `telemetry:record-metrics` IPC call
// per 5 s flush (as client/renderer does: not one call per message), and 50 sends/s through
// handleIpc. Each send is a renderer `lexical:send` span made by the renderer's own tracing
// parts (renderer-tracing.ts: main's sampling policy, the IPC span processor and the carrier
// the preload injects), so it is sampled as the app samples it, and the kept renderer spans
// reach main over `telemetry:export-spans`. Two "on" modes:
//   - sampled:    the standard load, main's shipped policy (DEFAULT_CONFIG.sampleRatio);
//   - every-send: worst case, the same code with ratio 1 (OTEL_TRACES_SAMPLER=always_on): every
//                 send is picked, and the shipped cap on new traces a minute bounds what is sent.
// Exports go to a FAKE loopback OTLP sink that only counts bytes (the collector's own cost is
// not the client's). CPU is the whole process (process.cpuUsage: main thread, GC and compiler
// threads). Prints figures and writes results/bench-client-telemetry.json.
// Run: node_modules/.bin/node --expose-gc bench/client-telemetry-overhead.ts  (BENCH_PHASE_MS, BENCH_ROUNDS)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import { MB } from "./lib-stats.ts";
import { RENDERER_METRICS_SCHEMA, RENDERER_SPANS_SCHEMA } from "../client/main/renderer-telemetry-schemas.ts";
import { RendererMetrics } from "../client/renderer/telemetry/renderer-metrics.ts";
import { createRendererTracing, RENDERER_TRACER_NAME, rendererCarrier } from "../client/renderer/telemetry/renderer-tracing.ts";
import { createTelemetry, DEFAULT_CONFIG } from "../client/telemetry/index.ts";
import type { IpcMainLike, Telemetry } from "../client/telemetry/index.ts";

// Measured at the shipped flush interval (issue 11: a 2 s flush reported 4-5 KB per flush
// while the app, flushing every 10 s, sent 14.8 KB). BENCH_FLUSH_MS overrides, for comparison.
const FLUSH_MS = Number(process.env.BENCH_FLUSH_MS ?? DEFAULT_CONFIG.flushIntervalMs);
// 3.5 intervals: three flush ticks inside every phase; bytes per flush are those ticks' requests
// (the send at shutdown is left out: it would add a fourth metric snapshot to three flushes).
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 3.5 * FLUSH_MS);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MESSAGES_PER_S = 1000;
const SENDS_PER_S = 50;
const TICK_MS = 20; // 20 received messages and 1 send per tick

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

// FAKE OTLP sink: counts request bodies per signal (path), answers 200.
const requests: { path: string; bytes: number }[] = [];
const sink = createServer((req, res) => {
  let bytes = 0;
  req.on("data", (c: Buffer) => (bytes += c.byteLength));
  req.on("end", () => {
    requests.push({ path: req.url ?? "", bytes });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const SendSchema = z.object({ chatroomId: z.string().min(1), content: z.string().min(1).max(500) }).strict();
const STREAMERS = ["xqc", "adin", "train", "amouranth", "hasan"];

/** off; on with main's shipped sampling policy (the standard load); on at ratio 1 under the shipped cap (worst case). */
type Mode = "off" | "sampled" | "every-send";
const MODES: readonly Mode[] = ["off", "sampled", "every-send"];
const SIGNAL_PATHS = { traces: "/v1/traces", metrics: "/v1/metrics", logs: "/v1/logs" } as const;

interface PhaseResult {
  mode: Mode;
  /** Ratio of the sampling policy the renderer and main applied. */
  sampleRatio: number;
  wallMs: number;
  cpuMs: number;
  cpuPercentOfCore: number;
  rssBytes: number;
  heapUsedBytes: number;
  ipcCalls: number;
  /** Sends whose carrier went to main with the sampled flag (traceparent ...-01). */
  sampledSends: number;
  /** `telemetry:record-metrics` calls the renderer's buffer made (one per 5 s flush). */
  metricIpcCalls: number;
  /** `telemetry:export-spans` calls the renderer's span processor made. */
  spanIpcCalls: number;
  ipcMeanUs: number;
  messages: number;
  requests: number;
  requestsPerFlush: number;
  bytesPerRequestMax: number;
  bytesPerFlushMean: number;
  /** Mean bytes per flush of each signal (request bodies as sent, gzip). */
  bytesPerFlushBySignal: Record<keyof typeof SIGNAL_PATHS, number>;
  journalBytes: number;
}

async function phase(mode: Mode, phaseMs = PHASE_MS): Promise<PhaseResult> {
  const enabled = mode !== "off";
  const dataDir = mkdtempSync(join(tmpdir(), "beacon-bench-"));
  // Worst case: the shipped code with a ratio of 1 (OTEL_TRACES_SAMPLER=always_on does the same),
  // under the shipped per-minute cap (KICKTALK_SAMPLED_TRACES_PER_MINUTE raises it).
  const sampleRatio = mode === "every-send" ? 1 : DEFAULT_CONFIG.sampleRatio;
  const telemetry: Telemetry = createTelemetry(
    { ...DEFAULT_CONFIG, enabled, endpoint, dataDir, serviceVersion: "bench", flushIntervalMs: FLUSH_MS, sampleRatio },
    { registerGlobal: false, startTimers: true },
  );
  const handlers = new Map<string, (e: unknown, p: unknown) => unknown>();
  const ipcMain: IpcMainLike = { handle: (c, l) => void handlers.set(c, l as (e: unknown, p: unknown) => unknown) };
  telemetry.handleIpc(ipcMain, "chat:send-message", SendSchema, (p, span) => {
    span.setAttribute("chatroom_id", p.chatroomId);
    return { id: "m1" };
  });
  // The handlers client/main/ipc-handlers.ts registers for these channels, with its schemas.
  telemetry.handleIpc(ipcMain, "telemetry:record-metrics", RENDERER_METRICS_SCHEMA, (p) => telemetry.recordRendererMetrics(p.events));
  telemetry.handleIpc(ipcMain, "telemetry:export-spans", RENDERER_SPANS_SCHEMA, (p) => telemetry.relayRendererSpans(p.spans));
  const send = handlers.get("chat:send-message")!;
  const recordMetrics = handlers.get("telemetry:record-metrics")!;
  const exportSpans = handlers.get("telemetry:export-spans")!;

  // The renderer: its metric buffer, and its tracing parts configured by main's policy as
  // startRendererTelemetry() configures them (here in a BasicTracerProvider: no DOM in Node).
  let metricCalls = 0;
  let spanCalls = 0;
  const renderer = new RendererMetrics(
    async (events) => {
      metricCalls++;
      await recordMetrics({}, { events });
    },
    () => enabled,
  );
  const rendererTracing = createRendererTracing({
    sampling: telemetry.status().sampling,
    isEnabled: () => enabled,
    send: async (spans) => {
      spanCalls++;
      await exportSpans({}, { spans });
    },
  });
  const rendererTracer = new BasicTracerProvider({ sampler: rendererTracing.sampler, spanProcessors: [rendererTracing.spans] }).getTracer(RENDERER_TRACER_NAME);

  requests.length = 0;
  gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ipcCalls = 0;
  let sampledSends = 0;
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
        // What message-input.ts does on Enter: a `lexical:send` span, the IPC call made inside
        // it (the preload injects the span's context), the send metrics, then the span ends.
        const streamer = STREAMERS[tick % STREAMERS.length]!;
        const span = rendererTracer.startSpan("lexical:send", { kind: SpanKind.INTERNAL, attributes: { chatroom_id: "42" } });
        const carrier = rendererCarrier(trace.setSpan(ROOT_CONTEXT, span), enabled);
        if (carrier.traceparent?.endsWith("-01")) sampledSends++;
        const s = performance.now();
        let success = false;
        try {
          await send({}, { chatroomId: "42", content: `hello ${tick}`, _otel: carrier });
          success = true;
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        }
        const ms = performance.now() - s;
        ipcTotalMs += ms;
        ipcCalls++;
        renderer.record("messageSendDuration", ms / 1000, { success: String(success) });
        renderer.record("messagesSent", 1, { message_type: "regular", streamer_name: streamer, success: String(success) });
        span.end();
      }
    }, TICK_MS);
  });
  renderer.stop();
  await rendererTracing.spans.forceFlush();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  gc();
  const mem = process.memoryUsage();
  const journalBytes = telemetry.status().queuedBytes;
  const flushed = [...requests];
  await telemetry.shutdown(2000);
  rmSync(dataDir, { recursive: true, force: true });
  const flushes = Math.max(1, Math.floor(wallMs / FLUSH_MS));
  const bytesOf = (path?: string) => flushed.filter((r) => path === undefined || r.path === path).reduce((a, r) => a + r.bytes, 0);
  return {
    mode,
    sampleRatio,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    cpuPercentOfCore: +((cpuMs / wallMs) * 100).toFixed(2),
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    ipcCalls,
    sampledSends,
    metricIpcCalls: metricCalls,
    spanIpcCalls: spanCalls,
    ipcMeanUs: +((ipcTotalMs / Math.max(1, ipcCalls)) * 1000).toFixed(1),
    messages,
    requests: requests.length,
    requestsPerFlush: +(flushed.length / flushes).toFixed(1),
    bytesPerRequestMax: Math.max(0, ...flushed.map((r) => r.bytes)),
    bytesPerFlushMean: Math.round(bytesOf() / flushes),
    bytesPerFlushBySignal: {
      traces: Math.round(bytesOf(SIGNAL_PATHS.traces) / flushes),
      metrics: Math.round(bytesOf(SIGNAL_PATHS.metrics) / flushes),
      logs: Math.round(bytesOf(SIGNAL_PATHS.logs) / flushes),
    },
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
await phase("sampled", 2500);
const runs: Record<Mode, PhaseResult[]> = { off: [], sampled: [], "every-send": [] };
for (let round = 1; round <= ROUNDS; round++) {
  // Rotating order, so no mode always runs right after the same other one.
  const order = MODES.map((_, i) => MODES[(i + round - 1) % MODES.length]!);
  for (const mode of order) {
    const r = await phase(mode);
    runs[mode].push(r);
    console.log(`round ${round}/${ROUNDS}, telemetry ${mode}: ${r.cpuPercentOfCore}% of a core, ${r.bytesPerFlushMean} B/flush`);
  }
}
/** The run with the median CPU time (its other figures come along, so they stay consistent). */
const medianRun = (rs: PhaseResult[]) => [...rs].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(rs.length / 2)] as PhaseResult;
const off = medianRun(runs.off);
const on = medianRun(runs.sampled);
const worst = medianRun(runs["every-send"]);
const perCall = await perCallOverheadUs();
sink.close();

const BYTES_PER_FLUSH_TARGET = 10 * 1024; // seed 003
const BYTES_PER_FLUSH_GOAL = 4 * 1024; // issue 11
const bytesFigures = (r: PhaseResult) => ({
  sampleRatio: r.sampleRatio,
  sampledSendsPerFlush: +(r.sampledSends / (r.wallMs / FLUSH_MS)).toFixed(1),
  bytesPerFlushMean: r.bytesPerFlushMean,
  bytesPerFlushBySignal: r.bytesPerFlushBySignal,
  requestsPerFlush: r.requestsPerFlush,
  bytesPerRequestMax: r.bytesPerRequestMax,
  withinSeed003: r.bytesPerFlushMean < BYTES_PER_FLUSH_TARGET,
  withinIssue11: r.bytesPerFlushMean <= BYTES_PER_FLUSH_GOAL,
});
const result = {
  load: { messagesPerSecond: MESSAGES_PER_S, sendsPerSecond: SENDS_PER_S, phaseMs: PHASE_MS, rounds: ROUNDS, flushIntervalMs: FLUSH_MS, sampleRatio: DEFAULT_CONFIG.sampleRatio },
  off,
  on,
  worstCase: worst,
  runs,
  figures: {
    cpuTimeRatio: +(on.cpuMs / Math.max(1, off.cpuMs)).toFixed(2),
    addedCpuPercentOfCore: +(on.cpuPercentOfCore - off.cpuPercentOfCore).toFixed(2),
    addedCpuPercentOfCoreWorstCase: +(worst.cpuPercentOfCore - off.cpuPercentOfCore).toFixed(2),
    rssDeltaMB: +((on.rssBytes - off.rssBytes) / MB).toFixed(2),
    telemetryHeapDeltaMB: +((on.heapUsedBytes - off.heapUsedBytes) / MB).toFixed(2),
    ipcOverheadUsUnderLoad: +(on.ipcMeanUs - off.ipcMeanUs).toFixed(1),
    ipcOverheadUsTightLoop: +(perCall.onUs - perCall.offUs).toFixed(2),
    ipcUsTightLoop: perCall,
    /** The standard load: sends sampled by main's shipped policy, as the renderer samples them. */
    bytesPerFlush: bytesFigures(on),
    /** Worst case: ratio 1, every send picked, the shipped per-minute cap bounding what is sampled. */
    bytesPerFlushWorstCase: bytesFigures(worst),
    requestsWhenOff: off.requests,
  },
  targets: { addedCpuPercent: 3, rssDeltaMB: 10, telemetryMemoryMB: 2, bytesPerFlush: BYTES_PER_FLUSH_TARGET, bytesPerFlushGoal: BYTES_PER_FLUSH_GOAL },
};
console.log(JSON.stringify(result.figures, null, 2));
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const bytesLine = (label: string, r: PhaseResult) =>
  `${label.padEnd(34)} ${kb(r.bytesPerFlushMean).padStart(8)}   traces ${kb(r.bytesPerFlushBySignal.traces)}, metrics ${kb(r.bytesPerFlushBySignal.metrics)}, logs ${kb(r.bytesPerFlushBySignal.logs)}; ${r.requestsPerFlush} requests/flush`;
console.log(
  `medians of ${ROUNDS} interleaved rounds — CPU: off ${off.cpuPercentOfCore}% → on ${on.cpuPercentOfCore}% of a core (+${result.figures.addedCpuPercentOfCore} points, ratio ${result.figures.cpuTimeRatio}; ratio 1: +${result.figures.addedCpuPercentOfCoreWorstCase}); ` +
    `RSS Δ ${result.figures.rssDeltaMB} MB; heap Δ ${result.figures.telemetryHeapDeltaMB} MB; IPC +${result.figures.ipcOverheadUsTightLoop} µs/call; requests when off: ${off.requests}`,
);
console.log(`bytes per ${FLUSH_MS / 1000} s flush (gzip bodies; target < ${kb(BYTES_PER_FLUSH_TARGET)}, goal <= ${kb(BYTES_PER_FLUSH_GOAL)}):`);
console.log(bytesLine(`standard (ratio ${on.sampleRatio}, ${result.figures.bytesPerFlush.sampledSendsPerFlush} sampled sends)`, on));
console.log(bytesLine(`worst case (ratio 1, shipped cap)`, worst));
mkdirSync("results", { recursive: true });
writeFileSync("results/bench-client-telemetry.json", `${JSON.stringify(result, null, 2)}\n`);
