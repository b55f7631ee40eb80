// What the client's telemetry costs end to end under a chat flood (seed 000: telemetry on vs
// off must cost < 3 % CPU and < 10 MB RSS). bench/client-telemetry-overhead.ts measures the
// telemetry layer alone, in one process, with a synthetic receive loop; this one runs the
// real client as the harness does (client/harness/harness.ts): the main-process code in a
// Node CHILD process (so its CPU and RSS are its own, not this process's) and the renderer
// bundle in Debian's Chromium, signed in through the UI and joined to every chatroom of the
// real chat server (server/app.ts, in this process, its own telemetry off). This process then
// floods the joined rooms at a fixed open-loop rate (BENCH_RATE messages/s, round-robin over
// the rooms, one in four with an emote): each message takes the path of
// `POST /api/chatrooms/:id/messages` after validation (ChatState.addMessage, then
// hub.publish to the WebSocket subscribers), so the renderer parses it, adds it to its
// Zustand store and React renders it (the active room's list only; the others update the
// sidebar). Telemetry "on" exports with the shipped defaults (10 s flush, gzip) to a real
// test collector (testkit/collector.ts); "off" is the settings switch off, as a user leaves
// it by default. One fresh client per phase, the modes interleaved over BENCH_ROUNDS rounds
// in alternating order, figures are medians over rounds.
//
// Per phase, over a BENCH_PHASE_MS window after a warm-up of flood (the window is a multiple
// of main's 10 s flush interval, so every window holds the same number of exports):
//   CPU  /proc/<pid>/stat utime+stime of main (the whole Node process: main code, GC and
//        compiler threads, and playwright's CDP server that stands in for Electron's IPC),
//        of the chat window's renderer process, and of Chromium's other processes (browser,
//        network service: the WebSockets, GPU, idle spare renderers), as % of one core;
//   RSS  VmRSS of main and of the chat window's renderer (median of the window's second
//        half); main's also before the flood, split into anonymous memory and V8 heap, and
//        after a full GC (what is held, not garbage); private memory (USS) of all Chromium
//        processes together;
//   proof of the flood: messages the renderer's store received (counted by a store
//        subscriber) and message rows React added to the DOM, against what was published;
//   export: bytes on the wire to the collector per second, OTLP requests, items exported
//        and dropped (main's telemetry status), spans the collector stored.
//   allocation: bytes main allocated and bytes that survived a scavenge, per stored message
//        (bench/lib-heap-probe.ts, preloaded into main in both modes): V8 grows its young
//        generation with what survives scavenges and keeps it resident, so these say where
//        main's RSS on − off comes from. BENCH_HEAP_SAMPLING=1 also writes, per phase, V8's
//        sampling allocation profile over the window (garbage included) to
//        results/heap-flood-<on|off>-<round>.heapprofile (Chrome DevTools' format).
//        Those profiles show that most of what main allocates with telemetry on is the
//        harness's stand-in for Electron's IPC, not telemetry: playwright serialises each
//        binding call's arguments into a tree of typed nodes and validates it twice (~20 of
//        the ~25 KB more per message, from about one telemetry IPC call a second of ~10 KB);
//        Electron's structured clone costs about the payload's size.
// Not a test: nothing here passes or fails on a threshold. Loopback only; every process it
// starts (client child, Chromium through it, collector) is stopped in finally blocks.
// Prints a table (off | on | delta) and writes results/bench-client-flood.json.
// Run: node_modules/.bin/node --expose-gc bench/client-flood-overhead.ts
//      (BENCH_ROUNDS=3, BENCH_PHASE_MS=20000, BENCH_WARMUP_MS=4000, BENCH_RATE=200)
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { EVENTS } from "../protocol/index.ts";
import type { ChatMessage } from "../protocol/index.ts";
import type { TelemetryStatus } from "../client/telemetry/index.ts";
import { readProcStat, readProcStatusBytes } from "../testkit/proc.ts";
import type { HeapSample } from "./lib-heap-probe.ts";
import { MB, median, round } from "./lib-stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 20_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 4_000);
/**
 * Messages per second over all joined rooms. At 200/s the chat window's renderer takes about
 * one core (React, layout, software raster: no GPU here) and main a few %, which the 2-core
 * machine sustains beside this process and the collector: every message arrives, in every
 * run. Every received message is a `zustand:add-message` span while telemetry is on, so main's
 * 1 MB journal already overflows between 10 s flushes at this rate: the drops are reported.
 */
const RATE = Number(process.env.BENCH_RATE ?? 200);
/** Time after the flood stops for in-flight messages to land before the totals are read. */
const DRAIN_MS = 1_500;
/** Settling time once the client has joined (emote sets, first renders, lazy compilation). */
const SETTLE_MS = 2_000;
const SAMPLE_MS = 1_000;
const FLOOD_TICK_MS = 10;
const CHILD_READY_TIMEOUT_MS = 120_000;
const CHILD_EXIT_TIMEOUT_MS = 20_000;
const EMOTES = ["KEKW", "PogU", "catJAM", "monkaS"] as const;
/** Preloaded into main in both modes alike (a few KB of code, a GC observer, a sample every 250 ms). */
const PROBE = pathToFileURL(join(import.meta.dirname, "lib-heap-probe.ts")).href;
/** BENCH_HEAP_SAMPLING=1: a sampling allocation profile of main over each window. */
const HEAP_SAMPLING = process.env.BENCH_HEAP_SAMPLING === "1";

// ---------------------------------------------------------------------------------------
// Messages between this process and the client child.

interface ChildConfig {
  readonly chatServerUrl: string;
  readonly endpoint: string;
  readonly enabled: boolean;
  /** Where the child writes its allocation profile (BENCH_HEAP_SAMPLING=1). */
  readonly heapProfileFile?: string;
}

