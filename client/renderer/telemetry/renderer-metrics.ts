// Renderer metric events, buffered and sent to main in batches over
// `telemetry:record-metrics`. Metric keys are the catalog's (CLIENT_METRICS), restricted
// to those the renderer emits. Counters and up-down counters are summed per label set
// before sending, histograms send every observation: at 1,000 received messages a second
// that is one event per label set, not a thousand. (No client metric is a gauge: the fleet
// gateway drops them, and the catalog refuses them.)
import { CLIENT_METRICS } from "../../../catalog/metrics/client.ts";
import type { RendererMetricEvent } from "../../telemetry/types.ts";

type ClientMetrics = typeof CLIENT_METRICS;
export type RendererMetricKey = {
  [K in keyof ClientMetrics]: "client-renderer" extends ClientMetrics[K]["emittedBy"][number] ? K : never;
}[keyof ClientMetrics];

/** Most events per IPC call (main's schema allows 1,024). */
const MAX_EVENTS_PER_CALL = 512;
/** Buffer bound; histogram observations past it are dropped and counted. */
const MAX_BUFFERED = 4096;

export class RendererMetrics {
  readonly #send: (events: RendererMetricEvent[]) => Promise<unknown>;
  readonly #enabled: () => boolean;
  readonly #sums = new Map<string, RendererMetricEvent>();
  #observations: RendererMetricEvent[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  dropped = 0;

  constructor(send: (events: RendererMetricEvent[]) => Promise<unknown>, enabled: () => boolean, intervalMs = 5_000) {
    this.#send = send;
    this.#enabled = enabled;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
  }

  record(metric: RendererMetricKey, value: number, labels: Record<string, string> = {}): void {
    if (!this.#enabled()) return;
    const decl = CLIENT_METRICS[metric];
    const key = `${metric}|${JSON.stringify(labels)}`;
    if (decl.instrument === "counter" || decl.instrument === "updowncounter") {
      const prev = this.#sums.get(key);
      if (prev) prev.value += value;
      else this.#sums.set(key, { metric, value, labels });
    } else if (this.#observations.length < MAX_BUFFERED) {
      this.#observations.push({ metric, value, labels });
    } else {
      this.dropped++;
    }
  }

  async flush(): Promise<void> {
    // A sum that netted to 0 is nothing to send; a histogram's 0 is a value observed.
    const events = [...[...this.#sums.values()].filter((e) => e.value !== 0), ...this.#observations];
    this.clear();
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_CALL) {
      try {
        await this.#send(events.slice(i, i + MAX_EVENTS_PER_CALL));
      } catch {
        this.dropped += Math.min(MAX_EVENTS_PER_CALL, events.length - i);
      }
    }
  }

  clear(): void {
    this.#sums.clear();
    this.#observations = [];
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
