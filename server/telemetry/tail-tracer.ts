// The tracer provider the server registers when forced sampling is on: it runs the sampler
// itself before any SDK span exists. A span the sampler samples is started by the SDK tracer,
// as before (same trace id, so the SDK's own run of the sampler agrees); a span it only asks
// to record (the ratio skipped it, forced sampling may still want it) becomes a DeferredSpan
// held by the TailBuffer (tail-buffer.ts), which materialises it only if its trace ends in
// error or slow. So an unsampled request, ~90 % of them in production, allocates a compact
// record instead of a full SDK span.
import { SamplingDecision, SpanKind, context as api, trace } from "@opentelemetry/api";
import type { Context, Span, SpanOptions, Tracer, TracerOptions, TracerProvider } from "@opentelemetry/api";
import type { BasicTracerProvider, Sampler, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Resource } from "@opentelemetry/resources";
import { otel } from "./otel.ts";
import { DeferredSpan, TailBuffer } from "./tail-buffer.ts";
import type { TailBufferOptions } from "./tail-buffer.ts";

/**
 * Random ids, except that the next trace id can be set: the wrapper decides a new root with a
 * trace id of its own, and the SDK tracer it then calls (synchronously) must use the same one.
 */
class PresetIdGenerator {
  readonly #random = new otel.RandomIdGenerator();
  #next: string | undefined;
  preset(traceId: string): void {
    this.#next = traceId;
  }
  generateTraceId(): string {
    const id = this.#next ?? this.#random.generateTraceId();
    this.#next = undefined;
    return id;
  }
  generateSpanId(): string {
    return this.#random.generateSpanId();
  }
}

const NO_LINKS: never[] = [];

class TailSamplingTracer implements Tracer {
  readonly #sdk: Tracer;
  readonly #scope: { name: string; version?: string; schemaUrl?: string };
  readonly #sampler: Sampler;
  readonly #ids: PresetIdGenerator;
  readonly #buffer: TailBuffer;

  constructor(sdk: Tracer, scope: { name: string; version?: string; schemaUrl?: string }, sampler: Sampler, ids: PresetIdGenerator, buffer: TailBuffer) {
    this.#sdk = sdk;
    this.#scope = scope;
    this.#sampler = sampler;
    this.#ids = ids;
    this.#buffer = buffer;
  }

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = api.active()): Span {
    if (options.root) ctx = trace.deleteSpan(ctx);
    if (otel.isTracingSuppressed(ctx)) return this.#sdk.startSpan(name, options, ctx);
    const parent = trace.getSpanContext(ctx);
    const validParent = parent !== undefined && trace.isSpanContextValid(parent) ? parent : undefined;
    const traceId = validParent?.traceId ?? this.#ids.generateTraceId();
    const kind = options.kind ?? SpanKind.INTERNAL;
    const { decision } = this.#sampler.shouldSample(ctx, traceId, name, kind, options.attributes ?? {}, options.links ?? NO_LINKS);
    if (decision !== SamplingDecision.RECORD) {
      if (validParent === undefined) this.#ids.preset(traceId);
      return this.#sdk.startSpan(name, options, ctx);
    }
    const spanContext = { traceId, spanId: this.#ids.generateSpanId(), traceFlags: 0, ...(validParent?.traceState ? { traceState: validParent.traceState } : {}) };
    return new DeferredSpan(this.#buffer, this.#scope, name, spanContext, validParent, trace.getSpan(ctx), kind, options.attributes, options.links, options.startTime);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a?: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    const fn = (c ?? (typeof b === "function" ? b : a)) as F;
    const options = typeof a === "object" ? a : {};
    const parent = typeof b === "object" ? b : api.active();
    const span = this.startSpan(name, options, parent);
    return api.with(trace.setSpan(parent, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

export interface TailSamplingOptions extends Omit<TailBufferOptions, "next" | "resource"> {
  readonly sampler: Sampler;
  /** Where sampled spans, and kept deferred ones, go (a batch or simple exporting processor). */
  readonly exportProcessor: SpanProcessor;
  readonly resource?: Resource;
}

/** The SDK's provider wrapped so that spans the sampler only records become deferred records. */
export class TailSamplingTracerProvider implements TracerProvider {
  readonly sdk: BasicTracerProvider;
  readonly buffer: TailBuffer;
  readonly #sampler: Sampler;
  readonly #ids = new PresetIdGenerator();
  readonly #tracers = new Map<string, TailSamplingTracer>();

  constructor(opts: TailSamplingOptions) {
    const resource = opts.resource ?? otel.resourceFromAttributes({});
    this.#sampler = opts.sampler;
    this.sdk = new otel.BasicTracerProvider({ resource, sampler: opts.sampler, idGenerator: this.#ids, spanProcessors: [opts.exportProcessor] });
    this.buffer = new TailBuffer({ ...opts, next: opts.exportProcessor, resource });
  }

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const key = `${name}@${version ?? ""}:${options?.schemaUrl ?? ""}`;
    let tracer = this.#tracers.get(key);
    if (tracer === undefined) {
      const scope = { name, ...(version !== undefined ? { version } : {}), ...(options?.schemaUrl !== undefined ? { schemaUrl: options.schemaUrl } : {}) };
      tracer = new TailSamplingTracer(this.sdk.getTracer(name, version, options), scope, this.#sampler, this.#ids, this.buffer);
      this.#tracers.set(key, tracer);
    }
    return tracer;
  }

  forceFlush(): Promise<void> {
    return this.sdk.forceFlush();
  }

  async shutdown(): Promise<void> {
    this.buffer.shutdown();
    await this.sdk.shutdown();
  }
}
