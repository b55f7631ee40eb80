// Conversions into OTLP/JSON scope objects (the resource is dropped here and re-attached when
// sent, so a journal entry holds only its scopes). Logs and metrics go through the official
// serializers from @opentelemetry/otlp-transformer; spans, journaled one by one as each ends,
// are converted directly into the same JSON (field for field what JsonTraceSerializer writes):
// serializing to bytes, decoding and parsing back was half of the telemetry's CPU time in
// bench/client-telemetry-overhead.ts.
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { JsonLogsSerializer, JsonMetricsSerializer } from "@opentelemetry/otlp-transformer";
import type { Attributes, AttributeValue, HrTime, SpanContext } from "@opentelemetry/api";
import type { OtlpAnyValue, OtlpKeyValue } from "./redact.ts";

const decoder = new TextDecoder();

export interface OtlpScopeJson {
  scope?: { name?: string; version?: string };
  schemaUrl?: string;
  spans?: OtlpSpanJson[];
  logRecords?: OtlpLogJson[];
  metrics?: { dataPoints?: unknown[]; sum?: { dataPoints?: unknown[] }; gauge?: { dataPoints?: unknown[] }; histogram?: { dataPoints?: unknown[] } }[];
}
export interface OtlpSpanJson {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events?: { name: string; timeUnixNano: string; attributes?: OtlpKeyValue[]; droppedAttributesCount?: number }[];
  droppedEventsCount?: number;
  status?: { code?: number; message?: string };
  links?: { traceId: string; spanId: string; traceState?: string; attributes?: OtlpKeyValue[]; droppedAttributesCount?: number; flags?: number }[];
  droppedLinksCount?: number;
  flags?: number;
}
export interface OtlpLogJson {
  timeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: { stringValue?: string };
  attributes?: OtlpKeyValue[];
  traceId?: string;
  spanId?: string;
}

function scopesOf(bytes: Uint8Array | undefined, resourceKey: string, scopeKey: string): OtlpScopeJson[] {
  if (!bytes) return [];
  const req = JSON.parse(decoder.decode(bytes)) as Record<string, Record<string, OtlpScopeJson[]>[]>;
  return (req[resourceKey] ?? []).flatMap((r) => r[scopeKey] ?? []);
}

/** What JsonTraceSerializer.serializeRequest() would put in scopeSpans, without the bytes round trip. */
export function spansToScopes(spans: readonly ReadableSpan[]): OtlpScopeJson[] {
  const byScope = new Map<ReadableSpan["instrumentationScope"], OtlpSpanJson[]>();
  for (const span of spans) {
    const list = byScope.get(span.instrumentationScope);
    if (list) list.push(spanToOtlp(span));
    else byScope.set(span.instrumentationScope, [spanToOtlp(span)]);
  }
  return [...byScope].map(([scope, list]) => ({
    scope: { name: scope.name, ...(scope.version !== undefined ? { version: scope.version } : {}) },
    spans: list,
    ...(scope.schemaUrl ? { schemaUrl: scope.schemaUrl } : {}),
  }));
}

/** Same encoding as the JSON encoder of otlp-transformer (nanoseconds as a decimal string). */
const hrTimeToNanos = (t: HrTime): string => (BigInt(Math.trunc(t[0])) * 1_000_000_000n + BigInt(Math.trunc(t[1]))).toString();

function toAnyValue(v: unknown): OtlpAnyValue {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString("base64") };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(toAnyValue) } };
  if (v !== null && typeof v === "object") return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: toAnyValue(x) })) } };
  return {};
}

const toKeyValues = (attrs: Attributes): OtlpKeyValue[] => Object.keys(attrs).map((key) => ({ key, value: toAnyValue(attrs[key] as AttributeValue | undefined) }));

/** OTLP span flags: W3C trace flags plus the "is remote is known" and "is remote" bits. */
const spanFlags = (ctx: SpanContext | undefined, traceFlags: number) => (traceFlags & 0xff) | 0x100 | (ctx?.isRemote ? 0x200 : 0);

