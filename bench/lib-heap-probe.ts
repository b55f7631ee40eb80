// Heap probe for bench/server-overhead.ts, preloaded into the chat server child with
// `NODE_OPTIONS=--import=<this file> --expose-gc` in every mode alike (telemetry off too).
// Every SAMPLE_MS it appends one JSON line (HeapSample) to $BENCH_HEAP_PROBE_FILE: RSS,
// heap used/total, external and array buffers, the size and use of each V8 heap space, and
// cumulative GC counters: scavenges, mark-compacts, bytes allocated and bytes that survived a
// scavenge (copied within the young generation or promoted to old space). Those counters tell
// V8's heap *sizing* apart from retention: V8 grows the young generation once the bytes
// surviving scavenges add up to its capacity, and only shrinks it when the allocation rate is
// low, so more allocation per request can cost tens of MB of RSS while nothing is retained.
// On SIGTERM (the bench stopping the server, after the load) it writes one line before and
// one after two full GCs: what is still reachable then is real retention.
// Not part of the server; loads no OpenTelemetry code.
import { appendFileSync } from "node:fs";
import { GCProfiler, getHeapSpaceStatistics, getHeapStatistics } from "node:v8";

export interface SpaceFigures {
  /** Bytes committed to the space (heapTotal adds these up). */
  readonly size: number;
  /** Bytes of it backed by physical memory (what counts in RSS). */
  readonly physical: number;
  /** Bytes of objects in it, live or garbage not yet collected. */
  readonly used: number;
}

export interface HeapSample {
  readonly tag: "sample" | "before-gc" | "after-gc";
  /** Date.now(): the bench aligns samples with its load window. */
  readonly at: number;
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  /** Physical bytes of the whole V8 heap (the sum over spaces). */
  readonly heapPhysical: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly spaces: Readonly<Record<string, SpaceFigures>>;
  /** Cumulative since the probe started. */
  readonly gc: { readonly scavenges: number; readonly markCompacts: number; readonly pauseMs: number; readonly allocatedBytes: number; readonly survivedBytes: number };
}

const SAMPLE_MS = 250;
const file = process.env.BENCH_HEAP_PROBE_FILE;

function spaces(): Record<string, SpaceFigures> {
  const out: Record<string, SpaceFigures> = {};
  for (const s of getHeapSpaceStatistics()) if (s.space_size > 0) out[s.space_name] = { size: s.space_size, physical: s.physical_space_size, used: s.space_used_size };
  return out;
}

if (file !== undefined) {
  const totals = { scavenges: 0, markCompacts: 0, pauseMs: 0, allocatedBytes: 0, survivedBytes: 0 };
  let profiler = new GCProfiler();
  let usedAtStart = process.memoryUsage().heapUsed;
  profiler.start();

  /** Folds the GCs since the last call into the totals. */
  const account = () => {
    const { statistics } = profiler.stop();
    const usedNow = process.memoryUsage().heapUsed;
    profiler = new GCProfiler();
    profiler.start();
    let usedAfterLast = usedAtStart;
    for (const gc of statistics) {
      // Allocation between two GCs: heap used before this one minus after the previous one.
      totals.allocatedBytes += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - usedAfterLast);
      usedAfterLast = gc.afterGC.heapStatistics.usedHeapSize;
      totals.pauseMs += gc.cost / 1000;
      const space = (when: typeof gc.afterGC, name: string) => when.heapSpaceStatistics.find((s) => s.spaceName === name)?.spaceUsedSize ?? 0;
      if (gc.gcType === "Scavenge" || gc.gcType === "MinorMarkSweep") {
        totals.scavenges++;
        const promoted = space(gc.afterGC, "old_space") - space(gc.beforeGC, "old_space") + space(gc.afterGC, "large_object_space") - space(gc.beforeGC, "large_object_space");
        totals.survivedBytes += space(gc.afterGC, "new_space") + space(gc.afterGC, "new_large_object_space") + Math.max(0, promoted);
      } else if (gc.gcType === "MarkSweepCompact") {
        totals.markCompacts++;
      }
    }
    totals.allocatedBytes += Math.max(0, usedNow - usedAfterLast);
    usedAtStart = usedNow;
  };

  const write = (tag: HeapSample["tag"]) => {
    account();
    const m = process.memoryUsage();
    const sample: HeapSample = {
      tag,
      at: Date.now(),
      rss: m.rss,
      heapTotal: m.heapTotal,
      heapUsed: m.heapUsed,
      heapPhysical: getHeapStatistics().total_physical_size,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      spaces: spaces(),
      gc: { ...totals },
    };
    appendFileSync(file, `${JSON.stringify(sample)}\n`);
  };

  setInterval(() => write("sample"), SAMPLE_MS).unref();
  // Runs before the server's own SIGTERM handler (which flushes telemetry and exits).
  process.prependListener("SIGTERM", () => {
    write("before-gc");
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc !== undefined) {
      gc();
      gc();
      write("after-gc");
    }
  });
}

// Optional: BENCH_HEAP_SAMPLING="<startMs>,<stopMs>" (after the probe loads) runs V8's sampling
// heap profiler over that window and writes what it sampled and is still in the heap at the end,
// after a scavenge, to $BENCH_HEAP_PROBE_FILE.heapprofile (Chrome DevTools format): that is, by
// allocation stack, what outlived the young generation (live, or promoted and not yet collected).
const sampling = process.env.BENCH_HEAP_SAMPLING?.split(",").map(Number);
if (file !== undefined && sampling !== undefined && sampling.length === 2) {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  setTimeout(() => void session.post("HeapProfiler.startSampling", { samplingInterval: 4096 }), sampling[0]).unref();
  setTimeout(async () => {
    (globalThis as { gc?: (o: { type: string }) => void }).gc?.({ type: "minor" });
    const { profile } = await session.post("HeapProfiler.getSamplingProfile");
    await session.post("HeapProfiler.stopSampling");
    appendFileSync(`${file}.heapprofile`, JSON.stringify(profile));
  }, sampling[1]).unref();
}
