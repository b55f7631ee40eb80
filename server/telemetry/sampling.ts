// Head sampling of the chat server (seed 002): parent-based ratio sampling, with sign-in
// forced at the head because its path is known when the span starts. Errors and slow
// requests are only known at the end, so traces the ratio skips are still *recorded*
// (not exported) when forced sampling is on, and tail-buffer.ts exports them if they
// turn out critical.
import { SamplingDecision } from "@opentelemetry/api";
import type { Attributes, Context, Link, SpanKind } from "@opentelemetry/api";
import type { Sampler, SamplingResult } from "@opentelemetry/sdk-trace-base";
import { otel } from "./otel.ts";
import { ATTR_URL_PATH } from "./semconv.ts";

/**
 * Paths whose requests are always sampled: registration and sign-in are rare (rate-limited per
 * address) and the start of every session; a password change is as rare, and revokes sessions.
 */
export const FORCED_PATHS: ReadonlySet<string> = new Set(["/api/auth/sign-in", "/api/auth/register", "/api/auth/password"]);

/** Turns "drop" into "record but do not export", so the tail buffer can still decide. */
class RecordOnlyWhenDropped implements Sampler {
  readonly #inner: Sampler;
  constructor(inner: Sampler) {
    this.#inner = inner;
  }
  shouldSample(ctx: Context, traceId: string, name: string, kind: SpanKind, attrs: Attributes, links: Link[]): SamplingResult {
    const r = this.#inner.shouldSample(ctx, traceId, name, kind, attrs, links);
    return r.decision === SamplingDecision.NOT_RECORD ? { ...r, decision: SamplingDecision.RECORD } : r;
  }
  toString(): string {
    return `RecordOnlyWhenDropped{${this.#inner.toString()}}`;
  }
}

const recordOnly: Sampler = {
  shouldSample: () => ({ decision: SamplingDecision.RECORD }),
  toString: () => "RecordOnly",
};
const dropAll: Sampler = {
  shouldSample: () => ({ decision: SamplingDecision.NOT_RECORD }),
  toString: () => "DropAll",
};

export interface SamplerOptions {
  /** Ratio of new root traces sampled, 0–1. */
  readonly ratio: number;
  /** Record what the ratio skips so errors and slow requests can be exported later. */
  readonly forcedSampling: boolean;
}

export class ChatServerSampler implements Sampler {
  readonly #delegate: Sampler;
  constructor(options: SamplerOptions) {
    const notSampled = options.forcedSampling ? recordOnly : dropAll;
    const ratio = new otel.TraceIdRatioBasedSampler(options.ratio);
    this.#delegate = new otel.ParentBasedSampler({
      root: options.forcedSampling ? new RecordOnlyWhenDropped(ratio) : ratio,
      remoteParentNotSampled: notSampled,
      localParentNotSampled: notSampled,
    });
  }
  shouldSample(ctx: Context, traceId: string, name: string, kind: SpanKind, attrs: Attributes, links: Link[]): SamplingResult {
    const path = attrs[ATTR_URL_PATH];
    if (typeof path === "string" && FORCED_PATHS.has(path)) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.#delegate.shouldSample(ctx, traceId, name, kind, attrs, links);
  }
  toString(): string {
    return `ChatServerSampler{forced=${[...FORCED_PATHS].join(",")}, ${this.#delegate.toString()}}`;
  }
}
