// A token bucket: one per kind of renderer telemetry, since the renderer is not trusted to be
// well-behaved (issue 11: 300 dialogs, forged fatal errors, floods), and one per process for
// the sampler's cap on sampled traces (sampler.ts). Refills continuously; the clock is
// injected, so tests prove minutes of limits without waiting.

/** Items per minute the renderer may hand to main, per kind; bursts up to one minute's worth. */
export const RENDERER_BUDGETS_PER_MINUTE = {
  /** The renderer's batch processor sends at most 256 spans per call. */
  spans: 3_000,
  /** One record-metrics call per 5 s of up to 1,024 events. */
  metricEvents: 15_000,
  logs: 600,
  errors: 30,
} as const;

export class RateBudget {
  readonly #perMinute: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  /** `burst`: most tokens held at once (default: one minute's worth). */
  constructor(perMinute: number, now: () => number, burst = perMinute) {
    this.#perMinute = perMinute;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes up to `n` tokens; returns how many were granted. */
  take(n: number): number {
    const t = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((t - this.#last) / 60_000) * this.#perMinute);
    this.#last = t;
    const granted = Math.max(0, Math.min(n, Math.floor(this.#tokens)));
    this.#tokens -= granted;
    return granted;
  }
}
