// A metric reader with no timer of its own: the telemetry layer collects on its flush tick
// and journals the result, so metrics follow the same write-ahead path as spans and logs.
import { MetricReader } from "@opentelemetry/sdk-metrics";

export class ManualMetricReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
