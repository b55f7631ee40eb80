// Validation and conversion of what the renderer hands over IPC (it has no network of its
// own, seed 000): finished spans become OTLP/JSON spans under the renderer's resource, metric
// events go to the catalog instruments, log records to the logger. Each item is checked on
// its own, so one bad item is dropped (and counted) without losing the rest of its batch.
import { z } from "zod";
import { ALL_LOG_EVENTS, ALL_SPAN_FAMILIES, type LogEventDecl } from "../../catalog/index.ts";
import type { OtlpSpanJson } from "./otlp-json.ts";
import type { OtlpKeyValue } from "./redact.ts";
import type { Emitter } from "../../catalog/index.ts";
import type { RendererLogRecord, RendererMetricEvent, RendererSpan } from "./types.ts";

export const MAX_RELAY_ITEMS = 1024;

/**
 * OTel's default span limits (SDK spec, "Span Limits": 128 attributes per span, per event,
 * 128 events) tightened to what main applies to its own spans (telemetry.ts spanLimits).
 */
export const RENDERER_SPAN_LIMITS = { attributeCountLimit: 64, eventCountLimit: 32, attributePerEventCountLimit: 32 } as const;
/** A renderer span must start within this window around main's clock (ms): a day back, 5 min ahead for skew. */
export const SPAN_TIME_WINDOW = { pastMs: 24 * 3600_000, futureMs: 5 * 60_000, maxDurationMs: 3600_000 } as const;

/**
 * Per-value bounds of what the renderer may record, by instrument and unit: a counter step
 * of +1e308 or a gauge of -1e9 would poison every sum and panel downstream (issue 11).
 * Counter steps are sums over the renderer's 5 s buffer (1,000 messages/s is 5,000).
 */
export function rendererValueProblem(decl: { instrument: string; unit: string }, value: number): string | null {
  if (!Number.isFinite(value)) return `value ${value} is not finite`;
  if (decl.instrument === "counter") return value >= 0 && value <= 1e6 ? null : `counter step ${value} is outside [0, 1e6]`;
  if (decl.instrument === "updowncounter") return Math.abs(value) <= 1e4 ? null : `up-down step ${value} is outside [-1e4, 1e4]`;
  const max = decl.unit === "s" ? 3600 : decl.unit === "By" ? 64 * 1024 ** 3 : decl.unit === "1" ? 1 : 1e9;
  return value >= 0 && value <= max ? null : `${decl.instrument} value ${value} is outside [0, ${max}] (${decl.unit})`;
}

const HexId = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const UnixNano = z.string().regex(/^\d{1,20}$/);
const Attributes = z.record(z.string().max(128), z.union([z.string().max(4096), z.number().finite(), z.boolean()]));

export const RendererSpanSchema: z.ZodType<RendererSpan> = z.object({
  traceId: HexId(16),
  spanId: HexId(8),
  parentSpanId: HexId(8).optional(),
  name: z.string().min(1).max(128),
  kind: z.enum(["internal", "server", "client", "producer", "consumer"]).optional(),
  startTimeUnixNano: UnixNano,
  endTimeUnixNano: UnixNano,
  attributes: Attributes.optional(),
  status: z.object({ code: z.enum(["unset", "ok", "error"]), message: z.string().max(1024).optional() }).optional(),
  events: z.array(z.object({ name: z.string().min(1).max(128), timeUnixNano: UnixNano, attributes: Attributes.optional() })).max(32).optional(),
});

const RendererMetricEventSchema: z.ZodType<RendererMetricEvent> = z.object({
  metric: z.string().min(1).max(64),
  value: z.number().finite(),
  labels: z.record(z.string().max(64), z.string().max(128)).optional(),
});

const RendererLogRecordSchema: z.ZodType<RendererLogRecord> = z.object({
  type: z.string().min(1).max(32),
  severity: z.enum(["debug", "info", "warn", "error", "fatal"]),
  body: z.string().max(8192),
  attributes: Attributes.optional(),
  timeUnixMs: z.number().finite().optional(),
});

/** Span names the renderer may send: every name of every family it emits (keeps names bounded). */
export const RENDERER_SPAN_NAMES: ReadonlySet<string> = new Set(
  ALL_SPAN_FAMILIES.filter((f) => f.emittedBy.includes("client-renderer")).flatMap((f) => f.names),
);

const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS = { unset: 0, ok: 1, error: 2 } as const;

export interface Validated<T> {
  valid: T[];
  invalid: number;
  /** First problem, for the diag log. */
  problem: string | null;
}

/**
 * Each item through `schema`, then `extra`. `isPlain` (optional) is a hand-written check of the
 * common, well-formed shape: an item it accepts is taken as it is, without zod, whose parse
 * copies every object and allocated ~5 KB per renderer span (main under a chat flood,
 * bench/client-flood-overhead.ts). It must accept only what the schema accepts unchanged
 * (no unknown keys to strip, no defaults to fill); anything else goes through zod.
 */
