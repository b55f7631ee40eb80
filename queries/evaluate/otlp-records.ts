// Flattens OTLP/JSON export requests (what the collector's file exporter writes, one request per
// line) into plain records: the input of the LogQL/TraceQL evaluators, the capture reader and the
// test collector. Attributes as objects, ids as hex, enums as names.
// Spec: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding (int64 values arrive as strings).

export type Attributes = Record<string, unknown>;

export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** SpanKind without its prefix: INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER, UNSPECIFIED. */
  kind: string;
  status: { code: "UNSET" | "OK" | "ERROR"; message?: string };
  attributes: Attributes;
  resource: Attributes;
  scope: { name: string; version?: string };
  events: { name: string; attributes: Attributes }[];
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** end − start, in milliseconds. */
  durationMs: number;
}

export type MetricType = "sum" | "gauge" | "histogram" | "exponentialHistogram" | "summary";

export interface FlatMetricPoint {
  name: string;
  type: MetricType;
  unit: string;
  description: string;
  attributes: Attributes;
  resource: Attributes;
  scope: { name: string; version?: string };
  timeUnixNano: string;
  /** Sum and gauge points. */
  value?: number;
  /** Sums only. */
  monotonic?: boolean;
  temporality?: "delta" | "cumulative";
  /** Histogram, exponential histogram and summary points. */
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  /** Explicit-bucket histograms: counts has bounds.length + 1 entries. */
  buckets?: { bounds: number[]; counts: number[] };
  /** Exemplars' trace ids, for exemplar↔trace checks. */
  exemplarTraceIds: string[];
}

export interface FlatLogRecord {
  body: unknown;
  severityText: string;
  severityNumber: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
  attributes: Attributes;
  resource: Attributes;
  scope: { name: string; version?: string };
  timeUnixNano: string;
}

// ---- OTLP/JSON wire shapes (only what we read) ----
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface Scope {
  name?: string;
  version?: string;
}
interface Resource {
  attributes?: KeyValue[];
}

const SPAN_KINDS = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"] as const;
const STATUS_CODES = ["UNSET", "OK", "ERROR"] as const;

export function anyValue(v: AnyValue | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue !== undefined) return attributes(v.kvlistValue.values);
  return null;
}

export function attributes(kvs: KeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of kvs ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

function scopeOf(s: Scope | undefined): { name: string; version?: string } {
  return s?.version ? { name: s.name ?? "", version: s.version } : { name: s?.name ?? "" };
}

/** Enum fields arrive as numbers from the collector, as names from some SDKs. */
function enumName<T extends string>(v: unknown, names: readonly T[], prefix: string): T {
  if (typeof v === "number") return names[v] ?? (names[0] as T);
  if (typeof v === "string") {
    const bare = v.startsWith(prefix) ? v.slice(prefix.length) : v;
    if ((names as readonly string[]).includes(bare)) return bare as T;
  }
  return names[0] as T;
}

const num = (v: string | number | undefined): number | undefined => (v === undefined ? undefined : Number(v));
const nonEmpty = (v: string | undefined): string | undefined => (v ? v : undefined);

interface WireSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: KeyValue[];
  events?: { name?: string; attributes?: KeyValue[] }[];
  status?: { code?: number | string; message?: string };
}
interface TracesRequest {
  resourceSpans?: { resource?: Resource; scopeSpans?: { scope?: Scope; spans?: WireSpan[] }[] }[];
}

export function flattenTraces(req: TracesRequest): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const rs of req.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = scopeOf(ss.scope);
      for (const s of ss.spans ?? []) {
        const start = s.startTimeUnixNano ?? "0";
        const end = s.endTimeUnixNano ?? "0";
        const span: FlatSpan = {
          traceId: s.traceId ?? "",
          spanId: s.spanId ?? "",
          name: s.name ?? "",
          kind: enumName(s.kind, SPAN_KINDS, "SPAN_KIND_"),
          status: { code: enumName(s.status?.code, STATUS_CODES, "STATUS_CODE_") },
          attributes: attributes(s.attributes),
          resource,
          scope,
          events: (s.events ?? []).map((e) => ({ name: e.name ?? "", attributes: attributes(e.attributes) })),
          startTimeUnixNano: start,
          endTimeUnixNano: end,
          durationMs: Number(BigInt(end) - BigInt(start)) / 1e6,
        };
        const parent = nonEmpty(s.parentSpanId);
        if (parent) span.parentSpanId = parent;
        if (s.status?.message) span.status.message = s.status.message;
        out.push(span);
      }
    }
  }
  return out;
}

