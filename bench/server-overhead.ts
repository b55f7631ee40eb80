// What the chat server's telemetry costs (seed 002 targets: < 5 ms per request, < 10 MB more
// memory under load). Runs `server/main.ts` as a child process three times — telemetry off,
// on as in production (10 % head sampling + forced sampling, which records every span), and
// on at 100 % — each exporting to a real test collector, and drives the same fixed-rate,
// fixed-count request mix at it from this process (open loop: requests go out on schedule
// whatever the latency). Prints the figures side by side and writes results/bench-server.json.
// Memory is split in two: the cost of loading the SDK (RSS once listening, before any
// request) and the growth under load (steady RSS minus that), each on minus off.
// Where that memory is comes from bench/lib-heap-probe.ts, preloaded into the server in every
// mode alike: the resident size of V8's young generation (new space) and old space, the other
// V8 spaces, what lies outside the V8 heap, the heap still used after a full GC at the end of
// the load (what is really retained), and the bytes allocated and surviving a scavenge per
// request. The last two explain the rest: V8 doubles new space whenever the bytes surviving
// scavenges add up to its size and shrinks it only while allocation is slow, and lets old
// space fill with promoted garbage up to a limit it derives from the live heap and the heap
// limit. With V8's default limits that growth is not over after 45 s (BENCH_COUNT=36000, 3
// minutes, reaches the plateau); "steady" is the second half of this run, not a plateau.
// Not a test: nothing here passes or fails on a threshold.
// Run: node_modules/.bin/node bench/server-overhead.ts  (BENCH_ROUNDS, BENCH_RATE, BENCH_COUNT,
// BENCH_MODES=off,production; BENCH_NODE_OPTIONS="--max-semi-space-size=8" is given to the
// server in every mode, off included, and BENCH_OUT names another results file for such a run;
// BENCH_HEAP_SAMPLING="8000,20000" makes lib-heap-probe.ts write, per server, a sampling heap
// profile of what was allocated in that window and outlived the young generation, kept next to
// BENCH_OUT as heap-<mode>-<round>.heapprofile)
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { MB, median, round } from "./lib-stats.ts";
import WebSocket from "ws";
import { EVENTS, chatroomChannel } from "../protocol/index.ts";
import { signUp } from "../server/testing/test-server.ts";
import { LOADTEST_SERVER_ENV } from "../loadtest/lib/server-env.ts";
import { startChatServerProcess } from "../testkit/chat-server-process.ts";
import type { ChatServerProcess } from "../testkit/chat-server-process.ts";
import { startFixtureSite } from "../server/testing/fixture-site.ts";
import type { FixtureSite } from "../server/testing/fixture-site.ts";
import { startTestCollector } from "../testkit/collector.ts";
import type { TestCollector } from "../testkit/collector.ts";
import type { HeapSample } from "./lib-heap-probe.ts";

/** Requests per second, and how many are measured per mode after WARMUP unmeasured ones. */
const RATE = Number(process.env.BENCH_RATE ?? 200);
/**
 * 45 s of load by default. V8 sizes its young generation and old-generation limit from what
 * survives scavenges: a 15 s run reported a steady RSS that was not steady yet, and with V8's
 * default limits the "on" server's heap still grows after 45 s (new space reaches its 128 MB
 * ceiling after ~2 minutes); the heap breakdown and the RSS trend say how far it got.
 */
const COUNT = Number(process.env.BENCH_COUNT ?? 9000);
const WARMUP = Math.round(COUNT / 10);
/** WebSocket subscribers per mode, spread over the rooms, so posted messages fan out. */
const SUBSCRIBERS = 10;
const ROOMS = ["1001", "1002", "1003", "1004"] as const;
const RSS_SAMPLE_MS = 100;
/** Settling time after "listening" before the start-up RSS is read (lazy compilation, timers). */
const SETTLE_MS = 1000;
/**
 * The modes run interleaved this many times and each figure is the median over rounds: the
 * machine is shared, and one noisy neighbour would otherwise decide a single run.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** V8/Node flags for the server, the same in every mode (e.g. an operator's --max-semi-space-size). */
const NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? "";
const OUT = process.env.BENCH_OUT ?? "results/bench-server.json";
const PROBE = pathToFileURL(join(import.meta.dirname, "lib-heap-probe.ts")).href;
const PROBE_DIR = mkdtempSync(join(tmpdir(), "beacon-bench-heap-"));

interface Mode {
  readonly key: string;
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
}

