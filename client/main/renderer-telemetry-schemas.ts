// Schemas of the telemetry the renderer hands to main (spans, metric events, log records).
// They mirror the wire types of client/telemetry/types.ts; the type assertions at the end
// fail to compile if the two drift apart. Bounds keep one IPC call small: the renderer's
// batch processor sends at most MAX_SPANS_PER_BATCH spans per call.
import { z } from "zod";
import type { RendererLogRecord, RendererMetricEvent, RendererSpan } from "../telemetry/index.ts";

export const MAX_SPANS_PER_BATCH = 256;
export const MAX_METRIC_EVENTS_PER_BATCH = 1024;
export const MAX_LOGS_PER_BATCH = 256;

const HexId = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `expected ${bytes * 2} lowercase hex digits`);
const UnixNano = z.string().regex(/^\d{1,20}$/, "expected epoch nanoseconds as a decimal string");
const AttrValue = z.union([z.string().max(4096), z.number(), z.boolean()]);
const Attributes = z.record(z.string().max(128), AttrValue);

const RendererSpanSchema = z
  .object({
    traceId: HexId(16),
    spanId: HexId(8),
    parentSpanId: HexId(8).optional(),
    name: z.string().min(1).max(128),
    kind: z.enum(["internal", "server", "client", "producer", "consumer"]).optional(),
    startTimeUnixNano: UnixNano,
    endTimeUnixNano: UnixNano,
    attributes: Attributes.optional(),
    status: z.object({ code: z.enum(["unset", "ok", "error"]), message: z.string().max(1024).optional() }).strict().optional(),
    events: z
      .array(z.object({ name: z.string().min(1).max(128), timeUnixNano: UnixNano, attributes: Attributes.optional() }).strict())
      .max(32)
      .optional(),
  })
  .strict();

const RendererMetricEventSchema = z
  .object({
    metric: z.string().min(1).max(64),
    value: z.number().finite(),
    labels: z.record(z.string().max(64), z.string().max(128)).optional(),
  })
  .strict();

const RendererLogRecordSchema = z
  .object({
    type: z.string().min(1).max(32),
    severity: z.enum(["debug", "info", "warn", "error", "fatal"]),
    body: z.string().max(8192),
    attributes: Attributes.optional(),
    timeUnixMs: z.number().finite().optional(),
  })
  .strict();

export const RENDERER_SPANS_SCHEMA = z.object({ spans: z.array(RendererSpanSchema).min(1).max(MAX_SPANS_PER_BATCH) }).strict();
export const RENDERER_METRICS_SCHEMA = z.object({ events: z.array(RendererMetricEventSchema).min(1).max(MAX_METRIC_EVENTS_PER_BATCH) }).strict();
export const RENDERER_LOGS_SCHEMA = z.object({ records: z.array(RendererLogRecordSchema).min(1).max(MAX_LOGS_PER_BATCH) }).strict();

// Compile-time agreement with the telemetry layer's wire types (both directions).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertTrue = <T extends true>(): T | undefined => undefined;
assertTrue<Same<z.output<typeof RendererSpanSchema>, RendererSpan>>();
assertTrue<Same<z.output<typeof RendererMetricEventSchema>, RendererMetricEvent>>();
assertTrue<Same<z.output<typeof RendererLogRecordSchema>, RendererLogRecord>>();
