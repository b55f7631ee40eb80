// Forced sampling of errors and slow requests (seed 002). Head sampling cannot see either when
// a span starts, so a span the ratio skips is not an SDK span at all but a DeferredSpan: a
// compact record of what an export would need (names, ids, times, status, references to the
// attribute objects the caller built anyway), a fraction of a full SDK span's allocation. It is
// held here until its trace's local root ends: a trace with an error span, or whose root is a
// server span that took at least `slowMs`, is materialised into ReadableSpans (sampled flag
// set, full attributes) and exported as if sampled; the rest is dropped without ever having
// been an SDK span. The buffer is bounded in spans; when full the oldest trace is evicted and
// its spans are counted as dropped. (Until issue 14 every skipped request was a full SDK span:
// ~22 KB more allocation per request than telemetry off, which V8 answered by growing its heap.)
import { SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import type { Attributes, AttributeValue, Exception, HrTime, Link, Span, SpanContext, SpanStatus, TimeInput } from "@opentelemetry/api";
import type { InstrumentationScope } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableSpan, SpanProcessor, TimedEvent } from "@opentelemetry/sdk-trace-base";
import { otel } from "./otel.ts";
import { ATTR_HTTP_RESPONSE_STATUS_CODE } from "./semconv.ts";

const { hrTimeToMilliseconds, millisToHrTime, timeInputToHrTime } = otel;

export type ForcedReason = "error" | "slow";

export interface TailBufferOptions {
  /** Receives the spans of traces found critical, materialised and flagged sampled. */
  readonly next: SpanProcessor;
  /** The resource materialised spans carry (the tracer provider's). */
  readonly resource: Resource;
  /** Server root spans at least this long (ms) are exported. */
  readonly slowMs: number;
  /** Most ended spans held across all undecided traces. */
  readonly maxSpans: number;
  readonly onForced?: (reason: ForcedReason) => void;
  readonly onDropped?: (spans: number) => void;
}

const NO_ATTRIBUTES: Attributes = Object.freeze({});
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/** Epoch ms now, to the microsecond, without allocating an HrTime. */
const nowMs = () => performance.timeOrigin + performance.now();
const toMs = (t: TimeInput | undefined) => (t === undefined ? nowMs() : hrTimeToMilliseconds(timeInputToHrTime(t)));

/**
 * A span head sampling skipped, recorded compactly until its trace is decided. It behaves as a
 * recording span to its callers (the request listener sets its status code and status on it
 * when the response ends) and carries real ids, so children and log records correlate with it.
 */
export class DeferredSpan implements Span {
  readonly #buffer: TailBuffer;
  readonly #context: SpanContext;
  readonly #parent: SpanContext | undefined;
  /**
   * The local root of this span's trace: itself, or its parent's root when its parent is a
   * DeferredSpan (a deferred span's parent always is, unless it is remote: a sampled parent makes
   * the sampler sample). A span ending after its root reads the root's decision from here.
   */
  readonly #root: DeferredSpan;
  /** On a root: whether a span was started under it, and once it ended, whether it was kept. */
  #hasChildren = false;
  #kept: boolean | undefined;
  readonly #kind: SpanKind;
  readonly #scope: InstrumentationScope;
  readonly #startMs: number;
  #name: string;
  #endMs = -1;
  /** The caller's own start attributes, by reference (no copy); later ones go to #extra. */
  readonly #attributes: Attributes;
  #extra: Record<string, AttributeValue> | undefined;
  #status: SpanStatus = UNSET;
  #events: TimedEvent[] | undefined;
  #links: Link[] | undefined;