// Production's sampling is set explicitly rather than through NODE_ENV=production, which refuses
// loopback links, and the bench's fixture site is on 127.0.0.1 (CHAT_SERVER_LINKS_ALLOW_LOOPBACK).
const ALL_MODES: readonly Mode[] = [
  { key: "off", label: "telemetry off", env: { OTEL_SDK_DISABLED: "true" } },
  { key: "production", label: "on, 10 % + forced", env: { OTEL_TRACES_SAMPLER_ARG: "0.1" } },
  { key: "full", label: "on, 100 %", env: { OTEL_TRACES_SAMPLER_ARG: "1" } },
];
const MODES = process.env.BENCH_MODES ? ALL_MODES.filter((m) => process.env.BENCH_MODES?.split(",").includes(m.key)) : ALL_MODES;
if (!MODES.some((m) => m.key === "off")) throw new Error(`BENCH_MODES=${process.env.BENCH_MODES}: must include "off", the baseline`);

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}

/** The i-th request of the fixed mix: reads, posts (a few with a link), a 404 and health. */
function requestAt(i: number, site: FixtureSite): Request {
  const room = ROOMS[i % ROOMS.length] as string;
  const slot = i % 20;
  if (slot < 6) return { method: "GET", path: "/api/chatrooms" };
  if (slot < 11) return { method: "GET", path: `/api/chatrooms/${room}/emotes` };
  if (slot < 16) {
    const link = i % 200 === 11 ? ` ${site.url}/article?i=${i}` : "";
    return { method: "POST", path: `/api/chatrooms/${room}/messages`, body: JSON.stringify({ content: `bench message ${i}${link}` }) };
  }
  if (slot < 18) return { method: "GET", path: "/api/users/1" };
  if (slot < 19) return { method: "GET", path: "/healthz" };
  return { method: "GET", path: "/api/chatrooms/9999" };
}

interface ModeResult {
  readonly label: string;
  readonly latencyMs: { readonly mean: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  readonly errors: number;
  readonly achievedRps: number;
  readonly cpuSeconds: number;
  readonly cpuMsPerRequest: number;
  /** started: listening, before any request; idle: after the warm-up; steady: median of the run's second half; peak: VmHWM. */
  readonly rssMB: { readonly started: number; readonly idle: number; readonly steady: number; readonly peak: number; readonly growth: number; readonly end: number };
  /** RSS trend over the last half of the run (MB per minute): near 0 when steady. */
  readonly rssSlopeMBPerMin: number;
  readonly heap: HeapBreakdown;
  readonly otlpRequests: number;
}

/** Where the memory is (lib-heap-probe.ts), over the measured window. */
interface HeapBreakdown {
  /**
   * Medians over the second half of the run, like rssMB.steady (MB). Sizes are resident
   * (physical) bytes, which is what RSS counts; "committed" is what heapTotal counts.
   */
  readonly steadyMB: {
    readonly newSpace: number;
    readonly newSpaceCommitted: number;
    readonly oldSpace: number;
    /** Objects in old space, live or garbage a full GC has not collected yet. */
    readonly oldSpaceUsed: number;
    /** Code, large-object, trusted and the other V8 spaces. */
    readonly otherSpaces: number;
    readonly heapTotal: number;
    readonly heapUsed: number;
    /** RSS minus the resident V8 heap: the binary, native allocations, external buffers. */
    readonly outsideHeap: number;
    readonly external: number;
    readonly arrayBuffers: number;
  };
  /** After the load, after two full GCs: what is really retained (MB). */
  readonly afterFullGcMB: { readonly heapUsed: number; readonly oldSpaceUsed: number; readonly heapTotal: number };
  /** GCs during the measured window; pauseMs: their total cost on the main thread. */
  readonly gc: { readonly scavenges: number; readonly markCompacts: number; readonly pauseMs: number; readonly allocatedKBPerRequest: number; readonly survivedKBPerRequest: number };
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
/** Least-squares slope of RSS samples taken every RSS_SAMPLE_MS, per minute. */
function slope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    num += (i - mx) * (y - my);
    den += (i - mx) ** 2;
  });
  return (num / den) * (60_000 / RSS_SAMPLE_MS);
}

function readProbe(file: string): HeapSample[] {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`no heap samples in ${file}: was lib-heap-probe.ts preloaded?`);
  }
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as HeapSample);
}

