// The renderer's span path with main's sampling policy: what is sent to main over IPC.
import { SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { CriticalAwareSampler, shouldExport } from "../../telemetry/sampler.ts";
import { UNTHROTTLED } from "../../telemetry/testing/test-config.ts";
import type { RendererSpan } from "../../telemetry/types.ts";
import { IpcSpanProcessor } from "./ipc-span-processor.ts";

function rendererTracer(ratio: number, options: { maxQueue?: number } = {}) {
  const sent: RendererSpan[] = [];
  const processor = new IpcSpanProcessor({
    send: async (batch) => void sent.push(...batch),
    keep: (span) => shouldExport(span, 1000),
    delayMs: 1,
    ...options,
  });
  const provider = new BasicTracerProvider({
    sampler: new CriticalAwareSampler({ ratio, sampledTracesPerMinute: UNTHROTTLED, forceSampledSpans: ["window:create"], isEnabled: () => true }),
    spanProcessors: [processor],
  });
  return { tracer: provider.getTracer("test"), processor, sent };
}

describe("IpcSpanProcessor with main's sampling policy", () => {
  it("at ratio 0 sends only errors and forced spans: a message flood does not reach main", async () => {
    const { tracer, processor, sent } = rendererTracer(0);
    for (let i = 0; i < 500; i++) tracer.startSpan("zustand:add-message").end();
    const failed = tracer.startSpan("ws:connect");
    failed.setStatus({ code: SpanStatusCode.ERROR, message: "refused" });
    failed.end();
    tracer.startSpan("window:create").end();
    await processor.forceFlush();
    expect(sent.map((s) => s.name).sort()).toEqual(["window:create", "ws:connect"]);
    expect(processor.dropped).toBe(0);
  });

  it("at ratio 1 sends every span, and counts what overflows its queue", async () => {
    const { tracer, processor, sent } = rendererTracer(1, { maxQueue: 10 });
    for (let i = 0; i < 12; i++) tracer.startSpan("zustand:add-message").end();
    await processor.forceFlush();
    expect(sent).toHaveLength(10);
    expect(processor.dropped).toBe(2);
  });
});