/** What the renderer counted (window.__benchCounts) and main's telemetry status. */
interface ClientCounts {
  /** Flood messages that reached the renderer's store, all rooms. */
  readonly stored: number;
  /** Message rows React added to the active room's list. */
  readonly rendered: number;
  readonly activeRoom: string;
  /** Renderer spans / metric events its buffers dropped. */
  readonly rendererDroppedSpans: number;
  readonly rendererDroppedMetrics: number;
  readonly pageErrors: number;
  /** A few distinct page console errors, to tell expected ones (emote CDN unreachable) from bugs. */
  readonly pageErrorSamples: readonly string[];
  readonly status: TelemetryStatus;
  /** process.memoryUsage() of main. */
  readonly mainMemory: NodeJS.MemoryUsage;
}

/** V8's own view of main's memory after a full GC: where the RSS goes. */
interface V8Memory {
  /** Resident pages of the V8 heap (all spaces). */
  readonly totalPhysicalBytes: number;
  /** V8's malloc'ed memory (compiler zones etc.) now and at its peak. */
  readonly mallocedBytes: number;
  readonly peakMallocedBytes: number;
  /** Resident bytes per heap space (new_space, old_space, code_space, large_object_space, ...). */
  readonly spaces: Readonly<Record<string, number>>;
}

type ToChild =
  | { readonly type: "counts" }
  | { readonly type: "gc" }
  | { readonly type: "profile"; readonly action: "start" | "stop" }
  | { readonly type: "stop" };
type FromChild =
  | { readonly type: "ready"; readonly rooms: readonly string[] }
  | { readonly type: "profile" }
  | { readonly type: "counts"; readonly counts: ClientCounts }
  | { readonly type: "gc"; readonly memory: NodeJS.MemoryUsage; readonly v8: V8Memory }
  | { readonly type: "error"; readonly message: string }
  | { readonly type: "closed" };

// ---------------------------------------------------------------------------------------
// The client child: main in this Node process, the renderer in Chromium (the harness).

async function runClientChild(): Promise<void> {
  const { launchClientHarness } = await import("../client/harness/harness.ts");
  const config = JSON.parse(process.env.BENCH_CLIENT_CONFIG ?? "{}") as ChildConfig;
  const send = (m: FromChild) => new Promise<void>((resolve) => (process.send ? process.send(m, () => resolve()) : resolve()));
  let pageErrors = 0;
  const pageErrorSamples = new Set<string>();
  const harness = await launchClientHarness({
    chatServerUrl: config.chatServerUrl,
    // The shipped defaults (10 % sampling of main's own traces, 10 s flush, gzip), exporting
    // to the bench's collector; only the switch differs between the modes.
    telemetryOverrides: { enabled: config.enabled, endpoint: config.endpoint },
    onPageError: (message) => {
      pageErrors++;
      if (pageErrorSamples.size < 5) pageErrorSamples.add(message.replace(/\d+/g, "N").slice(0, 240));
    },
  });
  let closing: Promise<void> | undefined;
  let profiler: import("node:inspector/promises").Session | undefined;
  const close = () => (closing ??= harness.close().catch((err: unknown) => console.error(`client child: close failed: ${(err as Error).message}`)));
  // The parent went away (crashed, killed): do not leave Chromium behind.
  process.on("disconnect", () => void close().then(() => process.exit(1)));
  try {
    const page = await harness.mainPage();
    await page.getByTestId("username").fill("flood_viewer");
    const { SESSION_PASSWORD } = await import("../client/harness/session.ts");
    await page.getByTestId("password").fill(SESSION_PASSWORD);
    await page.getByTestId("sign-in").click();
    await page.locator(".room-join").first().waitFor({ timeout: 30_000 });
    const rooms = await page.evaluate(() => window.__kicktalk?.client?.available.map((c) => ({ id: c.id, slug: c.slug })) ?? []);
    for (const room of rooms) {
      await page.getByTestId(`join-${room.slug}`).click();
      await page.locator(`[data-testid="room-${room.slug}"] .dot-open`).waitFor({ timeout: 30_000 });
    }
    // Counters: a store subscriber counts flood messages reaching any room; a MutationObserver
    // counts message rows React adds to the active room's list. Same cost in both modes.
    await page.evaluate(() => {
      const client = window.__kicktalk?.client;
      const list = document.querySelector('[data-testid="message-list"]');
      if (!client || !list) throw new Error("bench: no chat client or message list in the page");
      const counts = { stored: 0, rendered: 0, activeRoom: client.store.getState().activeId ?? "" };
      const last = new Map<string, string>();
      client.store.subscribe((state, prev) => {
        for (const id of state.order) {
          const msgs = state.rooms[id]?.messages;
          if (!msgs || msgs.length === 0 || msgs === prev.rooms[id]?.messages) continue;
          const seen = last.get(id);
          let from = 0;
          if (seen !== undefined) from = msgs.findLastIndex((m) => m.id === seen) + 1;
          for (let i = from; i < msgs.length; i++) if (msgs[i]?.content.startsWith("flood ")) counts.stored++;
          last.set(id, msgs[msgs.length - 1]?.id ?? "");
        }
      });
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n instanceof HTMLElement && n.classList.contains("message")) counts.rendered++;
      }).observe(list, { childList: true });
      (window as unknown as { __benchCounts: typeof counts }).__benchCounts = counts;
    });
    process.on("message", (m: ToChild) => {
      void (async () => {
        try {
          if (m.type === "counts") {
            const page = await harness.mainPage();
            const inPage = await page.evaluate(() => {
              const c = (window as unknown as { __benchCounts: { stored: number; rendered: number; activeRoom: string } }).__benchCounts;
              const t = window.__kicktalk?.telemetry;
              return { ...c, rendererDroppedSpans: t?.spans.dropped ?? 0, rendererDroppedMetrics: t?.metrics.dropped ?? 0 };
            });
            await send({ type: "counts", counts: { ...inPage, pageErrors, pageErrorSamples: [...pageErrorSamples], status: harness.app.telemetry.status(), mainMemory: process.memoryUsage() } });
          } else if (m.type === "gc") {
            // After the window: how much of main's memory is garbage, how much is held.
            const gc = (globalThis as { gc?: () => void }).gc;
            gc?.();
            const v8 = await import("node:v8");
            const h = v8.getHeapStatistics();
            const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((sp) => [sp.space_name, sp.physical_space_size]));
            await send({
              type: "gc",
              memory: process.memoryUsage(),
              v8: { totalPhysicalBytes: h.total_physical_size, mallocedBytes: h.malloced_memory, peakMallocedBytes: h.peak_malloced_memory, spaces },
            });
          } else if (m.type === "profile") {
            // Every allocation sampled, garbage included: what main allocates, not only what it keeps.
            const { Session } = await import("node:inspector/promises");
            profiler ??= new Session();
            if (m.action === "start") {
              profiler.connect();
              await profiler.post("HeapProfiler.startSampling", { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
            } else {
              const { profile } = await profiler.post("HeapProfiler.getSamplingProfile");
              await profiler.post("HeapProfiler.stopSampling");
              profiler.disconnect();
              if (config.heapProfileFile) writeFileSync(config.heapProfileFile, JSON.stringify(profile));
            }
            await send({ type: "profile" });
          } else if (m.type === "stop") {
            await close();
            await send({ type: "closed" });
            process.exit(0);
          }
        } catch (err) {
          await send({ type: "error", message: (err as Error).stack ?? String(err) });
        }
      })();
    });
    await send({ type: "ready", rooms: rooms.map((r) => r.id) });
  } catch (err) {
    await send({ type: "error", message: (err as Error).stack ?? String(err) });
    await close();
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------
// /proc readings.

type ProcKind = "main" | "renderer" | "chromium-other";

interface ProcReading {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/**
 * Private memory (USS: Private_Clean + Private_Dirty) of a process. Not PSS: PSS splits the
 * Chromium binary's shared pages among every process mapping it, including other Chromium
 * instances on the machine (tests running beside the bench), which made it swing by 100 MB.
 */
function readUss(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0);
    return (kb("Private_Clean") + kb("Private_Dirty")) * 1024;
  } catch {
    return 0;
  }
}

