// The renderer's sampling of sends (what the overhead bench now drives): main's ratio decides
// the carrier's sampled flag, an unsampled send still reaches main when it fails, and nothing
// is injected while telemetry is off or outside a span.
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import type { RendererSpan, SamplingPolicy } from "../../telemetry/types.ts";
import { DEFAULT_CONFIG } from "../../telemetry/config.ts";
import { UNTHROTTLED } from "../../telemetry/testing/test-config.ts";
import { createRendererTracing, RENDERER_TRACER_NAME, rendererCarrier } from "./renderer-tracing.ts";

const POLICY: SamplingPolicy = { ratio: 0.1, sampledTracesPerMinute: UNTHROTTLED, forceSampledSpans: ["main_startup_boot"], slowSpanThresholdMs: 1000 };

function renderer(policy: SamplingPolicy, enabled = true) {
  const sent: RendererSpan[] = [];
  const tracing = createRendererTracing({ sampling: policy, isEnabled: () => enabled, send: async (batch) => void sent.push(...batch) });
  const tracer = new BasicTracerProvider({ sampler: tracing.sampler, spanProcessors: [tracing.spans] }).getTracer(RENDERER_TRACER_NAME);
  /** One send as message-input.ts makes it: its carrier, and the span ended with or without an error. */
  const sendOnce = (failed = false) => {
    const span = tracer.startSpan("lexical:send");
    const carrier = rendererCarrier(trace.setSpan(ROOT_CONTEXT, span), enabled);
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: "HTTP 500" });
    span.end();
    return carrier;
  };
  return { sent, tracing, sendOnce };
}

const flagOf = (c: { traceparent?: string }) => c.traceparent?.slice(-2);

describe("renderer tracing with main's sampling policy", () => {
  it("samples about the policy's ratio of sends, and sends main only those spans", async () => {
    const { sent, tracing, sendOnce } = renderer(POLICY);
    const carriers = Array.from({ length: 2000 }, () => sendOnce());
    await tracing.spans.forceFlush();
    expect(carriers.every((c) => /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/.test(c.traceparent ?? ""))).toBe(true);
    const sampled = carriers.filter((c) => flagOf(c) === "01").length;
    // Binomial(2000, 0.1): mean 200, sd 13.4; ±60 is 4.5 sd.
    expect(sampled).toBeGreaterThan(140);
    expect(sampled).toBeLessThan(260);
    expect(sent).toHaveLength(sampled);
  });

  it("at ratio 1 (the bench's worst case) every send is a sampled trace", async () => {
    const { sent, tracing, sendOnce } = renderer({ ...POLICY, ratio: 1 });
    const carriers = Array.from({ length: 50 }, () => sendOnce());
    await tracing.spans.forceFlush();
    expect(carriers.map(flagOf)).toEqual(Array(50).fill("01"));
    expect(sent).toHaveLength(50);
  });

  it("with the shipped cap, a burst of sends samples ten seconds' worth of traces; a failed one is still kept", async () => {
    const { sent, tracing, sendOnce } = renderer({ ...POLICY, ratio: 1, sampledTracesPerMinute: DEFAULT_CONFIG.sampledTracesPerMinute });
    const carriers = Array.from({ length: 200 }, () => sendOnce());
    const failed = sendOnce(true);
    await tracing.spans.forceFlush();
    const burst = Math.ceil(DEFAULT_CONFIG.sampledTracesPerMinute / 6);
    expect(carriers.filter((c) => flagOf(c) === "01")).toHaveLength(burst);
    expect(flagOf(failed)).toBe("00");
    expect(sent).toHaveLength(burst + 1);
    expect(tracing.sampler.throttledTraces).toBe(200 - burst + 1);
  });

  it("keeps a failed send the ratio skipped: its span goes to main, its carrier says unsampled", async () => {
    const { sent, tracing, sendOnce } = renderer({ ...POLICY, ratio: 0 });
    const ok = sendOnce();
    const failed = sendOnce(true);
    await tracing.spans.forceFlush();
    expect([flagOf(ok), flagOf(failed)]).toEqual(["00", "00"]);
    expect(sent.map((s) => ({ name: s.name, traceId: s.traceId }))).toEqual([{ name: "lexical:send", traceId: failed.traceparent!.slice(3, 35) }]);
  });

  it("injects nothing while telemetry is off or outside a span", () => {
    expect(renderer(POLICY, false).sendOnce()).toEqual({});
    expect(rendererCarrier(ROOT_CONTEXT, true)).toEqual({});
  });
});
