// Opt-in fault switch, so end-to-end tests can prove the error paths against a real server:
// 5xx panels and alerts, forced sampling of errors, and eviction from the forced-sampling
// buffer. Off unless CHAT_SERVER_FAULT_INJECTION=true; when off the header is ignored.
import type { IncomingMessage } from "node:http";
import { ApiError } from "./errors.ts";

export const FAULT_HEADER = "x-beacon-fault";

/**
 * "500": the handler fails with an unexpected exception after the route matched (a real 500,
 *        error span, error log). "delay": the request is handled, then its answer is held for
 *        FAULT_DELAY_MS, so a burst of requests keeps many spans open at once.
 */
export type Fault = "500" | "delay";
const FAULTS: readonly Fault[] = ["500", "delay"];
export const FAULT_DELAY_MS = 300;

/** The unexpected exception an injected "500" throws (not an ApiError: those are client faults). */
export class InjectedFault extends Error {
  override name = "InjectedFault";
}

/** The fault a request asks for, or undefined; an unknown value is the caller's mistake (400). */
export function requestedFault(req: IncomingMessage, enabled: boolean): Fault | undefined {
  const value = req.headers[FAULT_HEADER];
  if (!enabled || value === undefined) return undefined;
  const fault = FAULTS.find((f) => f === value);
  if (fault === undefined) throw new ApiError(400, "invalid_fault", `${FAULT_HEADER} must be one of ${FAULTS.join(", ")}; got ${JSON.stringify(value)}`);
  return fault;
}