/** Every live descendant of `root` (Chromium's browser, zygotes, renderers, utilities). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readProcStat(Number(name));
    if (!s) continue;
    const list = children.get(s.ppid);
    if (list) list.push(Number(name));
    else children.set(s.ppid, [Number(name)]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Chromium's --type= switch (none: the browser process). Zygote children rewrite their
 * command line with setproctitle as one space-separated string, so split on both. */
function chromiumType(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split(/[\0 ]/);
    return args.find((a) => a.startsWith("--type="))?.slice("--type=".length) ?? "browser";
  } catch {
    return "gone";
  }
}

/** The client's processes: main (the child) and what Chromium runs under it, by kind. */
class ClientProcesses {
  readonly mainPid: number;
  /** Every Chromium pid ever seen, with its kind (for the readings and for cleanup). */
  readonly chromium = new Map<number, ProcKind>();
  /** Chromium's --type of every pid seen (browser, zygote, renderer, gpu-process, utility, ...). */
  readonly types = new Map<number, string>();
  /** Last CPU reading of every process, so one that exits mid-window still counts. */
  readonly #lastCpu = new Map<number, number>();

  constructor(mainPid: number) {
    this.mainPid = mainPid;
  }

  /** The renderer process of the chat window (Chromium also keeps idle spare renderers). */
  pageRenderer: number | undefined;

  rescan(): void {
    for (const pid of descendants(this.mainPid)) {
      if (this.chromium.has(pid)) continue;
      this.types.set(pid, chromiumType(pid));
      this.chromium.set(pid, "chromium-other");
    }
  }

  /** The page's renderer is the one that has done by far the most work by the end of the warm-up. */
  identifyPageRenderer(): void {
    this.cpu();
    let best = -1;
    for (const [pid, type] of this.types) {
      const cpu = this.#lastCpu.get(pid) ?? 0;
      if (type === "renderer" && cpu > best) {
        best = cpu;
        this.pageRenderer = pid;
      }
    }
    for (const pid of this.chromium.keys()) this.chromium.set(pid, pid === this.pageRenderer ? "renderer" : "chromium-other");
  }

  /** CPU seconds so far per kind (processes that exited keep their last reading). */
  cpu(): Record<ProcKind, number> {
    this.rescan();
    const out: Record<ProcKind, number> = { main: 0, renderer: 0, "chromium-other": 0 };
    for (const [pid, kind] of [[this.mainPid, "main"] as const, ...this.chromium]) {
      const s = readProcStat(pid);
      if (s) this.#lastCpu.set(pid, s.cpuSeconds);
      out[kind] += this.#lastCpu.get(pid) ?? 0;
    }
    return out;
  }

  memory(): { mainRss: number; mainRssAnon: number; rendererRss: number; chromiumUss: number } {
    let chromiumUss = 0;
    for (const pid of this.chromium.keys()) chromiumUss += readUss(pid);
    const rendererRss = this.pageRenderer === undefined ? 0 : readProcStatusBytes(this.pageRenderer, "VmRSS");
    return { mainRss: readProcStatusBytes(this.mainPid, "VmRSS"), mainRssAnon: readProcStatusBytes(this.mainPid, "RssAnon"), rendererRss, chromiumUss };
  }

  alive(): number[] {
    return [...this.chromium.keys()].filter((pid) => {
      const s = readProcStat(pid);
      return s !== undefined && !s.zombie;
    });
  }

  /** SIGKILL for any Chromium process still alive after the client child is gone (after a grace period). */
  async killLeftovers(graceMs = 3_000): Promise<number> {
    const until = performance.now() + graceMs;
    while (this.alive().length > 0 && performance.now() < until) await sleep(100);
    let killed = 0;
    for (const pid of this.alive()) {
      try {
        process.kill(pid, "SIGKILL");
        killed++;
      } catch {
        // already gone
      }
    }
    return killed;
  }
}

// ---------------------------------------------------------------------------------------
// The bench.

