// Web vitals of a renderer window (LCP, CLS, INP), computed from the browser's own
// PerformanceObserver entries the way Google's web-vitals library defines them (no
// dependency: https://web.dev/articles/lcp, /cls, /inp), and reported as `vital` log records
// (catalog LOG_EVENTS.vital) when a value changed since the last report. Ratings use
// web.dev's published thresholds.
//   LCP  the latest largest-contentful-paint entry's startTime, in ms (Chromium stops
//        emitting them at the first user input, so the last one is final).
//   CLS  the largest session window of layout shifts not caused by recent input: shifts
//        less than 1 s apart, a window at most 5 s long; unitless.
//   INP  per interaction (interactionId) its longest event duration; of all interactions
//        the worst, ignoring one per 50 (the p98 approximation of web-vitals), in ms.
import type { RendererLogs, VitalName, VitalRating } from "./renderer-logs.ts";

/** [good up to, poor above] per vital (web.dev: LCP 2.5 s / 4 s, CLS 0.1 / 0.25, INP 200 / 500 ms). */
export const VITAL_THRESHOLDS: Readonly<Record<VitalName, readonly [number, number]>> = {
  LCP: [2500, 4000],
  CLS: [0.1, 0.25],
  INP: [200, 500],
};

export function rateVital(name: VitalName, value: number): VitalRating {
  const [good, poor] = VITAL_THRESHOLDS[name];
  return value <= good ? "good" : value <= poor ? "needs-improvement" : "poor";
}

export interface LayoutShiftLike {
  readonly value: number;
  readonly startTime: number;
  readonly hadRecentInput: boolean;
}

export class ClsAccumulator {
  #window = 0;
  #windowStart = 0;
  #last = 0;
  value = 0;

  add(e: LayoutShiftLike): void {
    if (e.hadRecentInput) return;
    if (this.#window > 0 && e.startTime - this.#last < 1000 && e.startTime - this.#windowStart < 5000) {
      this.#window += e.value;
    } else {
      this.#window = e.value;
      this.#windowStart = e.startTime;
    }
    this.#last = e.startTime;
    this.value = Math.max(this.value, this.#window);
  }
}

export interface EventTimingLike {
  readonly interactionId?: number;
  readonly duration: number;
}

export class InpAccumulator {
  /** The longest interactions seen (interactionId → duration), at most KEEP. */
  static readonly KEEP = 10;
  readonly #longest = new Map<number, number>();
  #interactions = new Set<number>();
  #count = 0;

  add(e: EventTimingLike): void {
    const id = e.interactionId ?? 0;
    if (id === 0) return; // not part of an interaction (e.g. mousemove)
    if (!this.#interactions.has(id)) {
      this.#interactions.add(id);
      this.#count++;
      // Only recent ids matter for merging the events of one interaction.
      if (this.#interactions.size > 100) this.#interactions = new Set([...this.#interactions].slice(-50));
    }
    const prev = this.#longest.get(id);
    if (prev !== undefined && prev >= e.duration) return;
    this.#longest.set(id, e.duration);
    if (this.#longest.size > InpAccumulator.KEEP) {
      let minId = id;
      let min = Infinity;
      for (const [k, d] of this.#longest) if (d < min) [minId, min] = [k, d];
      this.#longest.delete(minId);
    }
  }

  /** Undefined before the first interaction. */
  get value(): number | undefined {
    if (this.#longest.size === 0) return undefined;
    const sorted = [...this.#longest.values()].sort((a, b) => b - a);
    return sorted[Math.min(sorted.length - 1, Math.floor(this.#count / 50))];
  }
}

/** Rounding of reported values: ms to whole ms, CLS to 4 decimals (as web-vitals reports it). */
const round = (name: VitalName, v: number) => (name === "CLS" ? Math.round(v * 10_000) / 10_000 : Math.round(v));

export class WebVitals {
  readonly #observers: PerformanceObserver[] = [];
  readonly #cls = new ClsAccumulator();
  readonly #inp = new InpAccumulator();
  #lcp: number | undefined;
  readonly #reported: Partial<Record<VitalName, number>> = {};

  /** Starts observing (buffered: entries from before the call count). Unsupported types are skipped. */
  start(): this {
    const observe = (type: string, onEntry: (e: PerformanceEntry) => void, extra: Record<string, unknown> = {}) => {
      try {
        const o = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) onEntry(e);
        });
        o.observe({ type, buffered: true, ...extra } as PerformanceObserverInit);
        this.#observers.push(o);
      } catch {
        // entry type not supported by this engine: that vital is not reported
      }
    };
    observe("largest-contentful-paint", (e) => (this.#lcp = e.startTime));
    observe("layout-shift", (e) => this.#cls.add(e as unknown as LayoutShiftLike));
    // 16 ms is the lowest threshold the Event Timing API allows; first-input is always reported.
    observe("event", (e) => this.#inp.add(e as unknown as EventTimingLike), { durationThreshold: 16 });
    observe("first-input", (e) => this.#inp.add(e as unknown as EventTimingLike));
    return this;
  }

  /** Current values (CLS 0 until something shifts; LCP and INP undefined until they exist). */
  values(): Partial<Record<VitalName, number>> {
    const inp = this.#inp.value;
    return {
      ...(this.#lcp !== undefined ? { LCP: this.#lcp } : {}),
      CLS: this.#cls.value,
      ...(inp !== undefined ? { INP: inp } : {}),
    };
  }

  /** Logs each vital whose (rounded) value changed since the last report. */
  report(logs: RendererLogs): void {
    for (const [name, raw] of Object.entries(this.values()) as [VitalName, number][]) {
      const value = round(name, raw);
      if (this.#reported[name] === value) continue;
      this.#reported[name] = value;
      logs.vital(name, value, rateVital(name, value));
    }
  }

  stop(): void {
    for (const o of this.#observers) o.disconnect();
    this.#observers.length = 0;
  }
}