function validateEach<T>(input: unknown, schema: z.ZodType<T>, extra: (item: T) => string | null, isPlain?: (item: unknown) => item is T): Validated<T> {
  if (!Array.isArray(input)) return { valid: [], invalid: 1, problem: "expected an array" };
  const valid: T[] = [];
  let invalid = Math.max(0, input.length - MAX_RELAY_ITEMS);
  let problem: string | null = invalid > 0 ? `more than ${MAX_RELAY_ITEMS} items` : null;
  const n = Math.min(input.length, MAX_RELAY_ITEMS);
  for (let i = 0; i < n; i++) {
    const item: unknown = input[i];
    let why: string | null;
    let data: T | undefined;
    if (isPlain?.(item)) {
      data = item;
      why = extra(item);
    } else {
      const r = schema.safeParse(item);
      if (r.success) data = r.data;
      why = r.success ? extra(r.data) : `[${i}].${r.error.issues[0]?.path.join(".") ?? ""}: ${r.error.issues[0]?.message ?? "invalid"}`;
    }
    if (why === null && data !== undefined) valid.push(data);
    else {
      invalid++;
      problem ??= why;
    }
  }
  return { valid, invalid, problem };
}

// --- The fast path of renderer spans: RendererSpanSchema, by hand, for the common shape ----

const HEX_32 = /^[0-9a-f]{32}$/;
const HEX_16 = /^[0-9a-f]{16}$/;
const UNIX_NANO = /^\d{1,20}$/;
const SPAN_KINDS: ReadonlySet<unknown> = new Set(["internal", "server", "client", "producer", "consumer"]);
const STATUS_CODES: ReadonlySet<unknown> = new Set(["unset", "ok", "error"]);

/** A plain object as structured clone delivers it (no class instance, no getters run by zod). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const isString = (v: unknown, min: number, max: number): v is string => typeof v === "string" && v.length >= min && v.length <= max;

/** The Attributes schema: keys up to 128, values a string up to 4,096, a finite number or a boolean. */
function isPlainAttributes(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  for (const key in v) {
    if (!Object.hasOwn(v, key) || key.length > 128) return false;
    const x = v[key];
    if (typeof x === "string" ? x.length > 4096 : typeof x === "number" ? !Number.isFinite(x) : typeof x !== "boolean") return false;
  }
  return true;
}

/** Own keys all among `known` and none of them undefined (zod would drop or reject those). */
function onlyKnownKeys(o: Record<string, unknown>, known: ReadonlySet<string>): boolean {
  for (const key in o) if (!Object.hasOwn(o, key) || !known.has(key) || o[key] === undefined) return false;
  return true;
}

const SPAN_KEYS: ReadonlySet<string> = new Set(["traceId", "spanId", "parentSpanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes", "status", "events"]);
const STATUS_KEYS: ReadonlySet<string> = new Set(["code", "message"]);
const EVENT_KEYS: ReadonlySet<string> = new Set(["name", "timeUnixNano", "attributes"]);

function isPlainEvent(e: unknown): boolean {
  return (
    isPlainObject(e) &&
    onlyKnownKeys(e, EVENT_KEYS) &&
    isString(e.name, 1, 128) &&
    typeof e.timeUnixNano === "string" &&
    UNIX_NANO.test(e.timeUnixNano) &&
    (e.attributes === undefined || isPlainAttributes(e.attributes))
  );
}

/** True when RendererSpanSchema would accept `s` and return it unchanged. */
export function isPlainRendererSpan(s: unknown): s is RendererSpan {
  if (!isPlainObject(s) || !onlyKnownKeys(s, SPAN_KEYS)) return false;
  if (typeof s.traceId !== "string" || !HEX_32.test(s.traceId) || typeof s.spanId !== "string" || !HEX_16.test(s.spanId)) return false;
  if (s.parentSpanId !== undefined && (typeof s.parentSpanId !== "string" || !HEX_16.test(s.parentSpanId))) return false;
  if (!isString(s.name, 1, 128) || (s.kind !== undefined && !SPAN_KINDS.has(s.kind))) return false;
  if (typeof s.startTimeUnixNano !== "string" || !UNIX_NANO.test(s.startTimeUnixNano)) return false;
  if (typeof s.endTimeUnixNano !== "string" || !UNIX_NANO.test(s.endTimeUnixNano)) return false;
  if (s.attributes !== undefined && !isPlainAttributes(s.attributes)) return false;
  if (s.status !== undefined) {
    const st = s.status;
    if (!isPlainObject(st) || !onlyKnownKeys(st, STATUS_KEYS) || !STATUS_CODES.has(st.code)) return false;
    if (st.message !== undefined && !isString(st.message, 0, 1024)) return false;
  }
  if (s.events !== undefined) {
    if (!Array.isArray(s.events) || s.events.length > 32) return false;
    for (const e of s.events) if (!isPlainEvent(e)) return false;
  }
  return true;
}

