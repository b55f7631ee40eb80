// Main-process resource metrics (seed 000 P8): memory by kind, CPU ratio, active handles,
// uptime (observed at collection), and GC pauses from perf_hooks. Nothing is observed while
// telemetry is off, so no series exist then.
import { constants, PerformanceObserver } from "node:perf_hooks";
import type { Meter } from "@opentelemetry/api";
import { CLIENT_METRICS as METRICS } from "../../catalog/metrics/client.ts";
import type { ClientInstruments } from "./types.ts";

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};

export interface ProcessMetrics {
  stop(): void;
}

export function startProcessMetrics(meter: Meter, instruments: ClientInstruments, isEnabled: () => boolean): ProcessMetrics {
  const observable = (decl: { name: string; unit: string; description: string }) =>
    meter.createObservableGauge(decl.name, { unit: decl.unit, description: decl.description });

  const memory = observable(METRICS.mainMemoryUsage);
  memory.addCallback((r) => {
    if (!isEnabled()) return;
    const m = process.memoryUsage();
    r.observe(m.rss, { type: "rss" });
    r.observe(m.heapUsed, { type: "heap_used" });
    r.observe(m.heapTotal, { type: "heap_total" });
    r.observe(m.external, { type: "external" });
    r.observe(m.arrayBuffers, { type: "array_buffers" });
  });

  let lastCpu = process.cpuUsage();
  let lastWall = performance.now();
  const cpu = observable(METRICS.mainCpuUsage);
  cpu.addCallback((r) => {
    if (!isEnabled()) return;
    const nowCpu = process.cpuUsage();
    const nowWall = performance.now();
    const cpuMs = (nowCpu.user - lastCpu.user + nowCpu.system - lastCpu.system) / 1000;
    const wallMs = nowWall - lastWall;
    lastCpu = nowCpu;
    lastWall = nowWall;
    if (wallMs > 0) r.observe(cpuMs / wallMs);
  });

  observable(METRICS.mainActiveHandles).addCallback((r) => {
    if (isEnabled()) r.observe(process.getActiveResourcesInfo().length);
  });
  observable(METRICS.mainUptime).addCallback((r) => {
    if (isEnabled()) r.observe(process.uptime());
  });

  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[(entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1];
      if (kind) instruments.mainGcDuration.record(entry.duration / 1000, { gc_type: kind });
    }
  });
  gc.observe({ entryTypes: ["gc"] });
  return { stop: () => gc.disconnect() };
}