function spanToOtlp(span: ReadableSpan): OtlpSpanJson {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext;
  const traceState = ctx.traceState?.serialize();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    ...(parent?.spanId ? { parentSpanId: parent.spanId } : {}),
    ...(traceState !== undefined ? { traceState } : {}),
    name: span.name,
    kind: span.kind + 1,
    startTimeUnixNano: hrTimeToNanos(span.startTime),
    endTimeUnixNano: hrTimeToNanos(span.endTime),
    attributes: toKeyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((e) => ({
      attributes: e.attributes ? toKeyValues(e.attributes) : [],
      name: e.name,
      timeUnixNano: hrTimeToNanos(e.time),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: span.droppedEventsCount,
    status: { code: span.status.code, ...(span.status.message !== undefined ? { message: span.status.message } : {}) },
    links: span.links.map((l) => {
      const linkState = l.context.traceState?.serialize();
      return {
        attributes: l.attributes ? toKeyValues(l.attributes) : [],
        spanId: l.context.spanId,
        traceId: l.context.traceId,
        ...(linkState !== undefined ? { traceState: linkState } : {}),
        droppedAttributesCount: l.droppedAttributesCount ?? 0,
        flags: spanFlags(l.context, l.context.traceFlags),
      };
    }),
    droppedLinksCount: span.droppedLinksCount,
    flags: spanFlags(parent, ctx.traceFlags),
  };
}
export const logsToScopes = (logs: ReadableLogRecord[]) => scopesOf(JsonLogsSerializer.serializeRequest(logs), "resourceLogs", "scopeLogs");
export const metricsToScopes = (rm: ResourceMetrics) => scopesOf(JsonMetricsSerializer.serializeRequest(rm), "resourceMetrics", "scopeMetrics");

/** Data points in metric scopes: the item count of a metrics entry. */
export function countDataPoints(scopes: OtlpScopeJson[]): number {
  let n = 0;
  for (const s of scopes) for (const m of s.metrics ?? []) n += (m.sum ?? m.gauge ?? m.histogram)?.dataPoints?.length ?? 0;
  return n;
}

/** Flat attribute map -> OTLP/JSON KeyValue list. */
export function toOtlpAttributes(attrs: Record<string, string | number | boolean>): OtlpKeyValue[] {
  return Object.entries(attrs).map(([key, v]) => ({
    key,
    value:
      typeof v === "string"
        ? { stringValue: v }
        : typeof v === "boolean"
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: v }
            : { doubleValue: v },
  }));
}

/** The sum points of one metric in journaled scopes, as values with flat string attributes. */
export function metricPoints(scopes: OtlpScopeJson[], name: string): { value: number; attributes: Record<string, string> }[] {
  type Point = { attributes?: OtlpKeyValue[]; asDouble?: number | string; asInt?: number | string };
  const out: { value: number; attributes: Record<string, string> }[] = [];
  for (const s of scopes)
    for (const m of (s.metrics ?? []) as { name?: string; sum?: { dataPoints?: Point[] } }[]) {
      if (m.name !== name) continue;
      for (const p of m.sum?.dataPoints ?? []) {
        const attributes = Object.fromEntries((p.attributes ?? []).map((kv) => [kv.key, String(Object.values(kv.value ?? {})[0])]));
        out.push({ value: Number(p.asDouble ?? p.asInt ?? 0), attributes });
      }
    }
  return out;
}

/** A point's identity within its metric: its attributes, in any order. */
export const attributesKey = (attributes: readonly { key: string; value: unknown }[] | undefined): string =>
  JSON.stringify((attributes ?? []).map((a) => [a.key, a.value]).sort(([a], [b]) => String(a).localeCompare(String(b))));

/** A scope's identity: name and version (points of two releases never mix). */
export const scopeKey = (s: OtlpScopeJson): string => `${s.scope?.name ?? ""}@${s.scope?.version ?? ""}`;
