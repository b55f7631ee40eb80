// Parent-based ratio sampling, throttled, with forced sampling of critical operations.
// Unsampled spans are still RECORDED (not SAMPLED), so the journaling processor can keep the
// ones that turn out to matter at their end: errors and slow operations (shouldExport()).
// The throttle (seed 003's "throttled" strategy) caps the new traces the ratio samples per
// minute in this process: a ratio alone scales with activity (a 200 msg/s chat sampled at
// 10 % is 20 traces a second), and a fleet's gateway is sized by the bytes each install sends.
import { type Attributes, type Context, type Link, type SpanKind, isSpanContextValid, trace, TraceFlags } from "@opentelemetry/api";
import { type ReadableSpan, type Sampler, type SamplingResult, SamplingDecision, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace-base";
import { SpanStatusCode } from "@opentelemetry/api";
import { RateBudget } from "./rate-budget.ts";
import { ATTR_FORCE_SAMPLE } from "./semconv.ts";

export interface SamplerOptions {
  ratio: number;
  /** Most new traces the ratio may sample per minute; past it, roots are recorded unsampled. */
  sampledTracesPerMinute: number;
  forceSampledSpans: readonly string[];
  isEnabled: () => boolean;
  /** The throttle's clock in ms (default performance.now; createTelemetry passes its own, tests a simulated one). */
  now?: () => number;
}

/** The throttle's burst: ten seconds' worth of traces at once (one flush at the shipped interval). */
const BURST_MINUTES = 1 / 6;

export class CriticalAwareSampler implements Sampler {
  readonly #ratio: TraceIdRatioBasedSampler;
  readonly #forced: ReadonlySet<string>;
  readonly #isEnabled: () => boolean;
  readonly #throttle: RateBudget;
  readonly #desc: string;
  #throttled = 0;

  constructor(opts: SamplerOptions) {
    this.#ratio = new TraceIdRatioBasedSampler(opts.ratio);
    this.#forced = new Set(opts.forceSampledSpans);
    this.#isEnabled = opts.isEnabled;
    const perMinute = opts.sampledTracesPerMinute;
    this.#throttle = new RateBudget(perMinute, opts.now ?? (() => performance.now()), Math.max(1, Math.ceil(perMinute * BURST_MINUTES)));
    this.#desc = `CriticalAwareSampler{ratio=${opts.ratio},tracesPerMinute=${perMinute}}`;
  }

  /** Roots the ratio picked that the per-minute cap recorded unsampled instead, since start. */
  get throttledTraces(): number {
    return this.#throttled;
  }

  shouldSample(ctx: Context, traceId: string, name: string, _kind: SpanKind, attributes: Attributes, _links: Link[]): SamplingResult {
    // Telemetry off: nothing is recorded at all (no spans, nothing to journal).
    if (!this.#isEnabled()) return { decision: SamplingDecision.NOT_RECORD };
    if (attributes[ATTR_FORCE_SAMPLE] === true || this.#forced.has(name)) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    const parent = trace.getSpanContext(ctx);
    if (parent && isSpanContextValid(parent)) {
      const sampled = (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
      return { decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.RECORD };
    }
    if (this.#ratio.shouldSample(ctx, traceId).decision !== SamplingDecision.RECORD_AND_SAMPLED) return { decision: SamplingDecision.RECORD };
    if (this.#throttle.take(1) === 1) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    this.#throttled++;
    return { decision: SamplingDecision.RECORD };
  }

  toString(): string {
    return this.#desc;
  }
}

const hrToMs = (t: readonly [number, number]) => t[0] * 1e3 + t[1] / 1e6;

/** Whether an ended span should be exported: sampled, or critical by outcome (error, slow). */
export function shouldExport(span: ReadableSpan, slowThresholdMs: number): boolean {
  if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED) return true;
  if (span.status.code === SpanStatusCode.ERROR) return true;
  if (span.events.some((e) => e.name === "exception")) return true;
  return hrToMs(span.duration) >= slowThresholdMs;
}
