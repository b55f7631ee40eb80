// Renderer log records of seed 001's `event`, `metric` and `vital` types (catalog LOG_EVENTS),
// buffered and sent to main in batches over `telemetry:record-logs`; main checks each record
// against the catalog and keeps only the declared attributes. User actions are few (a join, a
// hide); performance measurements are summarised per window (PerfWindow), never one record
// per render: under a 200 msg/s flood that would be 200 records a second.
import type { RendererLogRecord } from "../../telemetry/types.ts";

/** Most records per IPC call (main's schema allows MAX_LOGS_PER_BATCH = 256). */
const MAX_RECORDS_PER_CALL = 128;
/** Buffer bound; records past it are dropped and counted. */
const MAX_BUFFERED = 512;

export type VitalName = "LCP" | "INP" | "CLS";
export type VitalRating = "good" | "needs-improvement" | "poor";

export class RendererLogs {
  readonly #send: (records: RendererLogRecord[]) => Promise<unknown>;
  readonly #enabled: () => boolean;
  readonly #now: () => number;
  #buffer: RendererLogRecord[] = [];
  dropped = 0;

  constructor(send: (records: RendererLogRecord[]) => Promise<unknown>, enabled: () => boolean, now: () => number = Date.now) {
    this.#send = send;
    this.#enabled = enabled;
    this.#now = now;
  }

  /** A user action (seed 001 logger.action()): `event` record with action and area. */
  action(action: string, area: string): void {
    this.#push({ type: "event", severity: "info", body: action, attributes: { action, area } });
  }

  /** A performance measurement (seed 001 logger.perf()): `metric` record. */
  perf(metricName: string, value: number, unit: string, body = metricName): void {
    this.#push({ type: "metric", severity: "info", body, attributes: { metric_name: metricName, value, unit } });
  }

  /** A web vital of this window: `vital` record. */
  vital(name: VitalName, value: number, rating: VitalRating): void {
    this.#push({ type: "vital", severity: "info", body: `${name} ${value} (${rating})`, attributes: { vital_name: name, value, rating } });
  }

  #push(record: Omit<RendererLogRecord, "timeUnixMs">): void {
    if (!this.#enabled()) return;
    if (this.#buffer.length >= MAX_BUFFERED) {
      this.dropped++;
      return;
    }
    this.#buffer.push({ ...record, timeUnixMs: this.#now() });
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  async flush(): Promise<void> {
    const records = this.#buffer;
    this.#buffer = [];
    for (let i = 0; i < records.length; i += MAX_RECORDS_PER_CALL) {
      try {
        await this.#send(records.slice(i, i + MAX_RECORDS_PER_CALL));
      } catch {
        this.dropped += Math.min(MAX_RECORDS_PER_CALL, records.length - i);
      }
    }
  }

  clear(): void {
    this.#buffer = [];
  }
}

/**
 * Durations of one kind (chat list renders), summarised once per report as a `metric`
 * record: the 95th percentile in ms over the window, with the count in the body. At most
 * MAX_SAMPLES are kept per window (a reservoir would be fairer; the first ones suffice for a p95
 * of a window that long).
 */
export class PerfWindow {
  static readonly MAX_SAMPLES = 2048;
  readonly #name: string;
  #samples: number[] = [];
  #count = 0;

  constructor(name: string) {
    this.#name = name;
  }

  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#count++;
    if (this.#samples.length < PerfWindow.MAX_SAMPLES) this.#samples.push(ms);
  }

  /** Emits the window's p95 (ms) to `logs` when anything was observed, and starts a new window. */
  report(logs: RendererLogs): void {
    if (this.#samples.length === 0) return;
    const sorted = this.#samples.sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
    logs.perf(this.#name, Math.round(p95 * 10) / 10, "ms", `${this.#name} p95 over ${this.#count} render(s)`);
    this.#samples = [];
    this.#count = 0;
  }
}
