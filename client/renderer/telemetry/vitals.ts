// Seed 000 P8: every 10 s, the renderer's JS heap (performance.memory, Chromium only) and
// the number of elements in the document.
import type { RendererMetrics } from "./renderer-metrics.ts";

interface PerformanceMemory {
  readonly usedJSHeapSize: number;
  readonly totalJSHeapSize: number;
}

export function sampleVitals(metrics: RendererMetrics): void {
  const memory = (performance as Performance & { memory?: PerformanceMemory }).memory;
  if (memory) {
    metrics.record("rendererMemoryUsage", memory.usedJSHeapSize, { type: "js_heap_used" });
    metrics.record("rendererMemoryUsage", memory.totalJSHeapSize, { type: "js_heap_total" });
  }
  metrics.record("domNodeCount", document.getElementsByTagName("*").length);
}

/** Starts the loop (first sample at once; `onTick` from the first interval on); returns a stop function. */
export function startVitalsLoop(metrics: RendererMetrics, intervalMs: number, onTick: () => void = () => undefined): () => void {
  sampleVitals(metrics);
  const timer = setInterval(() => {
    sampleVitals(metrics);
    onTick();
  }, intervalMs);
  return () => clearInterval(timer);
}
