// IPC envelopes of the telemetry the renderer hands to main (spans, metric events, log
// records). Only the envelope is checked here: the telemetry layer validates each item once
// (client/telemetry/renderer-relay.ts), drops and counts bad ones, and the handler returns
// what was accepted and dropped. Bounds keep one IPC call small: the renderer's batch
// processor sends at most MAX_SPANS_PER_BATCH spans per call.
import { z } from "zod";

export const MAX_SPANS_PER_BATCH = 256;
export const MAX_METRIC_EVENTS_PER_BATCH = 1024;
export const MAX_LOGS_PER_BATCH = 256;

const batch = (max: number) => z.array(z.unknown()).min(1).max(max);

export const RENDERER_SPANS_SCHEMA = z.object({ spans: batch(MAX_SPANS_PER_BATCH) }).strict();
export const RENDERER_METRICS_SCHEMA = z.object({ events: batch(MAX_METRIC_EVENTS_PER_BATCH) }).strict();
export const RENDERER_LOGS_SCHEMA = z.object({ records: batch(MAX_LOGS_PER_BATCH) }).strict();
