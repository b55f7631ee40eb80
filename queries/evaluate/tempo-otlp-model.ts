// How Tempo exposes an OTLP span to TraceQL: which value a field such as `resource.service.name`,
// `span.http.route`, `.foo`, `name` or `traceDuration` has for a given span, with its type.
// Sources: Tempo docs "Construct a TraceQL query" (https://grafana.com/docs/tempo/latest/traceql/
// construct-traceql-queries/): scoped attributes (`span.`, `resource.`), unscoped `.x` (span
// attribute, else resource attribute), the intrinsics table with types (status enum error/ok/unset,
// kind enum, duration), trace-level intrinsics taken from the root span; and Tempo's
// pkg/traceql/enum_statics.go for the static types (nil, int/float/duration all numeric).
import type { FlatSpan } from "./otlp-records.ts";

export type SpanStatus = "error" | "ok" | "unset";
export type SpanKind = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";

/** A TraceQL value. Ints and floats are one numeric type here: FlatSpan no longer tells them apart,
 * and Tempo compares them numerically anyway. Durations are in nanoseconds. */
export type TraceqlValue =
  | { readonly type: "nil" }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "number"; readonly value: number }
  | { readonly type: "duration"; readonly ns: number }
  | { readonly type: "boolean"; readonly value: boolean }
  | { readonly type: "status"; readonly value: SpanStatus }
  | { readonly type: "kind"; readonly value: SpanKind }
  | { readonly type: "array"; readonly items: readonly TraceqlValue[] };

export const NIL: TraceqlValue = { type: "nil" };

/** Tempo's search API names a trace whose root span it has not seen this way. */
export const ROOT_SPAN_NOT_YET_RECEIVED = "<root span not yet received>";

/** What the trace-level intrinsics read: one trace's spans, its root and its extent. */
export interface TraceContext {
  readonly traceId: string;
  readonly spans: readonly FlatSpan[];
  /** The span without a parent; the earliest if several. */
  readonly root: FlatSpan | undefined;
  readonly startNs: bigint;
  readonly endNs: bigint;
}

/** Spans grouped per trace, each with its root and its extent (min start, max end). */
export function traceContexts(spans: readonly FlatSpan[]): TraceContext[] {
  const byTrace = new Map<string, FlatSpan[]>();
  for (const s of spans) {
    const id = s.traceId.toLowerCase();
    const list = byTrace.get(id) ?? [];
    list.push(s);
    byTrace.set(id, list);
  }
  return [...byTrace].map(([traceId, list]) => {
    const sorted = [...list].sort((a, b) => cmpBig(BigInt(a.startTimeUnixNano), BigInt(b.startTimeUnixNano)) || (a.spanId < b.spanId ? -1 : 1));
    const root = sorted.find((s) => !s.parentSpanId);
    const startNs = sorted.reduce((m, s) => (BigInt(s.startTimeUnixNano) < m ? BigInt(s.startTimeUnixNano) : m), BigInt((sorted[0] as FlatSpan).startTimeUnixNano));
    const endNs = sorted.reduce((m, s) => (BigInt(s.endTimeUnixNano) > m ? BigInt(s.endTimeUnixNano) : m), BigInt((sorted[0] as FlatSpan).endTimeUnixNano));
    return { traceId, spans: sorted, root, startNs, endNs };
  });
}

const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** An attribute value as TraceQL sees it; maps (kvlist) and null have no TraceQL type. */
export function toTraceqlValue(v: unknown): TraceqlValue {
  if (typeof v === "string") return { type: "string", value: v };
  if (typeof v === "number") return { type: "number", value: v };
  if (typeof v === "boolean") return { type: "boolean", value: v };
  if (Array.isArray(v)) return { type: "array", items: v.map(toTraceqlValue) };
  return NIL;
}

export type AttributeScope = "span" | "resource" | "unscoped";

/** `span.x`, `resource.x`, or unscoped `.x` (the span's attribute if it has one, else the resource's). */
export function attributeValue(span: FlatSpan, scope: AttributeScope, key: string): TraceqlValue {
  if (scope === "span") return key in span.attributes ? toTraceqlValue(span.attributes[key]) : NIL;
  if (scope === "resource") return key in span.resource ? toTraceqlValue(span.resource[key]) : NIL;
  const own = attributeValue(span, "span", key);
  return own.type === "nil" ? attributeValue(span, "resource", key) : own;
}

type StaticType = TraceqlValue["type"];

interface Intrinsic {
  readonly type: StaticType;
  readonly get: (span: FlatSpan, trace: TraceContext) => TraceqlValue;
}

const str = (value: string): TraceqlValue => ({ type: "string", value });
const duration = (ns: bigint): TraceqlValue => ({ type: "duration", ns: Number(ns) });
const spanDuration = (s: FlatSpan) => duration(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano));
const status = (s: FlatSpan): TraceqlValue => ({ type: "status", value: s.status.code.toLowerCase() as SpanStatus });
const kind = (s: FlatSpan): TraceqlValue => ({ type: "kind", value: s.kind.toLowerCase() as SpanKind });
const rootName = (_: FlatSpan, t: TraceContext) => (t.root ? str(t.root.name) : NIL);
const rootService = (_: FlatSpan, t: TraceContext) => {
  const name = t.root?.resource["service.name"];
  return typeof name === "string" ? str(name) : NIL;
};
const traceDuration = (_: FlatSpan, t: TraceContext) => duration(t.endNs - t.startNs);

/** Intrinsic fields TraceQL evaluates, by every name Tempo accepts for them, with their types. */
export const INTRINSICS: Readonly<Record<string, Intrinsic>> = {
  name: { type: "string", get: (s) => str(s.name) },
  "span:name": { type: "string", get: (s) => str(s.name) },
  status: { type: "status", get: status },
  "span:status": { type: "status", get: status },
  statusMessage: { type: "string", get: (s) => str(s.status.message ?? "") },
  "span:statusMessage": { type: "string", get: (s) => str(s.status.message ?? "") },
  kind: { type: "kind", get: kind },
  "span:kind": { type: "kind", get: kind },
  duration: { type: "duration", get: spanDuration },
  "span:duration": { type: "duration", get: spanDuration },
  "span:id": { type: "string", get: (s) => str(s.spanId.toLowerCase()) },
  "span:parentID": { type: "string", get: (s) => (s.parentSpanId ? str(s.parentSpanId.toLowerCase()) : NIL) },
  rootName: { type: "string", get: rootName },
  "trace:rootName": { type: "string", get: rootName },
  rootServiceName: { type: "string", get: rootService },
  "trace:rootService": { type: "string", get: rootService },
  traceDuration: { type: "duration", get: traceDuration },
  "trace:duration": { type: "duration", get: traceDuration },
  "trace:id": { type: "string", get: (_, t) => str(t.traceId) },
  "instrumentation:name": { type: "string", get: (s) => str(s.scope.name) },
  "instrumentation:version": { type: "string", get: (s) => (s.scope.version ? str(s.scope.version) : NIL) },
};

/** Tempo's search API writes trace ids without leading zeros (pkg/util TraceIDToHexString). */
export const tempoTraceId = (id: string) => id.toLowerCase().replace(/^0+/, "");
