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

  it("caps new sampled traces per minute; children, forced and failed spans pass the cap", () => {
    let t = 0;
    const capped = inMemoryTracing({ ratio: 1, tracesPerMinute: 30, now: () => t });
    const sampled = (span: { spanContext(): { traceFlags: number } }) => (span.spanContext().traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    // A burst: ten seconds' worth (5) is sampled, the rest recorded unsampled.
    const roots = Array.from({ length: 40 }, () => capped.tracer.startSpan("lexical:keydown"));
    expect(roots.filter(sampled)).toHaveLength(5);
    // A sampled root's children stay sampled, however many: the cap counts traces, not spans.
    const parent = trace.setSpan(context.active(), roots[0]!);
    const children = Array.from({ length: 20 }, () => capped.tracer.startSpan("ipc:chat:send-message", {}, parent));
    expect(children.every(sampled)).toBe(true);
    // Startup is forced whatever the cap; a throttled root that fails is still exported.
    expect(sampled(capped.tracer.startSpan("main_startup_boot"))).toBe(true);
    const failed = capped.tracer.startSpan("lexical:send");
    expect(sampled(failed)).toBe(false);
    failed.setStatus({ code: SpanStatusCode.ERROR, message: "500" });
    failed.end();
    expect(capped.exporter.getFinishedSpans().map((s) => s.name)).toEqual(["lexical:send"]);
    // Over a minute the cap refills at its rate: 30 a minute, never more than the burst at once.
    let later = 0;
    for (let s = 0; s < 60; s++) {
      t += 1000;
      later += Array.from({ length: 10 }, () => capped.tracer.startSpan("lexical:keydown")).filter(sampled).length;
    }
    expect(later).toBe(30);
    t += 3_600_000;
    expect(Array.from({ length: 40 }, () => capped.tracer.startSpan("lexical:keydown")).filter(sampled)).toHaveLength(5);
  });
});
