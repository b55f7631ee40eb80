// Every OpenTelemetry SDK value the chat server uses, and the entry point of its one-file build
// (scripts/build-server-sdk.ts). Server code takes these from otel.ts, never from the packages:
// otel.ts loads the built file when it is fresh and this module otherwise. Types still come
// from the packages (`import type`), since they are erased at run time.
export { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, hrTimeToMilliseconds, isTracingSuppressed, millisToHrTime, timeInputToHrTime } from "@opentelemetry/core";
export { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
export { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
export { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
export { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
export { resourceFromAttributes } from "@opentelemetry/resources";
export { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
export { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
export { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, RandomIdGenerator, SimpleSpanProcessor, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace-base";
export { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