function heapBreakdown(samples: readonly HeapSample[], from: number, to: number, requests: number): HeapBreakdown {
  const during = samples.filter((s) => s.tag === "sample" && s.at >= from && s.at <= to);
  const steady = during.slice(Math.floor(during.length / 2));
  // Cumulative GC counters: the last sample before the window and the last one inside it.
  const first = [...samples].reverse().find((s) => s.tag === "sample" && s.at <= from) ?? during[0];
  const last = during.at(-1);
  const after = samples.find((s) => s.tag === "after-gc");
  if (first === undefined || last === undefined || after === undefined) throw new Error(`heap probe: ${during.length} samples in the window, ${after ? "a" : "no"} post-GC sample`);
  const space = (s: HeapSample, name: string) => s.spaces[name] ?? { size: 0, physical: 0, used: 0 };
  const mb = (f: (s: HeapSample) => number) => round(median(steady.map(f)) / MB, 1);
  const other = (s: HeapSample) => s.heapPhysical - space(s, "new_space").physical - space(s, "old_space").physical;
  return {
    steadyMB: {
      newSpace: mb((s) => space(s, "new_space").physical),
      newSpaceCommitted: mb((s) => space(s, "new_space").size),
      oldSpace: mb((s) => space(s, "old_space").physical),
      oldSpaceUsed: mb((s) => space(s, "old_space").used),
      otherSpaces: mb(other),
      heapTotal: mb((s) => s.heapTotal),
      heapUsed: mb((s) => s.heapUsed),
      outsideHeap: mb((s) => s.rss - s.heapPhysical),
      external: mb((s) => s.external),
      arrayBuffers: mb((s) => s.arrayBuffers),
    },
    afterFullGcMB: { heapUsed: round(after.heapUsed / MB, 1), oldSpaceUsed: round(space(after, "old_space").used / MB, 1), heapTotal: round(after.heapTotal / MB, 1) },
    gc: {
      scavenges: last.gc.scavenges - first.gc.scavenges,
      markCompacts: last.gc.markCompacts - first.gc.markCompacts,
      pauseMs: round(last.gc.pauseMs - first.gc.pauseMs, 1),
      allocatedKBPerRequest: round((last.gc.allocatedBytes - first.gc.allocatedBytes) / 1024 / requests, 1),
      survivedKBPerRequest: round((last.gc.survivedBytes - first.gc.survivedBytes) / 1024 / requests, 2),
    },
  };
}

async function openSubscribers(server: ChatServerProcess): Promise<WebSocket[]> {
  return Promise.all(
    Array.from({ length: SUBSCRIBERS }, async (_, i) => {
      const ws = new WebSocket(server.wsUrl);
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      ws.send(JSON.stringify({ event: EVENTS.subscribe, data: { channel: chatroomChannel(ROOMS[i % ROOMS.length] as string) } }));
      return ws;
    }),
  );
}

/** Sends `count` requests at RATE per second on schedule; returns each one's latency (ms). */
async function drive(server: ChatServerProcess, token: string, site: FixtureSite, from: number, count: number): Promise<{ latencies: number[]; errors: number; seconds: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let n = 0; n < count; n++) {
    const due = start + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const req = requestAt(from + n, site);
    const sent = performance.now();
    inFlight.push(
      fetch(`${server.url}${req.path}`, {
        method: req.method,
        headers: { authorization: `Bearer ${token}`, ...(req.body ? { "content-type": "application/json" } : {}) },
        ...(req.body ? { body: req.body } : {}),
      })
        .then(async (res) => {
          await res.arrayBuffer();
          latencies.push(performance.now() - sent);
          if (res.status >= 500) errors++;
        })
        .catch(() => void errors++),
    );
  }
  await Promise.all(inFlight);
  return { latencies, errors, seconds: (performance.now() - start) / 1000 };
}

