// Forced sampling of errors and slow requests (seed 002). Head sampling cannot see either
// when a span starts, so traces it skips are recorded (sampling.ts) and held here until their
// local root span ends: a trace with an error span, or whose root is a server span that took
// at least `slowMs`, is exported as if sampled; the rest is discarded. The buffer is bounded
// in spans; when full the oldest trace is evicted and its spans are counted as dropped.
import { SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ATTR_HTTP_RESPONSE_STATUS_CODE } from "./semconv.ts";

export type ForcedReason = "error" | "slow";

export interface TailBufferOptions {
  /** Receives sampled spans, and buffered spans of traces found critical. */
  readonly next: SpanProcessor;
  /** Server root spans at least this long (ms) are exported. */
  readonly slowMs: number;
  /** Most spans held across all undecided traces. */
  readonly maxSpans: number;
  readonly onForced?: (reason: ForcedReason) => void;
  readonly onDropped?: (spans: number) => void;
}

/** How many decided trace ids are remembered, so spans ending after their root follow it. */
const DECIDED_MEMORY = 1024;

const isSampled = (span: ReadableSpan) => (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
const isLocalRoot = (span: ReadableSpan) => span.parentSpanContext === undefined || span.parentSpanContext.isRemote === true;
const durationMs = (span: ReadableSpan) => span.duration[0] * 1e3 + span.duration[1] / 1e6;

function isError(span: ReadableSpan): boolean {
  if (span.status.code === SpanStatusCode.ERROR) return true;
  const status = span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE];
  return span.kind === SpanKind.SERVER && typeof status === "number" && status >= 500;
}

/** A view of a recorded span with the sampled flag set, so exporting processors accept it. */
function asSampled(span: ReadableSpan): ReadableSpan {
  const ctx = { ...span.spanContext(), traceFlags: span.spanContext().traceFlags | TraceFlags.SAMPLED };
  return Object.create(span, { spanContext: { value: () => ctx } }) as ReadableSpan;
}

export class TailBufferSpanProcessor implements SpanProcessor {
  readonly #opts: TailBufferOptions;
  readonly #pending = new Map<string, ReadableSpan[]>();
  readonly #decided = new Map<string, boolean>();
  #buffered = 0;
  #dropped = 0;

  constructor(opts: TailBufferOptions) {
    this.#opts = opts;
  }

  /** Spans dropped since start because the buffer was full. */
  get droppedSpans(): number {
    return this.#dropped;
  }
  get bufferedSpans(): number {
    return this.#buffered;
  }

  onStart(span: Span, parentContext: Context): void {
    this.#opts.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (isSampled(span)) return this.#opts.next.onEnd(span);
    const traceId = span.spanContext().traceId;
    const decided = this.#decided.get(traceId);
    if (decided !== undefined) {
      if (decided) this.#opts.next.onEnd(asSampled(span));
      return;
    }
    let spans = this.#pending.get(traceId);
    if (spans === undefined) {
      spans = [];
      this.#pending.set(traceId, spans);
    }
    spans.push(span);
    this.#buffered++;
    if (isLocalRoot(span)) this.#decide(traceId, span, spans);
    else this.#evictWhileFull();
  }

  #decide(traceId: string, root: ReadableSpan, spans: ReadableSpan[]): void {
    this.#pending.delete(traceId);
    this.#buffered -= spans.length;
    const reason: ForcedReason | undefined = spans.some(isError)
      ? "error"
      : root.kind === SpanKind.SERVER && durationMs(root) >= this.#opts.slowMs
        ? "slow"
        : undefined;
    this.#remember(traceId, reason !== undefined);
    if (reason === undefined) return;
    this.#opts.onForced?.(reason);
    for (const s of spans) this.#opts.next.onEnd(asSampled(s));
  }

  #remember(traceId: string, exported: boolean): void {
    this.#decided.set(traceId, exported);
    if (this.#decided.size > DECIDED_MEMORY) {
      const oldest = this.#decided.keys().next().value;
      if (oldest !== undefined) this.#decided.delete(oldest);
    }
  }

  #evictWhileFull(): void {
    while (this.#buffered > this.#opts.maxSpans) {
      const oldest = this.#pending.entries().next().value;
      if (oldest === undefined) return;
      const [traceId, spans] = oldest;
      this.#pending.delete(traceId);
      this.#buffered -= spans.length;
      this.#dropped += spans.length;
      this.#remember(traceId, false);
      this.#opts.onDropped?.(spans.length);
    }
  }

  forceFlush(): Promise<void> {
    return this.#opts.next.forceFlush();
  }

  /** Undecided traces at shutdown are discarded: their roots never ended, so nothing is known. */
  shutdown(): Promise<void> {
    this.#pending.clear();
    this.#buffered = 0;
    return this.#opts.next.shutdown();
  }
}
