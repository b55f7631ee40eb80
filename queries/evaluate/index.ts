// LogQL and TraceQL evaluated on captured OTLP logs and spans, answering as Loki's and Tempo's
// HTTP APIs would: Loki and Tempo (AGPL) do not run here, the gateway's file exporter captures
// what they would have received, and these modules model how they store and query it.
export { DISCOVER_SERVICE_NAME, LOKI_INDEX_LABELS, lokiEntriesFromOtlp, lokiEntryFromOtlp, lokiLabelName, parseJsonLine, parseLogfmtLine, type LokiEntry } from "./loki-otlp-model.ts";
export {
  evaluateLogqlInstant,
  evaluateLogqlRange,
  unsupportedLogql,
  type Labels,
  type LogqlInstantOptions,
  type LogqlRangeOptions,
  type LogqlResult,
  type MatrixResult,
  type StreamsResult,
  type VectorResult,
} from "./logql.ts";
export { evaluateTraceql, unsupportedTraceql, type TempoSearchResponse, type TempoSearchSpan, type TempoSearchTrace, type TraceqlSearchOptions } from "./traceql.ts";
export { attributeValue, INTRINSICS, type TraceqlValue } from "./tempo-otlp-model.ts";
export { SUPPORTED_CONSTRUCTS } from "./supported.ts";
