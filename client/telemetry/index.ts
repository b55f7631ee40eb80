// Public surface of the client's telemetry layer. Exports only.
export type * from "./types.ts";
export { loadTelemetryConfig, mapMainViteEnv, parseOtlpHeaders, DEFAULT_CONFIG, reportConfigProblems } from "./config.ts";
export { createTelemetry } from "./telemetry.ts";
export { httpHealthCheck } from "./health.ts";
export { redactString } from "./redact.ts";
