// Telemetry recorded through the OTel API globals only: no-ops until an SDK registers, and
// importing this loads no SDK code (so telemetry off costs no SDK memory).
import { metrics, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { SERVER_SERVICE } from "../../catalog/index.ts";
import { createServerInstruments } from "./instruments.ts";
import { createLogEmitter } from "./logs.ts";
import type { ServerTelemetry } from "./types.ts";

/** Instrumentation scope of the server's own spans, metrics and logs. */
export const SCOPE = SERVER_SERVICE;
export const SCOPE_VERSION = "0.1.0";

/** `enabled` once the SDK has registered the API globals (sdk.ts); until then they are no-ops. */
export function createServerTelemetry({ enabled = false }: { readonly enabled?: boolean } = {}): ServerTelemetry {
  return {
    enabled,
    tracer: trace.getTracer(SCOPE, SCOPE_VERSION),
    instruments: createServerInstruments(metrics.getMeter(SCOPE, SCOPE_VERSION)),
    log: createLogEmitter(logs.getLogger(SCOPE, SCOPE_VERSION)),
  };
}
