// Main-process resource metrics (seed 000 P8): memory by kind, CPU ratio, active handles and
// uptime, sampled once per metric collection (one observation per install per flush), with the
// held current values (open windows, queued telemetry items: instruments.ts), and GC
// pauses from perf_hooks. Histograms, not gauges: the fleet gateway adds installs up and drops
// gauges (catalog/metrics/client.ts). Nothing is recorded while telemetry is off, so no series
// exist then.
import { constants, PerformanceObserver } from "node:perf_hooks";
import { sampleCurrentValues } from "./instruments.ts";
import type { ClientInstruments } from "./types.ts";

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};

export interface ProcessMetrics {
  /** Records one observation of each process figure; the telemetry layer calls it right before each metric collection. */
  sample(): void;
  stop(): void;
}

export function startProcessMetrics(instruments: ClientInstruments, isEnabled: () => boolean): ProcessMetrics {
  let lastCpu = process.cpuUsage();
  let lastWall = performance.now();

  const sample = (): void => {
    // The CPU window restarts even while off, so the first sample after switching on does not
    // average over the time telemetry was off.
    const nowCpu = process.cpuUsage();
    const nowWall = performance.now();
    const cpuMs = (nowCpu.user - lastCpu.user + nowCpu.system - lastCpu.system) / 1000;
    const wallMs = nowWall - lastWall;
    lastCpu = nowCpu;
    lastWall = nowWall;
    if (!isEnabled()) return;

    const m = process.memoryUsage();
    instruments.mainMemoryUsage.record(m.rss, { type: "rss" });
    instruments.mainMemoryUsage.record(m.heapUsed, { type: "heap_used" });
    instruments.mainMemoryUsage.record(m.heapTotal, { type: "heap_total" });
    instruments.mainMemoryUsage.record(m.external, { type: "external" });
    instruments.mainMemoryUsage.record(m.arrayBuffers, { type: "array_buffers" });
    // Two collections within a millisecond (a flush right after another): no CPU window to report.
    if (wallMs >= 1) instruments.mainCpuUsage.record(cpuMs / wallMs);
    instruments.mainActiveHandles.record(process.getActiveResourcesInfo().length);
    instruments.mainUptime.record(process.uptime());
    // The current values that were up-down counters (open windows, the journal's queue per
    // signal), observed at the same moment: one observation per install per flush.
    sampleCurrentValues(instruments);
  };

  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[(entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1];
      if (kind) instruments.mainGcDuration.record(entry.duration / 1000, { gc_type: kind });
    }
  });
  gc.observe({ entryTypes: ["gc"] });
  return { sample, stop: () => gc.disconnect() };
}
