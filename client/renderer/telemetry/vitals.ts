// Seed 000 P8: every 10 s, the renderer's JS heap (performance.memory, Chromium only) and
// the number of elements in the document: one histogram observation each per window and tick.
// The heap carries the window's age, so the fleet can tell long-open windows from recent ones.
import type { WINDOW_AGE } from "../../../catalog/labels.ts";
import type { RendererMetrics } from "./renderer-metrics.ts";

type WindowAge = (typeof WINDOW_AGE.values)[number];

/** The catalog's window age class of a document open for `ms` milliseconds. */
export function windowAge(ms: number): WindowAge {
  if (ms < 30 * 60_000) return "under_30m";
  if (ms < 2 * 3600_000) return "30m_to_2h";
  return "over_2h";
}

interface PerformanceMemory {
  readonly usedJSHeapSize: number;
  readonly totalJSHeapSize: number;
}

export function sampleVitals(metrics: RendererMetrics): void {
  const memory = (performance as Performance & { memory?: PerformanceMemory }).memory;
  if (memory) {
    // performance.now(): milliseconds since this document was created (a reload starts over, as its heap does).
    const window_age = windowAge(performance.now());
    metrics.record("rendererMemoryUsage", memory.usedJSHeapSize, { type: "js_heap_used", window_age });
    metrics.record("rendererMemoryUsage", memory.totalJSHeapSize, { type: "js_heap_total", window_age });
  }
  metrics.record("domNodeCount", document.getElementsByTagName("*").length);
}

/** The vitals loop's interval (renderer-telemetry.ts). */
export const VITALS_INTERVAL_MS = 10_000;

/** Starts the loop (first sample at once; `onTick` from the first interval on); returns a stop function. */
export function startVitalsLoop(metrics: RendererMetrics, intervalMs: number, onTick: () => void = () => undefined): () => void {
  sampleVitals(metrics);
  const timer = setInterval(() => {
    sampleVitals(metrics);
    onTick();
  }, intervalMs);
  return () => clearInterval(timer);
}