async function runMode(mode: Mode, roundNo: number, collector: TestCollector, site: FixtureSite): Promise<ModeResult> {
  await collector.reset();
  const probeFile = join(PROBE_DIR, `${mode.key}-${roundNo}.jsonl`);
  const server = await startChatServerProcess({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint,
    OTEL_METRIC_EXPORT_INTERVAL: "5000",
    LINK_FETCH_TIMEOUT_MS: "2000",
    CHAT_SERVER_LINKS_ALLOW_LOOPBACK: "true",
    // 50 posts/s from one account: over the default per-account limit, which is for people.
    ...LOADTEST_SERVER_ENV,
    // The same in every mode: the probe (a few KB of code) and the operator's flags, if any.
    NODE_OPTIONS: [process.env.NODE_OPTIONS ?? "", `--import=${PROBE}`, "--expose-gc", NODE_OPTIONS].join(" ").trim(),
    BENCH_HEAP_PROBE_FILE: probeFile,
    ...mode.env,
  });
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const started = server.usage().rssBytes;
  const sockets = await openSubscribers(server);
  let result: Omit<ModeResult, "heap">;
  let window: [number, number];
  try {
    // Registration answers with a session, as sign-in would; the fresh server has no users.
    const { token } = await signUp(server.url, "bench");
    await drive(server, token, site, 0, WARMUP);
    const idle = server.usage().rssBytes;
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(server.usage().rssBytes), RSS_SAMPLE_MS);
    const before = server.usage().cpuSeconds;
    const windowStart = Date.now();
    const run = await drive(server, token, site, WARMUP, COUNT);
    window = [windowStart, Date.now()];
    const after = server.usage();
    clearInterval(sampler);
    const sorted = [...run.latencies].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const cpuSeconds = after.cpuSeconds - before;
    const steady = median(samples.slice(Math.floor(samples.length / 2)));
    result = {
      label: mode.label,
      latencyMs: { mean: round(mean, 3), p50: round(quantile(sorted, 0.5), 3), p95: round(quantile(sorted, 0.95), 3), p99: round(quantile(sorted, 0.99), 3), max: round(sorted.at(-1) ?? NaN, 3) },
      errors: run.errors,
      achievedRps: round(COUNT / run.seconds, 1),
      cpuSeconds: round(cpuSeconds, 2),
      cpuMsPerRequest: round((cpuSeconds * 1000) / COUNT, 3),
      // Steady: median of the second half of the run, after allocation settles.
      rssMB: { started: round(started / MB, 1), idle: round(idle / MB, 1), steady: round(steady / MB, 1), peak: round(after.peakRssBytes / MB, 1), growth: round((steady - started) / MB, 1), end: round(after.rssBytes / MB, 1) },
      rssSlopeMBPerMin: round(slope(samples.slice(Math.floor(samples.length / 2))) / MB, 1),
      otlpRequests: 0,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    // SIGTERM: the probe writes its post-GC sample, then the server flushes and exits.
    const code = await server.stop();
    if (code !== 0) console.error(`server (${mode.label}) exited with ${code}:\n${server.output()}`);
  }
  return { ...result, heap: heapBreakdown(readProbe(probeFile), window[0], window[1], COUNT) };
}