interface WirePoint {
  attributes?: KeyValue[];
  timeUnixNano?: string;
  asDouble?: number | string;
  asInt?: string | number;
  count?: string | number;
  sum?: number | string;
  min?: number;
  max?: number;
  bucketCounts?: (string | number)[];
  explicitBounds?: number[];
  exemplars?: { traceId?: string }[];
}
interface WireData {
  dataPoints?: WirePoint[];
  aggregationTemporality?: number | string;
  isMonotonic?: boolean;
}
interface WireMetric {
  name?: string;
  unit?: string;
  description?: string;
  sum?: WireData;
  gauge?: WireData;
  histogram?: WireData;
  exponentialHistogram?: WireData;
  summary?: WireData;
}
interface MetricsRequest {
  resourceMetrics?: { resource?: Resource; scopeMetrics?: { scope?: Scope; metrics?: WireMetric[] }[] }[];
}

const TEMPORALITIES = ["unspecified", "delta", "cumulative"] as const;
const METRIC_TYPES: readonly MetricType[] = ["sum", "gauge", "histogram", "exponentialHistogram", "summary"];

export function flattenMetrics(req: MetricsRequest): FlatMetricPoint[] {
  const out: FlatMetricPoint[] = [];
  for (const rm of req.resourceMetrics ?? []) {
    const resource = attributes(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      const scope = scopeOf(sm.scope);
      for (const m of sm.metrics ?? []) {
        const type = METRIC_TYPES.find((t) => m[t] !== undefined);
        if (!type) continue;
        const data = m[type] as WireData;
        for (const p of data.dataPoints ?? []) {
          const point: FlatMetricPoint = {
            name: m.name ?? "",
            type,
            unit: m.unit ?? "",
            description: m.description ?? "",
            attributes: attributes(p.attributes),
            resource,
            scope,
            timeUnixNano: p.timeUnixNano ?? "0",
            exemplarTraceIds: (p.exemplars ?? []).map((e) => e.traceId ?? "").filter(Boolean),
          };
          if (type === "sum" || type === "gauge") point.value = num(p.asDouble) ?? num(p.asInt) ?? 0;
          if (type === "sum") point.monotonic = data.isMonotonic ?? false;
          if (type === "sum" || type === "histogram" || type === "exponentialHistogram") {
            const t = enumName(data.aggregationTemporality, TEMPORALITIES, "AGGREGATION_TEMPORALITY_").toLowerCase();
            if (t === "delta" || t === "cumulative") point.temporality = t;
          }
          if (type === "histogram" || type === "exponentialHistogram" || type === "summary") {
            point.count = num(p.count) ?? 0;
            point.sum = num(p.sum) ?? 0;
            if (p.min !== undefined) point.min = p.min;
            if (p.max !== undefined) point.max = p.max;
          }
          if (type === "histogram") {
            point.buckets = { bounds: p.explicitBounds ?? [], counts: (p.bucketCounts ?? []).map(Number) };
          }
          out.push(point);
        }
      }
    }
  }
  return out;
}

interface WireLog {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number | string;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  traceId?: string;
  spanId?: string;
  eventName?: string;
}
interface LogsRequest {
  resourceLogs?: { resource?: Resource; scopeLogs?: { scope?: Scope; logRecords?: WireLog[] }[] }[];
}

export function flattenLogs(req: LogsRequest): FlatLogRecord[] {
  const out: FlatLogRecord[] = [];
  for (const rl of req.resourceLogs ?? []) {
    const resource = attributes(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      const scope = scopeOf(sl.scope);
      for (const r of sl.logRecords ?? []) {
        const rec: FlatLogRecord = {
          body: anyValue(r.body),
          severityText: r.severityText ?? "",
          severityNumber: typeof r.severityNumber === "number" ? r.severityNumber : Number(r.severityNumber ?? 0) || 0,
          attributes: attributes(r.attributes),
          resource,
          scope,
          timeUnixNano: r.timeUnixNano && r.timeUnixNano !== "0" ? r.timeUnixNano : (r.observedTimeUnixNano ?? "0"),
        };
        const traceId = nonEmpty(r.traceId);
        const spanId = nonEmpty(r.spanId);
        const eventName = nonEmpty(r.eventName);
        if (traceId) rec.traceId = traceId;
        if (spanId) rec.spanId = spanId;
        if (eventName) rec.eventName = eventName;
        out.push(rec);
      }
    }
  }
  return out;
}

/** Parses complete JSON lines; a trailing line without its newline is still being written and waits. */
export function parseJsonLines(text: string, source: string): unknown[] {
  const lines = text.split("\n");
  lines.pop(); // "" after the last newline, or a partial line
  return lines
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      try {
        return JSON.parse(l) as unknown;
      } catch (err) {
        throw new Error(`${source}: line ${i + 1} is not JSON (${(err as Error).message})`);
      }
    });
}
