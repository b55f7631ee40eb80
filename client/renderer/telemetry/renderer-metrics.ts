// Renderer metric events, buffered and sent to main in batches over
// `telemetry:record-metrics`. Metric keys are the catalog's (CLIENT_METRICS), restricted
// to those the renderer emits. Counters and up-down counters are summed per label set
// before sending, histograms send every observation: at 1,000 received messages a second
// that is one event per label set, not a thousand. (No client metric is a gauge or an up-down
// counter: the fleet gateway drops gauges, adds up-down steps up with no one to take back what a
// quitting install held, and the catalog refuses both.) What is open now (chat connections) is
// held here as a count and observed into its histogram at each send to main (every 5 s, and the
// window's last flush as it unloads): observeHeld().
import { CLIENT_METRICS } from "../../../catalog/metrics/client.ts";
import type { RendererMetricEvent } from "../../telemetry/types.ts";

type ClientMetrics = typeof CLIENT_METRICS;
export type RendererMetricKey = {
  [K in keyof ClientMetrics]: "client-renderer" extends ClientMetrics[K]["emittedBy"][number] ? K : never;
}[keyof ClientMetrics];

/** How often the buffer goes to main, and the held counts are observed: dashboards turn observations per second into windows reporting with it. */
export const RENDERER_METRICS_INTERVAL_MS = 5_000;

/** Most events per IPC call (main's schema allows 1,024). */
const MAX_EVENTS_PER_CALL = 512;
/** Buffer bound; histogram observations past it are dropped and counted. */
const MAX_BUFFERED = 4096;

export class RendererMetrics {
  readonly #send: (events: RendererMetricEvent[]) => Promise<unknown>;
  readonly #enabled: () => boolean;
  readonly #sums = new Map<string, RendererMetricEvent>();
  #observations: RendererMetricEvent[] = [];
  readonly #held = new Map<string, { metric: RendererMetricKey; value: number; labels: Record<string, string> }>();
  #timer: ReturnType<typeof setInterval> | undefined;
  dropped = 0;

  constructor(send: (events: RendererMetricEvent[]) => Promise<unknown>, enabled: () => boolean, intervalMs = RENDERER_METRICS_INTERVAL_MS) {
    this.#send = send;
    this.#enabled = enabled;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
  }

  record(metric: RendererMetricKey, value: number, labels: Record<string, string> = {}): void {
    if (!this.#enabled()) return;
    const decl = CLIENT_METRICS[metric];
    const key = `${metric}|${JSON.stringify(labels)}`;
    if (decl.instrument === "counter") {
      const prev = this.#sums.get(key);
      if (prev) prev.value += value;
      else this.#sums.set(key, { metric, value, labels });
    } else if (this.#observations.length < MAX_BUFFERED) {
      this.#observations.push({ metric, value, labels });
    } else {
      this.dropped++;
    }
  }

  /**
   * Changes a held count (connections open now) by `delta`, whatever the telemetry switch says:
   * it must be right when telemetry is switched on again. Nothing is sent until observeHeld().
   */
  hold(metric: RendererMetricKey, delta: number, labels: Record<string, string> = {}): void {
    const key = `${metric}|${JSON.stringify(labels)}`;
    const value = (this.#held.get(key)?.value ?? 0) + delta;
    if (value > 0) this.#held.set(key, { metric, value, labels });
    else this.#held.delete(key);
  }

  /** One histogram observation of every held count above 0 (flush() takes it before each send). */
  observeHeld(): void {
    for (const { metric, value, labels } of this.#held.values()) this.record(metric, value, labels);
  }

  async flush(): Promise<void> {
    this.observeHeld();
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