  constructor(
    buffer: TailBuffer,
    scope: InstrumentationScope,
    name: string,
    context: SpanContext,
    parent: SpanContext | undefined,
    parentSpan: Span | undefined,
    kind: SpanKind,
    attributes: Attributes | undefined,
    links: Link[] | undefined,
    startTime: TimeInput | undefined,
  ) {
    this.#buffer = buffer;
    this.#scope = scope;
    this.#name = name;
    this.#context = context;
    this.#parent = parent;
    this.#root = parentSpan instanceof DeferredSpan ? parentSpan.#root : this;
    if (this.#root !== this) this.#root.#hasChildren = true;
    this.#kind = kind;
    this.#attributes = attributes ?? NO_ATTRIBUTES;
    this.#links = links !== undefined && links.length > 0 ? links : undefined;
    this.#startMs = toMs(startTime);
  }

  spanContext(): SpanContext {
    return this.#context;
  }
  get name(): string {
    return this.#name;
  }
  get kind(): SpanKind {
    return this.#kind;
  }
  get parentSpanContext(): SpanContext | undefined {
    return this.#parent;
  }
  get durationMs(): number {
    return this.#endMs - this.#startMs;
  }
  get root(): DeferredSpan {
    return this.#root;
  }
  /** A root nothing was started under: once it ends, no span of its trace can end later here. */
  get isChildless(): boolean {
    return !this.#hasChildren;
  }
  /** On a root: undefined until its trace is decided, then whether it is exported. */
  get kept(): boolean | undefined {
    return this.#kept;
  }
  decide(kept: boolean): void {
    this.#kept = kept;
  }
  /** An error status, or a server span answered with a 5xx. */
  get isError(): boolean {
    if (this.#status.code === SpanStatusCode.ERROR) return true;
    const status = this.#extra?.[ATTR_HTTP_RESPONSE_STATUS_CODE] ?? this.#attributes[ATTR_HTTP_RESPONSE_STATUS_CODE];
    return this.#kind === SpanKind.SERVER && typeof status === "number" && status >= 500;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (this.#endMs < 0 && value !== undefined && value !== null) (this.#extra ??= {})[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }
  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.#endMs >= 0) return this;
    const isTime = typeof attributesOrTime === "number" || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
    const attributes = isTime ? undefined : (attributesOrTime as Attributes | undefined);
    const at = isTime ? (attributesOrTime as TimeInput) : time;
    (this.#events ??= []).push({ name, time: millisToHrTime(toMs(at)), ...(attributes ? { attributes } : {}), droppedAttributesCount: 0 });
    return this;
  }
  addLink(link: Link): this {
    (this.#links ??= []).push(link);
    return this;
  }
  addLinks(links: Link[]): this {
    for (const l of links) this.addLink(l);
    return this;
  }
  setStatus(status: SpanStatus): this {
    if (this.#endMs < 0) this.#status = status;
    return this;
  }
  updateName(name: string): this {
    if (this.#endMs < 0) this.#name = name;
    return this;
  }
  isRecording(): boolean {
    return this.#endMs < 0;
  }
  /** As the SDK records it: an "exception" event with the semconv exception attributes. */
  recordException(exception: Exception, time?: TimeInput): void {
    const e = typeof exception === "string" ? { message: exception } : exception;
    const attributes: Attributes = {};
    if ("name" in e && e.name) attributes["exception.type"] = e.name;
    else if ("code" in e && e.code !== undefined) attributes["exception.type"] = String(e.code);
    if (e.message) attributes["exception.message"] = e.message;
    if (e.stack) attributes["exception.stacktrace"] = e.stack;
    this.addEvent("exception", attributes, time);
  }
  end(endTime?: TimeInput): void {
    if (this.#endMs >= 0) return;
    this.#endMs = Math.max(this.#startMs, toMs(endTime));
    this.#buffer.onEnd(this);
  }

  /** The full span an exporter takes, flagged sampled; only for traces that are kept. */
  materialise(resource: Resource): ReadableSpan {
    const context: SpanContext = { ...this.#context, traceFlags: this.#context.traceFlags | TraceFlags.SAMPLED };
    return {
      name: this.#name,
      kind: this.#kind,
      spanContext: () => context,
      parentSpanContext: this.#parent,
      startTime: millisToHrTime(this.#startMs),
      endTime: millisToHrTime(this.#endMs),
      duration: millisToHrTime(this.#endMs - this.#startMs) as HrTime,
      status: this.#status,
      attributes: this.#extra === undefined ? { ...this.#attributes } : { ...this.#attributes, ...this.#extra },
      links: this.#links ?? [],
      events: this.#events ?? [],
      ended: true,
      resource,
      instrumentationScope: this.#scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  }
}

export class TailBuffer {
  readonly #opts: TailBufferOptions;
  /** Spans that ended before their root, by root: only traces in flight, so it stays small. */
  readonly #pending = new Map<DeferredSpan, DeferredSpan[]>();
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

  onEnd(span: DeferredSpan): void {
    const root = span.root;
    if (root.kept !== undefined) {
      if (root.kept) this.#export(span);
      return;
    }
    // The common case, a request without children: decided at once, nothing held or remembered.
    // (Until issue 14 every decision went into a map of the last 1,024 trace ids, for spans
    // ending after their root: its rehashing and the ids it kept were the largest part of what
    // telemetry made survive a scavenge per request. A late span now finds its root by reference.)
    if (span === root && span.isChildless) return this.#decide(root, [span], false);
    let spans = this.#pending.get(root);
    if (spans === undefined) {
      spans = [];
      this.#pending.set(root, spans);
    }
    spans.push(span);
    this.#buffered++;
    if (span === root) this.#decide(root, spans, true);
    else this.#evictWhileFull();
  }

  /** Decides `root`'s trace from its ended spans (`held`: kept in #pending until now). */
  #decide(root: DeferredSpan, spans: DeferredSpan[], held: boolean): void {
    if (held) {
      this.#pending.delete(root);
      this.#buffered -= spans.length;
    }
    const reason: ForcedReason | undefined = spans.some((s) => s.isError)
      ? "error"
      : root.kind === SpanKind.SERVER && root.durationMs >= this.#opts.slowMs
        ? "slow"
        : undefined;
    root.decide(reason !== undefined);
    if (reason === undefined) return;
    this.#opts.onForced?.(reason);
    for (const s of spans) this.#export(s);
  }

  #export(span: DeferredSpan): void {
    this.#opts.next.onEnd(span.materialise(this.#opts.resource));
  }

  #evictWhileFull(): void {
    while (this.#buffered > this.#opts.maxSpans) {
      const oldest = this.#pending.entries().next().value;
      if (oldest === undefined) return;
      const [root, spans] = oldest;
      this.#pending.delete(root);
      this.#buffered -= spans.length;
      this.#dropped += spans.length;
      root.decide(false);
      this.#opts.onDropped?.(spans.length);
    }
  }

  /** Undecided traces at shutdown are discarded: their roots never ended, so nothing is known. */
  shutdown(): void {
    this.#pending.clear();
    this.#buffered = 0;
  }
}
