// Conversions into OTLP/JSON scope objects with the official serializers from
// @opentelemetry/otlp-transformer (the resource is dropped here and re-attached when sent,
// so a journal entry holds only its scopes).
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { JsonLogsSerializer, JsonMetricsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { OtlpKeyValue } from "./redact.ts";

const decoder = new TextDecoder();

export interface OtlpScopeJson {
  scope?: { name?: string; version?: string };
  spans?: OtlpSpanJson[];
  logRecords?: OtlpLogJson[];
  metrics?: { dataPoints?: unknown[]; sum?: { dataPoints?: unknown[] }; gauge?: { dataPoints?: unknown[] }; histogram?: { dataPoints?: unknown[] } }[];
}
export interface OtlpSpanJson {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  events?: { name: string; timeUnixNano: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
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

export const spansToScopes = (spans: ReadableSpan[]) => scopesOf(JsonTraceSerializer.serializeRequest(spans), "resourceSpans", "scopeSpans");
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
