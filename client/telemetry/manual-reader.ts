// A metric reader with no timer of its own: the telemetry layer collects on its flush tick
// and journals the result, so metrics follow the same write-ahead path as spans and logs.
// Delta temporality for every instrument (issue 10): the gateway adds installs' deltas up into
// fleet series without an install id, and rejects cumulative points from clients (a sum of many
// installs' running totals means nothing). Delta also sends only the series that changed.
import { AggregationTemporality, MetricReader } from "@opentelemetry/sdk-metrics";

export class ManualMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