export function validateRendererSpans(input: unknown, nowMs: number = Date.now()): Validated<RendererSpan> {
  const earliest = BigInt(Math.trunc(nowMs - SPAN_TIME_WINDOW.pastMs)) * 1_000_000n;
  const latest = BigInt(Math.trunc(nowMs + SPAN_TIME_WINDOW.futureMs)) * 1_000_000n;
  const maxDuration = BigInt(SPAN_TIME_WINDOW.maxDurationMs) * 1_000_000n;
  const extra = (s: RendererSpan): string | null => {
    if (!RENDERER_SPAN_NAMES.has(s.name)) return `span name "${s.name.slice(0, 60)}" is not a renderer span family name in the catalog`;
    const start = BigInt(s.startTimeUnixNano);
    const end = BigInt(s.endTimeUnixNano);
    if (end < start) return "span ends before it starts";
    if (start < earliest || end > latest) return "span time is not within a day of main's clock";
    if (end - start > maxDuration) return "span lasts longer than an hour";
    return null;
  };
  return validateEach(input, RendererSpanSchema, extra, isPlainRendererSpan);
}

/** Hand-written check of the common shape first: this path carries ~1,000 events/s, zod only for the odd ones. */
function isPlainMetricEvent(e: unknown): e is RendererMetricEvent {
  if (e === null || typeof e !== "object") return false;
  const o = e as Record<string, unknown>;
  if (typeof o.metric !== "string" || typeof o.value !== "number" || !Number.isFinite(o.value)) return false;
  let keys = 2;
  if (o.labels !== undefined) {
    keys++;
    if (o.labels === null || typeof o.labels !== "object" || Array.isArray(o.labels)) return false;
    for (const v of Object.values(o.labels)) if (typeof v !== "string" || v.length > 128) return false;
  }
  return Object.keys(o).length === keys;
}

export function validateRendererMetrics(input: unknown, allowed: ReadonlySet<string>): Validated<RendererMetricEvent> {
  const unknownMetric = (e: RendererMetricEvent) => (allowed.has(e.metric) ? null : `metric "${e.metric.slice(0, 60)}" is not a renderer metric in the catalog`);
  if (Array.isArray(input) && input.length <= MAX_RELAY_ITEMS && input.every((e) => isPlainMetricEvent(e) && allowed.has(e.metric))) {
    return { valid: input as RendererMetricEvent[], invalid: 0, problem: null };
  }
  return validateEach(input, RendererMetricEventSchema, unknownMetric);
}

/** Log event declarations an emitter may use, by type. */
export function logEventsOf(emitter: Emitter): ReadonlyMap<string, LogEventDecl> {
  return new Map(ALL_LOG_EVENTS.filter((e) => e.emittedBy.includes(emitter)).map((e) => [e.type, e]));
}

export function validateRendererLogs(input: unknown, allowed: ReadonlyMap<string, LogEventDecl>): Validated<RendererLogRecord> {
  return validateEach(input, RendererLogRecordSchema, (r) =>
    allowed.has(r.type) ? null : `log type "${r.type.slice(0, 40)}" is not a renderer log event in the catalog`,
  );
}

/**
 * The first `limit` attributes (OTel span limits) as OTLP/JSON KeyValues, in one pass (the
 * encoding of otlp-json.ts toOtlpAttributes); the rest are counted as dropped.
 */
function limitedOtlpAttributes(attrs: Record<string, string | number | boolean> | undefined, limit: number): { list: OtlpKeyValue[]; dropped: number } {
  const list: OtlpKeyValue[] = [];
  let dropped = 0;
  for (const key in attrs) {
    if (!Object.hasOwn(attrs, key)) continue;
    if (list.length >= limit) {
      dropped++;
      continue;
    }
    const v = attrs[key];
    list.push({
      key,
      value: typeof v === "string" ? { stringValue: v } : typeof v === "boolean" ? { boolValue: v } : Number.isInteger(v) ? { intValue: v as number } : { doubleValue: v as number },
    });
  }
  return { list, dropped };
}

export function rendererSpanToOtlp(s: RendererSpan): OtlpSpanJson {
  const attrs = limitedOtlpAttributes(s.attributes, RENDERER_SPAN_LIMITS.attributeCountLimit);
  const events: NonNullable<OtlpSpanJson["events"]> = [];
  const given = s.events?.length ?? 0;
  for (let i = 0; i < given && i < RENDERER_SPAN_LIMITS.eventCountLimit; i++) {
    const e = s.events![i]!;
    const a = limitedOtlpAttributes(e.attributes, RENDERER_SPAN_LIMITS.attributePerEventCountLimit);
    events.push({ name: e.name, timeUnixNano: e.timeUnixNano, attributes: a.list, droppedAttributesCount: a.dropped });
  }
  const span: OtlpSpanJson = {
    traceId: s.traceId,
    spanId: s.spanId,
    name: s.name,
    kind: KIND[s.kind ?? "internal"],
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    attributes: attrs.list,
    droppedAttributesCount: attrs.dropped,
    events,
    droppedEventsCount: given - events.length,
    status: s.status?.message ? { code: STATUS[s.status.code], message: s.status.message } : { code: STATUS[s.status?.code ?? "unset"] },
  };
  if (s.parentSpanId) span.parentSpanId = s.parentSpanId;
  return span;
}
