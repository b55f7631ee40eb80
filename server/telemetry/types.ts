import type { Tracer } from "@opentelemetry/api";
import type { ServerInstruments } from "./instruments.ts";
import type { LogEmitter } from "./logs.ts";

/** What the chat server's code records telemetry through; no-ops when the SDK is off. */
export interface ServerTelemetry {
  readonly tracer: Tracer;
  readonly instruments: ServerInstruments;
  readonly log: LogEmitter;
}
