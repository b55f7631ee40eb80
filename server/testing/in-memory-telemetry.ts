// Starts the server's real telemetry setup (providers, propagator, sampler) with
// in-memory exporters for unit tests. Metrics use delta temporality so each collect() returns
// only what was recorded since the previous one.
import { InMemoryLogRecordExporter } from "@opentelemetry/sdk-logs";
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import type { ServerConfig } from "../config.ts";
import { startTelemetry } from "../telemetry/sdk.ts";
import type { RunningTelemetry } from "../telemetry/sdk.ts";

export interface MetricPoint {
  readonly name: string;
  readonly unit: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Sums and gauges. */
  readonly value?: number;
  /** Histograms. */
  readonly count?: number;
  readonly boundaries?: readonly number[];
}

export interface InMemoryTelemetry {
  readonly running: RunningTelemetry;
  readonly spans: InMemorySpanExporter;
  readonly logs: InMemoryLogRecordExporter;
  /** Metric points recorded since the last collect() (or reset()). */
  collectMetrics(): Promise<MetricPoint[]>;
  /** Forgets every span, log record and metric point recorded so far. */
  reset(): Promise<void>;
}

export function startInMemoryTelemetry(config: ServerConfig): InMemoryTelemetry {
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const running = startTelemetry(
    { ...config, telemetry: { ...config.telemetry, enabled: true } },
    { spanExporter: spans, logExporter: logs, metricReader: reader, exportImmediately: true },
  );
  async function collectMetrics(): Promise<MetricPoint[]> {
    await reader.forceFlush();
    const out: MetricPoint[] = [];
    for (const rm of metricExporter.getMetrics()) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          for (const p of m.dataPoints) {
            const base = { name: m.descriptor.name, unit: m.descriptor.unit, attributes: p.attributes };
            if (m.dataPointType === DataPointType.HISTOGRAM) {
              const h = p.value as { count: number; buckets: { boundaries: number[] } };
              out.push({ ...base, count: h.count, boundaries: h.buckets.boundaries });
            } else {
              out.push({ ...base, value: p.value as number });
            }
          }
        }
      }
    }
    metricExporter.reset();
    return out;
  }
  return {
    running,
    spans,
    logs,
    collectMetrics,
    async reset() {
      await collectMetrics();
      spans.reset();
      logs.reset();
    },
  };
}