function table(results: Readonly<Record<string, ModeResult>>): string {
  const keys = Object.keys(results);
  const rows: [string, (r: ModeResult) => string][] = [
    ["latency p50 (ms)", (r) => r.latencyMs.p50.toFixed(2)],
    ["latency p95 (ms)", (r) => r.latencyMs.p95.toFixed(2)],
    ["latency p99 (ms)", (r) => r.latencyMs.p99.toFixed(2)],
    ["latency mean (ms)", (r) => r.latencyMs.mean.toFixed(2)],
    ["achieved rate (req/s)", (r) => r.achievedRps.toFixed(1)],
    ["5xx / failed (all rounds)", (r) => String(r.errors)],
    ["server CPU (s)", (r) => r.cpuSeconds.toFixed(2)],
    ["CPU per request (ms)", (r) => r.cpuMsPerRequest.toFixed(3)],
    ["RSS started, no load (MB)", (r) => r.rssMB.started.toFixed(1)],
    ["RSS idle after warm-up (MB)", (r) => r.rssMB.idle.toFixed(1)],
    ["RSS steady (MB)", (r) => r.rssMB.steady.toFixed(1)],
    ["RSS at end of run (MB)", (r) => r.rssMB.end.toFixed(1)],
    ["RSS peak (MB)", (r) => r.rssMB.peak.toFixed(1)],
    ["RSS trend, 2nd half (MB/min)", (r) => r.rssSlopeMBPerMin.toFixed(1)],
    ["RSS growth under load (MB)", (r) => r.rssMB.growth.toFixed(1)],
    ["V8 new space, resident (committed) (MB)", (r) => `${r.heap.steadyMB.newSpace.toFixed(1)} (${r.heap.steadyMB.newSpaceCommitted.toFixed(1)})`],
    ["V8 old space, resident (MB)", (r) => r.heap.steadyMB.oldSpace.toFixed(1)],
    ["  of which used, live or garbage (MB)", (r) => r.heap.steadyMB.oldSpaceUsed.toFixed(1)],
    ["V8 other spaces: code, large obj. (MB)", (r) => r.heap.steadyMB.otherSpaces.toFixed(1)],
    ["outside the V8 heap (MB)", (r) => r.heap.steadyMB.outsideHeap.toFixed(1)],
    ["  external / array buffers (MB)", (r) => `${r.heap.steadyMB.external.toFixed(1)} / ${r.heap.steadyMB.arrayBuffers.toFixed(1)}`],
    ["heap used after full GC, end (MB)", (r) => r.heap.afterFullGcMB.heapUsed.toFixed(1)],
    ["allocated per request (KB)", (r) => r.heap.gc.allocatedKBPerRequest.toFixed(1)],
    ["survived a scavenge per request (KB)", (r) => r.heap.gc.survivedKBPerRequest.toFixed(2)],
    ["scavenges / full GCs during the run", (r) => `${r.heap.gc.scavenges} / ${r.heap.gc.markCompacts}`],
    ["GC time during the run (ms)", (r) => r.heap.gc.pauseMs.toFixed(0)],
    ["OTLP requests sent", (r) => String(r.otlpRequests)],
  ];
  const header = ["", ...keys.map((k) => results[k]?.label ?? k)];
  const lines = [header, ...rows.map(([name, f]) => [name, ...keys.map((k) => f(results[k] as ModeResult))])];
  const widths = header.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? "").length)));
  return lines.map((l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ")).join("\n");
}

const collector = await startTestCollector();
const site = await startFixtureSite();
const rounds: Record<string, ModeResult[]> = {};
try {
  for (let round = 1; round <= ROUNDS; round++) {
    // The order rotates every round, so no mode always runs first (or after the same one).
    for (const mode of MODES.map((_, i) => MODES[(i + round - 1) % MODES.length] as Mode)) {
      console.log(`▶ round ${round}/${ROUNDS}, ${mode.label}: ${WARMUP} warm-up + ${COUNT} requests at ${RATE}/s, ${SUBSCRIBERS} WebSocket subscribers`);
      const r = await runMode(mode, round, collector, site);
      // Counted after the server's shutdown flush, so everything it exported is included.
      (rounds[mode.key] ??= []).push({ ...r, otlpRequests: await collector.receivedRequests() });
    }
  }
} finally {
  await site.close();
  await collector.stop();
  for (const f of readdirSync(PROBE_DIR).filter((n) => n.endsWith(".heapprofile"))) {
    mkdirSync(dirname(OUT), { recursive: true });
    copyFileSync(join(PROBE_DIR, f), join(dirname(OUT), `heap-${f.replace(".jsonl", "")}`));
  }
  rmSync(PROBE_DIR, { recursive: true, force: true });
}

/** Median of every numeric leaf of same-shaped objects. */
function medianTree<T>(xs: readonly T[]): T {
  const first = xs[0] as T;
  if (typeof first === "number") return round(median(xs as readonly number[]), 3) as T;
  if (typeof first !== "object" || first === null) return first;
  return Object.fromEntries(Object.keys(first).map((k) => [k, medianTree(xs.map((x) => (x as Record<string, unknown>)[k]))])) as T;
}

/** Median of every figure over the rounds. */
function medianResult(rs: readonly ModeResult[]): ModeResult {
  const m = (f: (r: ModeResult) => number) => round(median(rs.map(f)), 3);
  const first = rs[0] as ModeResult;
  return {
    label: first.label,
    latencyMs: { mean: m((r) => r.latencyMs.mean), p50: m((r) => r.latencyMs.p50), p95: m((r) => r.latencyMs.p95), p99: m((r) => r.latencyMs.p99), max: m((r) => r.latencyMs.max) },
    errors: rs.reduce((a, r) => a + r.errors, 0),
    achievedRps: m((r) => r.achievedRps),
    cpuSeconds: m((r) => r.cpuSeconds),
    cpuMsPerRequest: m((r) => r.cpuMsPerRequest),
    rssMB: { started: m((r) => r.rssMB.started), idle: m((r) => r.rssMB.idle), steady: m((r) => r.rssMB.steady), peak: m((r) => r.rssMB.peak), growth: m((r) => r.rssMB.growth), end: m((r) => r.rssMB.end) },
    rssSlopeMBPerMin: m((r) => r.rssSlopeMBPerMin),
    heap: medianTree(rs.map((r) => r.heap)),
    otlpRequests: m((r) => r.otlpRequests),
  };
}
const results: Record<string, ModeResult> = Object.fromEntries(Object.entries(rounds).map(([k, rs]) => [k, medianResult(rs)]));

const off = results.off as ModeResult;
const overhead = Object.fromEntries(
  MODES.filter((m) => m.key !== "off").map((m) => {
    const r = results[m.key] as ModeResult;
    return [
      m.key,
      {
        meanLatencyMs: round(r.latencyMs.mean - off.latencyMs.mean, 3),
        p95LatencyMs: round(r.latencyMs.p95 - off.latencyMs.p95, 3),
        p99LatencyMs: round(r.latencyMs.p99 - off.latencyMs.p99, 3),
        cpuMsPerRequest: round(r.cpuMsPerRequest - off.cpuMsPerRequest, 3),
        rssSteadyMB: round(r.rssMB.steady - off.rssMB.steady, 1),
        rssLoadSdkMB: round(r.rssMB.started - off.rssMB.started, 1),
        rssGrowthUnderLoadMB: round(r.rssMB.growth - off.rssMB.growth, 1),
        rssPeakMB: round(r.rssMB.peak - off.rssMB.peak, 1),
        // Where the steady RSS delta is: V8's young and old generation sizing, other spaces,
        // outside the heap; and how much of the heap is really retained (after a full GC).
        newSpaceMB: round(r.heap.steadyMB.newSpace - off.heap.steadyMB.newSpace, 1),
        oldSpaceMB: round(r.heap.steadyMB.oldSpace - off.heap.steadyMB.oldSpace, 1),
        otherSpacesMB: round(r.heap.steadyMB.otherSpaces - off.heap.steadyMB.otherSpaces, 1),
        outsideHeapMB: round(r.heap.steadyMB.outsideHeap - off.heap.steadyMB.outsideHeap, 1),
        heapUsedAfterFullGcMB: round(r.heap.afterFullGcMB.heapUsed - off.heap.afterFullGcMB.heapUsed, 1),
        allocatedKBPerRequest: round(r.heap.gc.allocatedKBPerRequest - off.heap.gc.allocatedKBPerRequest, 1),
        survivedKBPerRequest: round(r.heap.gc.survivedKBPerRequest - off.heap.gc.survivedKBPerRequest, 2),
      },
    ];
  }),
);

const signed = (n: number) => (n >= 0 ? `+${n}` : String(n));
console.log(`\nmedians over ${ROUNDS} interleaved rounds${NODE_OPTIONS ? `, server flags in every mode: ${NODE_OPTIONS}` : ""}\n${table(results)}\n`);
for (const [key, o] of Object.entries(overhead)) {
  console.log(
    `overhead (${results[key]?.label}): ${signed(o.meanLatencyMs)} ms mean latency per request, ${signed(o.cpuMsPerRequest)} ms CPU per request, ` +
      `RSS ${signed(o.rssSteadyMB)} MB steady (= ${signed(o.rssLoadSdkMB)} MB loading the SDK, ${signed(o.rssGrowthUnderLoadMB)} MB more growth under load) / ${signed(o.rssPeakMB)} MB peak  (seed 002 targets: < 5 ms, < 10 MB)\n` +
      `  where: V8 new space ${signed(o.newSpaceMB)} MB, old space ${signed(o.oldSpaceMB)} MB, other spaces ${signed(o.otherSpacesMB)} MB, outside the heap ${signed(o.outsideHeapMB)} MB; ` +
      `heap used after a full GC ${signed(o.heapUsedAfterFullGcMB)} MB (retained); ${signed(o.allocatedKBPerRequest)} KB allocated and ${signed(o.survivedKBPerRequest)} KB surviving a scavenge per request`,
  );
}

mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(
  OUT,
  `${JSON.stringify(
    {
      benchmark: "server-overhead",
      date: new Date().toISOString(),
      node: process.version,
      rounds: ROUNDS,
      serverNodeOptions: NODE_OPTIONS,
      runs: rounds,
      load: { ratePerSecond: RATE, measuredRequests: COUNT, warmupRequests: WARMUP, webSocketSubscribers: SUBSCRIBERS, mix: "30% list rooms, 25% emotes, 25% post message (1 in 50 with a link), 10% user, 5% health, 5% unknown room (404)" },
      targets: { meanLatencyOverheadMs: 5, rssOverheadMB: 10 },
      modes: results,
      overhead,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${OUT}`);