interface PhaseResult {
  readonly enabled: boolean;
  readonly windowMs: number;
  readonly published: number;
  readonly publishedPerSecond: number;
  /** Subscribers the server reached per published message (1: the client is joined). */
  readonly reachedPerMessage: number;
  readonly storedPerSecond: number;
  readonly renderedPerSecond: number;
  /** Whole phase (warm-up, window, drain): flood messages the store got / published. */
  readonly deliveredRatio: number;
  readonly publishedTotal: number;
  readonly storedTotal: number;
  readonly renderedTotal: number;
  readonly cpuPercentOfCore: Readonly<Record<ProcKind | "client", number>>;
  readonly memoryMB: {
    readonly mainRss: number;
    /** Anonymous memory (heaps, malloc) of main's RSS; the rest is file-backed (the node binary's code). */
    readonly mainRssAnon: number;
    readonly rendererRss: number;
    readonly chromiumUss: number;
    readonly clientTotal: number;
  };
  /** main's RSS once the client has joined, before the flood. */
  readonly mainRssBeforeFloodMB: number;
  /** main after the window and a full GC: what it holds rather than what is garbage not yet collected. */
  readonly mainAfterGcMB: {
    readonly rss: number;
    readonly heapUsed: number;
    readonly heapTotal: number;
    readonly v8Physical: number;
    readonly v8Malloced: number;
    readonly v8PeakMalloced: number;
    readonly v8Spaces: Readonly<Record<string, number>>;
  };
  readonly memoryEndMB: { readonly mainRss: number; readonly rendererRss: number; readonly chromiumUss: number };
  /** main's V8 heap and off-heap memory at the end of the window (process.memoryUsage()). */
  readonly mainHeapMB: { readonly heapUsed: number; readonly heapTotal: number; readonly external: number; readonly arrayBuffers: number };
  readonly otlpRequests: number;
  readonly exportedBytesPerSecond: number;
  readonly exportedItemsPerSecond: number;
  readonly droppedItems: number;
  readonly droppedByReason: Readonly<Record<string, number>>;
  readonly rendererDroppedSpans: number;
  readonly journalQueuedItemsAtEnd: number;
  /** Whole phase: bytes on the wire (incl. the shutdown flush) and spans the collector stored. */
  readonly exportedBytesTotal: number;
  readonly collectorSpansTotal: number;
  readonly pageErrors: number;
  readonly pageErrorSamples: readonly string[];
  /** Chromium processes seen, by --type. */
  readonly chromiumProcesses: Readonly<Record<string, number>>;
  /** main's allocation over the window (lib-heap-probe.ts), per message the renderer stored. */
  readonly mainAllocation: {
    readonly allocatedKBPerMessage: number;
    readonly survivedKBPerMessage: number;
    readonly scavenges: number;
    readonly markCompacts: number;
    /** V8 new space, resident and committed, median of the window's second half. */
    readonly newSpaceMB: number;
    readonly newSpaceCommittedMB: number;
    readonly oldSpaceMB: number;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readProbe(file: string): HeapSample[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as HeapSample);
}

/** main's allocation between two Date.now() marks, from the probe's cumulative GC counters. */
function allocationOf(samples: readonly HeapSample[], from: number, to: number, messages: number): PhaseResult["mainAllocation"] {
  const during = samples.filter((s) => s.tag === "sample" && s.at >= from && s.at <= to);
  const first = [...samples].reverse().find((s) => s.tag === "sample" && s.at <= from) ?? during[0];
  const last = during.at(-1);
  if (first === undefined || last === undefined) throw new Error(`heap probe: ${during.length} samples in the window; was lib-heap-probe.ts preloaded?`);
  const steady = during.slice(Math.floor(during.length / 2));
  const space = (s: HeapSample, name: string) => s.spaces[name] ?? { size: 0, physical: 0, used: 0 };
  const mb = (f: (s: HeapSample) => number) => round(median(steady.map(f)) / MB, 1);
  const n = Math.max(1, messages);
  return {
    allocatedKBPerMessage: round((last.gc.allocatedBytes - first.gc.allocatedBytes) / 1024 / n, 2),
    survivedKBPerMessage: round((last.gc.survivedBytes - first.gc.survivedBytes) / 1024 / n, 3),
    scavenges: last.gc.scavenges - first.gc.scavenges,
    markCompacts: last.gc.markCompacts - first.gc.markCompacts,
    newSpaceMB: mb((s) => space(s, "new_space").physical),
    newSpaceCommittedMB: mb((s) => space(s, "new_space").size),
    oldSpaceMB: mb((s) => space(s, "old_space").physical),
  };
}

const droppedSum = (s: TelemetryStatus) => Object.values(s.droppedItems).reduce<number>((a, b) => a + (b ?? 0), 0);

/** A client child: started, asked for counts, stopped. */
class ClientChild {
  readonly child: ChildProcess;
  readonly procs: ClientProcesses;
  #output = "";
  readonly #waiters: { type: FromChild["type"]; resolve: (m: FromChild) => void }[] = [];
  readonly #exited: Promise<number | null>;
  #failure: string | undefined;

