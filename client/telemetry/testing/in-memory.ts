// In-memory SDK parts for unit tests: spans the journaling processor would keep land in an
// InMemorySpanExporter; metrics are read through an InMemoryMetricExporter.
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ensureContextManager } from "../context-setup.ts";
import { CriticalAwareSampler, shouldExport } from "../sampler.ts";
import { UNTHROTTLED } from "./test-config.ts";

/** Exports what JournalingSpanProcessor would journal (same shouldExport decision). */
class KeepingProcessor implements SpanProcessor {
  readonly #exporter: InMemorySpanExporter;
  readonly #slowMs: number;
  constructor(exporter: InMemorySpanExporter, slowMs: number) {
    this.#exporter = exporter;
    this.#slowMs = slowMs;
  }
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    if (shouldExport(span, this.#slowMs)) this.#exporter.export([span], () => undefined);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function inMemoryTracing(opts: { ratio: number; tracesPerMinute?: number; now?: () => number; enabled?: () => boolean; slowMs?: number; forced?: string[] }) {
  ensureContextManager();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: new CriticalAwareSampler({ ratio: opts.ratio, sampledTracesPerMinute: opts.tracesPerMinute ?? UNTHROTTLED, now: opts.now, forceSampledSpans: opts.forced ?? ["main_startup_boot"], isEnabled: opts.enabled ?? (() => true) }),
    spanProcessors: [new KeepingProcessor(exporter, opts.slowMs ?? 1000)],
  });
  return { exporter, provider, tracer: provider.getTracer("test"), root: ROOT_CONTEXT };
}

export function inMemoryMetrics() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  /** Collects now and returns every point as { name, value, attributes } (histograms: count). */
  const points = async () => {
    exporter.reset();
    await reader.forceFlush();
    return exporter.getMetrics().flatMap((rm) =>
      rm.scopeMetrics.flatMap((sm) =>
        sm.metrics.flatMap((m) =>
          m.dataPoints.map((p) => ({
            name: m.descriptor.name,
            value: typeof p.value === "number" ? p.value : (p.value as { count: number }).count,
            attributes: p.attributes,
          })),
        ),
      ),
    );
  };
  return { exporter, provider, meter: provider.getMeter("test"), points };
}
