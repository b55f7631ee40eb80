// ReadableSpan → the wire shape main accepts on `telemetry:export-spans` (RendererSpan:
// hex ids, epoch nanoseconds as decimal strings, like OTLP/JSON).
import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { RendererSpan } from "../../telemetry/types.ts";

const KIND: Record<SpanKind, NonNullable<RendererSpan["kind"]>> = {
  [SpanKind.INTERNAL]: "internal",
  [SpanKind.SERVER]: "server",
  [SpanKind.CLIENT]: "client",
  [SpanKind.PRODUCER]: "producer",
  [SpanKind.CONSUMER]: "consumer",
};

const STATUS: Record<SpanStatusCode, "unset" | "ok" | "error"> = {
  [SpanStatusCode.UNSET]: "unset",
  [SpanStatusCode.OK]: "ok",
  [SpanStatusCode.ERROR]: "error",
};

export function hrTimeToUnixNano([seconds, nanos]: HrTime): string {
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
}

/** Keeps scalar attributes; arrays are joined (the wire type carries scalars only). */
function scalarAttributes(attributes: Attributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[key] = value;
    else if (Array.isArray(value)) out[key] = value.join(",");
  }
  return out;
}

export function toRendererSpan(span: ReadableSpan): RendererSpan {
  const ctx = span.spanContext();
  const wire: RendererSpan = {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    name: span.name,
    kind: KIND[span.kind],
    startTimeUnixNano: hrTimeToUnixNano(span.startTime),
    endTimeUnixNano: hrTimeToUnixNano(span.endTime),
    attributes: scalarAttributes(span.attributes),
    status: { code: STATUS[span.status.code], ...(span.status.message ? { message: span.status.message.slice(0, 1024) } : {}) },
  };
  if (span.parentSpanContext?.spanId) wire.parentSpanId = span.parentSpanContext.spanId;
  if (span.events.length > 0) {
    wire.events = span.events.slice(0, 32).map((e) => ({
      name: e.name,
      timeUnixNano: hrTimeToUnixNano(e.time),
      ...(e.attributes ? { attributes: scalarAttributes(e.attributes) } : {}),
    }));
  }
  return wire;
}
