// Parent-based ratio sampling with forced sampling of critical operations. Unsampled spans
// are still RECORDED (not SAMPLED), so the journaling processor can keep the ones that turn
// out to matter at their end: errors and slow operations (see keepUnsampled()).
import { type Attributes, type Context, type Link, type SpanKind, isSpanContextValid, trace, TraceFlags } from "@opentelemetry/api";
import { type ReadableSpan, type Sampler, type SamplingResult, SamplingDecision, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace-base";
import { SpanStatusCode } from "@opentelemetry/api";
import { ATTR_FORCE_SAMPLE } from "./semconv.ts";

export interface SamplerOptions {
  ratio: number;
  forceSampledSpans: readonly string[];
  isEnabled: () => boolean;
}

export class CriticalAwareSampler implements Sampler {
  readonly #ratio: TraceIdRatioBasedSampler;
  readonly #forced: ReadonlySet<string>;
  readonly #isEnabled: () => boolean;
  readonly #desc: string;

  constructor(opts: SamplerOptions) {
    this.#ratio = new TraceIdRatioBasedSampler(opts.ratio);
    this.#forced = new Set(opts.forceSampledSpans);
    this.#isEnabled = opts.isEnabled;
    this.#desc = `CriticalAwareSampler{ratio=${opts.ratio}}`;
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
    const root = this.#ratio.shouldSample(ctx, traceId);
    return { decision: root.decision === SamplingDecision.RECORD_AND_SAMPLED ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.RECORD };
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
