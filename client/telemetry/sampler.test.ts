import { context, SpanStatusCode, trace, TraceFlags } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { inMemoryTracing } from "./testing/in-memory.ts";

describe("CriticalAwareSampler + shouldExport", () => {
  const never = inMemoryTracing({ ratio: 0, slowMs: 50 });
  const always = inMemoryTracing({ ratio: 1 });
  let on = true;
  const switchable = inMemoryTracing({ ratio: 1, enabled: () => on });

  afterEach(() => {
    never.exporter.reset();
    always.exporter.reset();
    switchable.exporter.reset();
    on = true;
  });

  it("drops ordinary unsampled spans but keeps them recording", () => {
    const span = never.tracer.startSpan("store:get");
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    span.end();
    expect(never.exporter.getFinishedSpans()).toEqual([]);
  });

  it("force-keeps errors, startup and slow operations at ratio 0", () => {
    const failed = never.tracer.startSpan("ipc:chat:send-message");
    failed.setStatus({ code: SpanStatusCode.ERROR, message: "500" });
    failed.end();
    never.tracer.startSpan("main_startup_boot").end();
    const slow = never.tracer.startSpan("lexical:send", { startTime: Date.now() - 200 });
    slow.end();
    const kept = never.exporter.getFinishedSpans();
    expect(kept.map((s) => [s.name, (s.spanContext().traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED])).toEqual([
      ["ipc:chat:send-message", false],
      ["main_startup_boot", true],
      ["lexical:send", false],
    ]);
  });

  it("follows the parent's decision (renderer context arriving over IPC)", () => {
    const sampledParent = trace.setSpanContext(context.active(), {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    never.tracer.startSpan("ipc:store:get", {}, sampledParent).end();
    const unsampledParent = trace.setSpanContext(context.active(), {
      traceId: "0af7651916cd43dd8448eb211c80319d",
      spanId: "b7ad6b7169203332",
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    always.tracer.startSpan("ipc:store:set", {}, unsampledParent).end();
    expect(never.exporter.getFinishedSpans().map((s) => [s.name, s.spanContext().traceId, s.parentSpanContext?.spanId])).toEqual([
      ["ipc:store:get", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"],
    ]);
    expect(always.exporter.getFinishedSpans()).toEqual([]);
  });

  it("records nothing at all while telemetry is off", () => {
    on = false;
    const span = switchable.tracer.startSpan("main_startup_boot");
    expect(span.isRecording()).toBe(false);
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    expect(switchable.exporter.getFinishedSpans()).toEqual([]);
  });
});
