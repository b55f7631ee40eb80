import type { Tracer } from "@opentelemetry/api";
import type { ServerInstruments } from "./instruments.ts";
import type { LogEmitter } from "./logs.ts";

/** What the chat server's code records telemetry through; no-ops when the SDK is off. */
export interface ServerTelemetry {
  /** Whether an SDK records; when false every signal is a no-op, so skip building what it would get. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  readonly instruments: ServerInstruments;
  readonly log: LogEmitter;
}