  constructor(config: ChildConfig, probeFile: string) {
    this.child = fork(fileURLToPath(import.meta.url), ["--client"], {
      execArgv: [...process.execArgv, `--import=${PROBE}`],
      env: { ...process.env, BENCH_CLIENT_CONFIG: JSON.stringify(config), BENCH_HEAP_PROBE_FILE: probeFile },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const keep = (b: Buffer) => (this.#output = (this.#output + b.toString()).slice(-8_000));
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.child.on("message", (m: FromChild) => {
      if (m.type === "error") this.#failure = m.message;
      const i = this.#waiters.findIndex((w) => w.type === m.type || m.type === "error");
      if (i >= 0) this.#waiters.splice(i, 1)[0]?.resolve(m);
    });
    this.#exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    void this.#exited.then((code) => {
      for (const w of this.#waiters.splice(0)) w.resolve({ type: "error", message: `client child exited with ${code}` });
    });
    this.procs = new ClientProcesses(this.child.pid as number);
  }

  async #request<T extends FromChild["type"]>(type: T, send: ToChild | undefined, timeoutMs: number): Promise<Extract<FromChild, { type: T }>> {
    const reply = new Promise<FromChild>((resolve) => this.#waiters.push({ type, resolve }));
    if (send) this.child.send(send);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<FromChild>((resolve) => {
      timer = setTimeout(() => resolve({ type: "error", message: `no "${type}" from the client child within ${timeoutMs} ms` }), timeoutMs);
    });
    const m = await Promise.race([reply, timeout]);
    clearTimeout(timer);
    if (m.type === "error") throw new Error(`client child: ${m.message}\n--- child output ---\n${this.#output}`);
    return m as Extract<FromChild, { type: T }>;
  }

  ready(): Promise<Extract<FromChild, { type: "ready" }>> {
    return this.#request("ready", undefined, CHILD_READY_TIMEOUT_MS);
  }

  async counts(): Promise<ClientCounts> {
    return (await this.#request("counts", { type: "counts" }, 30_000)).counts;
  }

  /** Starts or stops (and writes) the child's allocation profile. */
  async profile(action: "start" | "stop"): Promise<void> {
    await this.#request("profile", { type: "profile", action }, 30_000);
  }

  /** A full GC in main (the child runs with --expose-gc), then its memoryUsage(). */
  async gc(): Promise<{ memory: NodeJS.MemoryUsage; v8: V8Memory }> {
    const { memory, v8 } = await this.#request("gc", { type: "gc" }, 30_000);
    return { memory, v8 };
  }

  #stopping: Promise<void> | undefined;

  /** Asks the child to close the harness (flushing telemetry), waits for its exit, then makes sure. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.connected) {
      await this.#request("closed", { type: "stop" }, CHILD_EXIT_TIMEOUT_MS).catch((err: unknown) => console.error((err as Error).message));
    }
    const exited = await Promise.race([this.#exited.then(() => true), sleep(CHILD_EXIT_TIMEOUT_MS).then(() => false)]);
    if (!exited) {
      this.child.kill("SIGKILL");
      await this.#exited;
    }
    const killed = await this.procs.killLeftovers();
    if (killed > 0) console.error(`killed ${killed} Chromium process(es) the client child left behind`);
    if (this.#failure) console.error(`client child reported: ${this.#failure}`);
  }
}

async function runBench(): Promise<void> {
  const { startChatServer } = await import("../server/app.ts");
  const { startTelemetry } = await import("../server/telemetry/sdk.ts");
  const { testConfig } = await import("../server/testing/test-server.ts");
  const { startTestCollector } = await import("../testkit/collector.ts");

  const serverConfig = testConfig(); // OTEL_SDK_DISABLED: the server's own telemetry is no-op
  const server = await startChatServer(serverConfig, startTelemetry(serverConfig).telemetry);
  let collector: Awaited<ReturnType<typeof startTestCollector>> | undefined;
  const runs: { off: PhaseResult[]; on: PhaseResult[] } = { off: [], on: [] };
  // The viewer the client child signs in as; the flooders only need to exist (no password).
  const { ensureAccount } = await import("../client/harness/session.ts");
  await ensureAccount(server.url, "flood_viewer");
  const senders = Array.from({ length: 25 }, (_, i) => {
    const user = server.state.createUser(`flooder_${i}`, null);
    if (user === undefined) throw new Error(`flooder_${i} exists already`);
    return user;
  });
  let seq = 0;
  const probeDir = mkdtempSync(join(tmpdir(), "beacon-flood-heap-"));

  /** Publishes on schedule (open loop) until stopped; counts what it published and reached. */
  function startFlood(rooms: readonly string[]) {
    let published = 0;
    let reached = 0;
    const t0 = performance.now();
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) * RATE) / 1000);
      while (published < due) {
        const n = seq++;
        const chatroomId = rooms[n % rooms.length] as string;
        const sender = senders[n % senders.length] as { id: string; username: string };
        const emote = n % 4 === 0 ? ` ${EMOTES[(n / 4) % EMOTES.length]} ` : " ";
        const message: ChatMessage = server.state.addMessage({
          chatroomId,
          sender: { id: sender.id, username: sender.username },
          content: `flood ${n}${emote}that play was something else, chat`,
          type: "regular",
          links: [],
        });
        reached += server.hub.publish(chatroomId, EVENTS.chatMessage, message);
        published++;
      }
    }, FLOOD_TICK_MS);
    return {
      counts: () => ({ published, reached }),
      stop: () => clearInterval(timer),
    };
  }

  async function phase(enabled: boolean, roundNo: number): Promise<PhaseResult> {
    const col = collector;
    if (!col) throw new Error("bench: the collector is not running");
    await col.reset();
    const tag = `${enabled ? "on" : "off"}-${roundNo}`;
    const probeFile = join(probeDir, `${tag}.jsonl`);
    const heapProfileFile = HEAP_SAMPLING ? join(process.cwd(), "results", `heap-flood-${tag}.heapprofile`) : undefined;
    if (heapProfileFile) mkdirSync("results", { recursive: true });
    const client = new ClientChild({ chatServerUrl: server.url, endpoint: col.otlpHttpEndpoint, enabled, ...(heapProfileFile ? { heapProfileFile } : {}) }, probeFile);
    let flood: ReturnType<typeof startFlood> | undefined;
    try {
      const { rooms } = await client.ready();
      await sleep(SETTLE_MS);
      const procs = client.procs;
      procs.rescan();
      const beforeFlood = procs.memory();
      flood = startFlood(rooms);
      await sleep(WARMUP_MS);
      procs.identifyPageRenderer();

      const bytesOf = async () => (await col.requests()).reduce((a, r) => a + r.bytes, 0);
      const requestsOf = async () => (await col.requests()).length;
      const c0 = await client.counts();
      const b0 = await bytesOf();
      const r0 = await requestsOf();
      const f0 = flood.counts();
      if (HEAP_SAMPLING) await client.profile("start");
      const cpu0 = procs.cpu();
      const t0 = performance.now();
      const windowFrom = Date.now();
      const samples: { t: number; mem: ReturnType<ClientProcesses["memory"]> }[] = [];
      const sampler = setInterval(() => {
        procs.cpu(); // keeps last readings of processes that may exit
        samples.push({ t: performance.now() - t0, mem: procs.memory() });
      }, SAMPLE_MS);
      await sleep(PHASE_MS);
      const cpu1 = procs.cpu();
      const windowMs = performance.now() - t0;
      const windowTo = Date.now();
      clearInterval(sampler);
      const f1 = flood.counts();
      const b1 = await bytesOf();
      const r1 = await requestsOf();
      const c1 = await client.counts();
      if (HEAP_SAMPLING) await client.profile("stop");
      const memEnd = procs.memory();
      flood.stop();
      await sleep(DRAIN_MS);
      const c2 = await client.counts();
      const f2 = flood.counts();
      const afterGc = await client.gc();
      const mainRssAfterGc = procs.memory().mainRss;
      await client.stop();
      const exportedBytesTotal = await bytesOf();
      const collectorSpansTotal = enabled ? (await col.spans()).length : 0;

      const secs = windowMs / 1000;
      const pct = (k: ProcKind) => ((cpu1[k] - cpu0[k]) / secs) * 100;
      const steady = samples.filter((s) => s.t >= windowMs / 2).map((s) => s.mem);
      const med = (f: (m: ReturnType<ClientProcesses["memory"]>) => number) => median(steady.map(f)) / MB;
      const dropped0 = droppedSum(c0.status);
      const byReason: Record<string, number> = {};
      for (const [k, v] of Object.entries(c1.status.droppedItems)) byReason[k] = (v ?? 0) - (c0.status.droppedItems[k as keyof TelemetryStatus["droppedItems"]] ?? 0);
      return {
        enabled,
        windowMs: Math.round(windowMs),
        published: f1.published - f0.published,
        publishedPerSecond: round((f1.published - f0.published) / secs, 1),
        reachedPerMessage: round(f2.reached / Math.max(1, f2.published), 3),
        storedPerSecond: round((c1.stored - c0.stored) / secs, 1),
        renderedPerSecond: round((c1.rendered - c0.rendered) / secs, 1),
        deliveredRatio: round(c2.stored / Math.max(1, f2.published), 4),
        publishedTotal: f2.published,
        storedTotal: c2.stored,
        renderedTotal: c2.rendered,
        cpuPercentOfCore: {
          main: round(pct("main")),
          renderer: round(pct("renderer")),
          "chromium-other": round(pct("chromium-other")),
          client: round(pct("main") + pct("renderer") + pct("chromium-other")),
        },
        memoryMB: {
          mainRss: round(med((m) => m.mainRss), 1),
          mainRssAnon: round(med((m) => m.mainRssAnon), 1),
          rendererRss: round(med((m) => m.rendererRss), 1),
          chromiumUss: round(med((m) => m.chromiumUss), 1),
          clientTotal: round(med((m) => m.mainRss + m.chromiumUss), 1),
        },
        mainRssBeforeFloodMB: round(beforeFlood.mainRss / MB, 1),
        mainAfterGcMB: {
          rss: round(mainRssAfterGc / MB, 1),
          heapUsed: round(afterGc.memory.heapUsed / MB, 1),
          heapTotal: round(afterGc.memory.heapTotal / MB, 1),
          v8Physical: round(afterGc.v8.totalPhysicalBytes / MB, 1),
          v8Malloced: round(afterGc.v8.mallocedBytes / MB, 1),
          v8PeakMalloced: round(afterGc.v8.peakMallocedBytes / MB, 1),
          v8Spaces: Object.fromEntries(Object.entries(afterGc.v8.spaces).map(([k, v]) => [k, round(v / MB, 1)])),
        },
        mainHeapMB: {
          heapUsed: round(c1.mainMemory.heapUsed / MB, 1),
          heapTotal: round(c1.mainMemory.heapTotal / MB, 1),
          external: round(c1.mainMemory.external / MB, 1),
          arrayBuffers: round(c1.mainMemory.arrayBuffers / MB, 1),
        },
        memoryEndMB: { mainRss: round(memEnd.mainRss / MB, 1), rendererRss: round(memEnd.rendererRss / MB, 1), chromiumUss: round(memEnd.chromiumUss / MB, 1) },
        otlpRequests: r1 - r0,
        exportedBytesPerSecond: Math.round((b1 - b0) / secs),
        exportedItemsPerSecond: round((c1.status.exportedItems - c0.status.exportedItems) / secs, 1),
        droppedItems: droppedSum(c1.status) - dropped0,
        droppedByReason: byReason,
        rendererDroppedSpans: c1.rendererDroppedSpans - c0.rendererDroppedSpans,
        journalQueuedItemsAtEnd: c1.status.queuedItems,
        exportedBytesTotal,
        collectorSpansTotal,
        pageErrors: c2.pageErrors,
        pageErrorSamples: c2.pageErrorSamples,
        chromiumProcesses: [...procs.types.values()].reduce<Record<string, number>>((a, t) => ((a[t] = (a[t] ?? 0) + 1), a), {}),
        mainAllocation: allocationOf(readProbe(probeFile), windowFrom, windowTo, c1.stored - c0.stored),
      };
    } finally {
      flood?.stop();
      await client.stop();
    }
  }

  try {
    collector = await startTestCollector();
    console.log(
      `flood: ${RATE} messages/s over every chatroom, ${WARMUP_MS} ms warm-up + ${PHASE_MS} ms measured per phase, ${ROUNDS} interleaved rounds`,
    );
    for (let r = 1; r <= ROUNDS; r++) {
      for (const enabled of r % 2 === 1 ? [false, true] : [true, false]) {
        const res = await phase(enabled, r);
        (enabled ? runs.on : runs.off).push(res);
        console.log(
          `round ${r}/${ROUNDS}, telemetry ${enabled ? "on " : "off"}: client ${res.cpuPercentOfCore.client}% of a core ` +
            `(main ${res.cpuPercentOfCore.main}, renderer ${res.cpuPercentOfCore.renderer}, chromium other ${res.cpuPercentOfCore["chromium-other"]}); ` +
            `main RSS ${res.memoryMB.mainRss} MB, renderer RSS ${res.memoryMB.rendererRss} MB; ` +
            `${res.storedPerSecond} msg/s stored, delivered ${res.storedTotal}/${res.publishedTotal}; ${res.exportedBytesPerSecond} B/s exported; ` +
            `main allocated ${res.mainAllocation.allocatedKBPerMessage} KB/msg, survived ${res.mainAllocation.survivedKBPerMessage} KB/msg, new space ${res.mainAllocation.newSpaceMB} MB`,
        );
      }
    }
  } finally {
    await collector?.stop();
    await server.close();
    rmSync(probeDir, { recursive: true, force: true });
  }

  report(runs);
}

