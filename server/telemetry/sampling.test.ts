// Head sampling plus the forced-sampling buffer, on a local tracer provider with an
// in-memory exporter: what the ratio skips is exported only when it errs or is slow.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { ChatServerSampler } from "./sampling.ts";
import { ATTR_URL_PATH } from "./semconv.ts";
import type { ForcedReason } from "./tail-buffer.ts";
import { TailSamplingTracerProvider } from "./tail-tracer.ts";

const exporter = new InMemorySpanExporter();
afterEach(() => exporter.reset());

function setup(opts: { ratio: number; forcedSampling?: boolean; maxSpans?: number }) {
  const forced: ForcedReason[] = [];
  const dropped: number[] = [];
  const sampler = new ChatServerSampler({ ratio: opts.ratio, forcedSampling: opts.forcedSampling ?? true });
  if (opts.forcedSampling === false) {
    const provider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    return { tracer: provider.getTracer("test"), buffer: undefined, forced, dropped };
  }
  const provider = new TailSamplingTracerProvider({
    sampler,
    exportProcessor: new SimpleSpanProcessor(exporter),
    slowMs: 500,
    maxSpans: opts.maxSpans ?? 100,
    onForced: (r) => forced.push(r),
    onDropped: (n) => dropped.push(n),
  });
  return { tracer: provider.getTracer("test"), buffer: provider.buffer, forced, dropped };
}

const exportedNames = () => exporter.getFinishedSpans().map((s) => s.name).sort();

describe("ChatServerSampler", () => {
  it("samples every new trace at ratio 1 and none at ratio 0 (recorded but not exported)", () => {
    const all = setup({ ratio: 1 });
    all.tracer.startSpan("GET /a", { kind: SpanKind.SERVER }).end();
    expect(exportedNames()).toEqual(["GET /a"]);
    exporter.reset();
    const none = setup({ ratio: 0 });
    const span = none.tracer.startSpan("GET /a", { kind: SpanKind.SERVER });
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    span.end();
    expect(exportedNames()).toEqual([]);
    expect(none.forced).toEqual([]);
  });

  it("forces sign-in at the head whatever the ratio", () => {
    const s = new ChatServerSampler({ ratio: 0, forcedSampling: false });
    const attrs = { [ATTR_URL_PATH]: "/api/auth/sign-in" };
    expect(s.shouldSample(ROOT_CONTEXT, "a".repeat(32), "POST", SpanKind.SERVER, attrs, []).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(s.shouldSample(ROOT_CONTEXT, "a".repeat(32), "GET", SpanKind.SERVER, { [ATTR_URL_PATH]: "/api/chatrooms" }, []).decision).toBe(
      SamplingDecision.NOT_RECORD,
    );
  });

  it("follows a sampled remote parent (the client's traceparent) at ratio 0", () => {
    const { tracer } = setup({ ratio: 0 });
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    tracer.startSpan("GET /a", { kind: SpanKind.SERVER }, parent).end();
    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(span?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
  });
});

describe("TailBuffer", () => {
  it("exports a skipped trace whose child span failed, root and child alike", () => {
    const { tracer, forced } = setup({ ratio: 0 });
    const root = tracer.startSpan("POST /x", { kind: SpanKind.SERVER });
    const child = tracer.startSpan("chat:publish", {}, trace.setSpan(context.active(), root));
    child.setStatus({ code: SpanStatusCode.ERROR, message: "boom" });
    child.end();
    expect(exportedNames()).toEqual([]);
    root.end();
    expect(exportedNames()).toEqual(["POST /x", "chat:publish"].sort());
    expect(exporter.getFinishedSpans().every((s) => (s.spanContext().traceFlags & TraceFlags.SAMPLED) === 1)).toBe(true);
    expect(forced).toEqual(["error"]);
  });

  it("exports a skipped server trace that took at least slowMs, and not a fast one", () => {
    const { tracer, forced } = setup({ ratio: 0 });
    tracer.startSpan("GET /slow", { kind: SpanKind.SERVER, startTime: 1_000 }).end(1_600);
    tracer.startSpan("GET /fast", { kind: SpanKind.SERVER, startTime: 1_000 }).end(1_100);
    // Slow internal work (a link fetch) is not a slow *request*.
    tracer.startSpan("link:process", { kind: SpanKind.INTERNAL, startTime: 1_000 }).end(9_000);
    expect(exportedNames()).toEqual(["GET /slow"]);
    expect(forced).toEqual(["slow"]);
  });

  it("exports a server span with a 5xx status as an error", () => {
    const { tracer, forced } = setup({ ratio: 0 });
    tracer.startSpan("GET /e", { kind: SpanKind.SERVER, attributes: { "http.response.status_code": 503 } }).end();
    expect(exportedNames()).toEqual(["GET /e"]);
    expect(forced).toEqual(["error"]);
  });

  it("lets spans ending after their exported root follow it", () => {
    const { tracer } = setup({ ratio: 0 });
    const root = tracer.startSpan("POST /x", { kind: SpanKind.SERVER });
    const late = tracer.startSpan("late", {}, trace.setSpan(context.active(), root));
    root.setStatus({ code: SpanStatusCode.ERROR });
    root.end();
    late.end();
    expect(exportedNames()).toEqual(["POST /x", "late"].sort());
  });

  it("lets a span started under a dropped root after it ended follow it, however many traces came between", () => {
    const { tracer, buffer } = setup({ ratio: 0 });
    const root = tracer.startSpan("POST /messages", { kind: SpanKind.SERVER });
    root.end(); // fine: dropped
    // 5,000 more requests end before the link work the first one queued (a remembered-ids map
    // of the last 1,024 decisions forgot it here, and the late span waited in the buffer).
    for (let i = 0; i < 5_000; i++) tracer.startSpan("GET /chatrooms", { kind: SpanKind.SERVER }).end();
    const late = tracer.startSpan("link:process", {}, trace.setSpan(context.active(), root));
    late.setStatus({ code: SpanStatusCode.ERROR });
    late.end();
    expect(exportedNames()).toEqual([]);
    expect(buffer?.bufferedSpans).toBe(0);
  });

  it("bounds the buffer: evicts the oldest undecided trace and counts its spans", () => {
    const { tracer, buffer, dropped } = setup({ ratio: 0, maxSpans: 3 });
    const roots = [0, 1].map(() => tracer.startSpan("GET /r", { kind: SpanKind.SERVER }));
    for (const root of roots) {
      for (let i = 0; i < 2; i++) tracer.startSpan("child", {}, trace.setSpan(context.active(), root)).end();
    }
    expect(dropped).toEqual([2]);
    expect(buffer?.droppedSpans).toBe(2);
    expect(buffer?.bufferedSpans).toBe(2);
    // The evicted trace stays dropped even if it errs later.
    roots[0]!.setStatus({ code: SpanStatusCode.ERROR });
    roots[0]!.end();
    expect(exportedNames()).toEqual([]);
    roots[1]!.setStatus({ code: SpanStatusCode.ERROR });
    roots[1]!.end();
    expect(exportedNames()).toEqual(["GET /r", "child", "child"].sort());
  });
});
