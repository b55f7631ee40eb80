// Known trace ids for k6 requests, shared by the k6 scripts and the runner that looks the
// traces up in Tempo afterwards. Pure: no k6 or Node APIs.

/** Trace id of request `i` of run `runId` (16 hex digits): runId + i as 16 hex digits. */
export function traceIdOf(runId: string, i: number): string {
  return runId + i.toString(16).padStart(16, "0");
}

/** Whether request `i` is sent with the sampled flag: every `every`-th one. */
export function isSampled(i: number, every: number): boolean {
  return i % every === 0;
}

/** W3C traceparent; the span id only has to be non-zero and unique per trace. */
export function traceparent(traceId: string, sampled: boolean): string {
  return `00-${traceId}-${traceId.slice(16).replace(/^0{16}$/, "0000000000000001")}-${sampled ? "01" : "00"}`;
}