function report(runs: { off: PhaseResult[]; on: PhaseResult[] }): void {
  const m = (rs: readonly PhaseResult[], f: (r: PhaseResult) => number) => median(rs.map(f));
  type Row = { name: string; f: (r: PhaseResult) => number; digits: number; ratio?: boolean };
  const rows: Row[] = [
    { name: "published (msg/s)", f: (r) => r.publishedPerSecond, digits: 1 },
    { name: "stored by the renderer (msg/s)", f: (r) => r.storedPerSecond, digits: 1 },
    { name: "rendered rows, active room (msg/s)", f: (r) => r.renderedPerSecond, digits: 1 },
    { name: "delivered, whole phase (ratio)", f: (r) => r.deliveredRatio, digits: 4 },
    { name: "CPU main (% of a core)", f: (r) => r.cpuPercentOfCore.main, digits: 2, ratio: true },
    { name: "CPU renderer (% of a core)", f: (r) => r.cpuPercentOfCore.renderer, digits: 2, ratio: true },
    { name: "CPU Chromium other (% of a core)", f: (r) => r.cpuPercentOfCore["chromium-other"], digits: 2, ratio: true },
    { name: "CPU client total (% of a core)", f: (r) => r.cpuPercentOfCore.client, digits: 2, ratio: true },
    { name: "RSS main, before the flood (MB)", f: (r) => r.mainRssBeforeFloodMB, digits: 1 },
    { name: "RSS main, steady (MB)", f: (r) => r.memoryMB.mainRss, digits: 1 },
    { name: "  of which anonymous (MB)", f: (r) => r.memoryMB.mainRssAnon, digits: 1 },
    { name: "  V8 heap used, end (MB)", f: (r) => r.mainHeapMB.heapUsed, digits: 1 },
    { name: "  V8 heap total, end (MB)", f: (r) => r.mainHeapMB.heapTotal, digits: 1 },
    { name: "RSS main after a full GC (MB)", f: (r) => r.mainAfterGcMB.rss, digits: 1 },
    { name: "  V8 heap used after GC (MB)", f: (r) => r.mainAfterGcMB.heapUsed, digits: 1 },
    { name: "  V8 heap resident after GC (MB)", f: (r) => r.mainAfterGcMB.v8Physical, digits: 1 },
    { name: "  V8 malloc peak (MB)", f: (r) => r.mainAfterGcMB.v8PeakMalloced, digits: 1 },
    { name: "main V8 new space, steady (MB)", f: (r) => r.mainAllocation.newSpaceMB, digits: 1 },
    { name: "main V8 old space, steady (MB)", f: (r) => r.mainAllocation.oldSpaceMB, digits: 1 },
    { name: "main allocated per message (KB)", f: (r) => r.mainAllocation.allocatedKBPerMessage, digits: 2 },
    { name: "main survived a scavenge per msg (KB)", f: (r) => r.mainAllocation.survivedKBPerMessage, digits: 3 },
    { name: "main scavenges in window", f: (r) => r.mainAllocation.scavenges, digits: 0 },
    { name: "RSS renderer, steady (MB)", f: (r) => r.memoryMB.rendererRss, digits: 1 },
    { name: "USS all Chromium, steady (MB)", f: (r) => r.memoryMB.chromiumUss, digits: 1 },
    { name: "main RSS + Chromium USS (MB)", f: (r) => r.memoryMB.clientTotal, digits: 1 },
    { name: "OTLP requests in window", f: (r) => r.otlpRequests, digits: 0 },
    { name: "exported (bytes/s, on the wire)", f: (r) => r.exportedBytesPerSecond, digits: 0 },
    { name: "exported items/s", f: (r) => r.exportedItemsPerSecond, digits: 1 },
    { name: "items dropped in window", f: (r) => r.droppedItems, digits: 0 },
    { name: "renderer spans dropped in window", f: (r) => r.rendererDroppedSpans, digits: 0 },
    { name: "collector spans, whole phase", f: (r) => r.collectorSpansTotal, digits: 0 },
  ];
  const lines: string[][] = [["", "off", "on", "delta", "on/off"]];
  const medians: Record<string, { off: number; on: number; delta: number }> = {};
  for (const row of rows) {
    const off = m(runs.off, row.f);
    const on = m(runs.on, row.f);
    medians[row.name] = { off: round(off, row.digits), on: round(on, row.digits), delta: round(on - off, row.digits) };
    const sign = on - off >= 0 ? "+" : "";
    lines.push([row.name, off.toFixed(row.digits), on.toFixed(row.digits), `${sign}${(on - off).toFixed(row.digits)}`, row.ratio ? (on / off).toFixed(2) : ""]);
  }
  const widths = (lines[0] as string[]).map((_, c) => Math.max(...lines.map((l) => (l[c] ?? "").length)));
  const table = lines.map((l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ")).join("\n");

  const pairs = (f: (r: PhaseResult) => number) => runs.on.map((on, i) => round(f(on) - f(runs.off[i] as PhaseResult), 1));
  const cpuOff = m(runs.off, (r) => r.cpuPercentOfCore.client);
  const cpuOn = m(runs.on, (r) => r.cpuPercentOfCore.client);
  const memOff = m(runs.off, (r) => r.memoryMB.clientTotal);
  const memOn = m(runs.on, (r) => r.memoryMB.clientTotal);
  const mainOff = m(runs.off, (r) => r.memoryMB.mainRss);
  const mainOn = m(runs.on, (r) => r.memoryMB.mainRss);
  const figures = {
    addedCpuPointsOfCore: round(cpuOn - cpuOff),
    cpuRatio: round(cpuOn / cpuOff, 3),
    addedCpuPointsMain: round(m(runs.on, (r) => r.cpuPercentOfCore.main) - m(runs.off, (r) => r.cpuPercentOfCore.main)),
    addedCpuPointsRenderer: round(m(runs.on, (r) => r.cpuPercentOfCore.renderer) - m(runs.off, (r) => r.cpuPercentOfCore.renderer)),
    addedCpuPointsChromiumOther: round(m(runs.on, (r) => r.cpuPercentOfCore["chromium-other"]) - m(runs.off, (r) => r.cpuPercentOfCore["chromium-other"])),
    mainRssDeltaMB: round(mainOn - mainOff, 1),
    mainRssBeforeFloodDeltaMB: round(m(runs.on, (r) => r.mainRssBeforeFloodMB) - m(runs.off, (r) => r.mainRssBeforeFloodMB), 1),
    mainRssGrowthUnderFloodDeltaMB: round(
      m(runs.on, (r) => r.memoryMB.mainRss - r.mainRssBeforeFloodMB) - m(runs.off, (r) => r.memoryMB.mainRss - r.mainRssBeforeFloodMB),
      1,
    ),
    mainRssAfterGcDeltaMB: round(m(runs.on, (r) => r.mainAfterGcMB.rss) - m(runs.off, (r) => r.mainAfterGcMB.rss), 1),
    mainNewSpaceDeltaMB: round(m(runs.on, (r) => r.mainAllocation.newSpaceMB) - m(runs.off, (r) => r.mainAllocation.newSpaceMB), 1),
    mainAllocatedKBPerMessageDelta: round(m(runs.on, (r) => r.mainAllocation.allocatedKBPerMessage) - m(runs.off, (r) => r.mainAllocation.allocatedKBPerMessage), 2),
    mainSurvivedKBPerMessageDelta: round(m(runs.on, (r) => r.mainAllocation.survivedKBPerMessage) - m(runs.off, (r) => r.mainAllocation.survivedKBPerMessage), 3),
    rendererRssDeltaMB: round(m(runs.on, (r) => r.memoryMB.rendererRss) - m(runs.off, (r) => r.memoryMB.rendererRss), 1),
    clientMemoryDeltaMB: round(memOn - memOff, 1),
    exportedBytesPerSecond: m(runs.on, (r) => r.exportedBytesPerSecond),
    exportedBytesPerStoredMessage: round(m(runs.on, (r) => r.exportedBytesTotal / Math.max(1, r.storedTotal)), 1),
    /** on − off within each round (the two phases ran back to back): the spread shows the noise. */
    perRoundDelta: {
      cpuPointsClient: pairs((r) => r.cpuPercentOfCore.client),
      cpuPointsMain: pairs((r) => r.cpuPercentOfCore.main),
      cpuPointsRenderer: pairs((r) => r.cpuPercentOfCore.renderer),
      mainRssMB: pairs((r) => r.memoryMB.mainRss),
    },
    otlpRequestsWhenOff: runs.off.reduce((a, r) => a + r.otlpRequests, 0),
    /** Share of telemetry items main's journal dropped (oldest first, bounded at 1 MB) in the window. */
    droppedShare: round(m(runs.on, (r) => r.droppedItems / Math.max(1, r.droppedItems + (r.exportedItemsPerSecond * r.windowMs) / 1000)), 3),
  };
  console.log(`\nmedians over ${ROUNDS} interleaved rounds, ${RATE} msg/s flood, ${PHASE_MS / 1000} s windows\n${table}\n`);
  console.log(
    `telemetry on vs off: client CPU +${figures.addedCpuPointsOfCore} points of one core (ratio ${figures.cpuRatio}; main +${figures.addedCpuPointsMain}, ` +
      `renderer +${figures.addedCpuPointsRenderer}, Chromium other +${figures.addedCpuPointsChromiumOther}); ` +
      `RSS main ${figures.mainRssDeltaMB >= 0 ? "+" : ""}${figures.mainRssDeltaMB} MB (before the flood ${figures.mainRssBeforeFloodDeltaMB}, ` +
      `growth under it ${figures.mainRssGrowthUnderFloodDeltaMB}, after a full GC ${figures.mainRssAfterGcDeltaMB}, V8 new space ${figures.mainNewSpaceDeltaMB}; ` +
      `main allocates ${figures.mainAllocatedKBPerMessageDelta} KB more per message, ${figures.mainSurvivedKBPerMessageDelta} KB of it surviving a scavenge), renderer ${figures.rendererRssDeltaMB >= 0 ? "+" : ""}${figures.rendererRssDeltaMB} MB, ` +
      `client total ${figures.clientMemoryDeltaMB >= 0 ? "+" : ""}${figures.clientMemoryDeltaMB} MB; ` +
      `${figures.exportedBytesPerSecond} B/s exported (${figures.exportedBytesPerStoredMessage} B per message), ${round(figures.droppedShare * 100, 1)} % of items dropped by the full journal; OTLP requests when off: ${figures.otlpRequestsWhenOff}  ` +
      `(seed 000 targets: < 3 % CPU, < 10 MB RSS)`,
  );
  const list = (xs: readonly number[]) => xs.map((x) => `${x >= 0 ? "+" : ""}${x}`).join(", ");
  console.log(
    `per round (on − off, back to back): client CPU ${list(figures.perRoundDelta.cpuPointsClient)} points; main ${list(figures.perRoundDelta.cpuPointsMain)}; ` +
      `renderer ${list(figures.perRoundDelta.cpuPointsRenderer)}; main RSS ${list(figures.perRoundDelta.mainRssMB)} MB`,
  );
  mkdirSync("results", { recursive: true });
  writeFileSync(
    "results/bench-client-flood.json",
    `${JSON.stringify(
      {
        benchmark: "client-flood-overhead",
        date: new Date().toISOString(),
        node: process.version,
        load: {
          messagesPerSecond: RATE,
          phaseMs: PHASE_MS,
          warmupMs: WARMUP_MS,
          rounds: ROUNDS,
          rooms: "every seed chatroom, round-robin; one message in four carries an emote",
          telemetryOn: "shipped defaults (sampleRatio 0.1 for main's own traces, 10 s flush, gzip) exporting to a real test collector",
        },
        targets: { addedCpuPercent: 3, rssDeltaMB: 10 },
        figures,
        medians,
        runs,
      },
      null,
      2,
    )}\n`,
  );
  console.log("wrote results/bench-client-flood.json");
}

if (process.argv.includes("--client")) await runClientChild();
else await runBench();
