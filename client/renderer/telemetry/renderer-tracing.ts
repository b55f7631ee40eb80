// The renderer's trace decisions without the DOM: the sampler main's policy configures (ratio,
// forced spans; unsampled spans still recorded), the IPC span processor that sends main the
// ended spans shouldExport keeps (sampled, errors, slow ones), and the carrier the preload
// injects into every IPC call. startRendererTelemetry() puts them into a WebTracerProvider;
// bench/client-telemetry-overhead.ts drives the very same parts in Node, so its load samples
// sends as the app does.
import { type Context, type TextMapPropagator, defaultTextMapSetter, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { CriticalAwareSampler, shouldExport } from "../../telemetry/sampler.ts";
import type { OtelCarrier, RendererSpan, SamplingPolicy } from "../../telemetry/types.ts";
import { IpcSpanProcessor } from "./ipc-span-processor.ts";

export const RENDERER_TRACER_NAME = "kicktalk-renderer";

/** The propagator the renderer registers: W3C trace context only (no baggage). */
export const RENDERER_PROPAGATOR: TextMapPropagator = new W3CTraceContextPropagator();

export interface RendererTracingOptions {
  /** Main's policy (TelemetryStatus.sampling). */
  readonly sampling: SamplingPolicy;
  readonly isEnabled: () => boolean;
  /** Hands a batch of ended spans to main (`telemetry:export-spans`). */
  readonly send: (spans: RendererSpan[]) => Promise<unknown>;
}

export interface RendererTracing {
  readonly sampler: CriticalAwareSampler;
  readonly spans: IpcSpanProcessor;
}

export function createRendererTracing(o: RendererTracingOptions): RendererTracing {
  const { ratio, sampledTracesPerMinute, forceSampledSpans, slowSpanThresholdMs } = o.sampling;
  return {
    sampler: new CriticalAwareSampler({ ratio, sampledTracesPerMinute, forceSampledSpans, isEnabled: o.isEnabled }),
    spans: new IpcSpanProcessor({ send: o.send, keep: (span) => shouldExport(span, slowSpanThresholdMs) }),
  };
}

/**
 * The `_otel` carrier of an IPC call made in `ctx`: the span's W3C context (its sampled flag
 * tells main whether to keep its own child span), or nothing while telemetry is off or no
 * renderer span is active (a timer's IPC call starts no trace in main).
 */
export function rendererCarrier(ctx: Context, enabled: boolean): OtelCarrier {
  const carrier: OtelCarrier = {};
  if (enabled && trace.getSpan(ctx)) RENDERER_PROPAGATOR.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}
