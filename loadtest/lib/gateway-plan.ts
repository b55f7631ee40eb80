// The gateway load, export by export, shared by the k6 script (loadtest/gateway.ts) and the CI's
// generator (loadtest/runner/gateway.ts, vegeta): iteration i posts payload i % payloads.length
// with its placeholders filled. The payloads themselves are built from the catalog by
// loadtest/runner/gateway-payloads.ts, which explains the placeholders. Pure: no k6 or Node APIs.

/** 16 hex digits per run. */
export const RUN = "__RUN__";
/** 16 hex digits per request. */
export const ITER = "__ITER__";
/** The last 14 of ITER. */
export const ITER14 = "__ITER14__";
/** The request time, nanoseconds since the epoch. */
export const NOW_NS = "__NOW_NS__";

export type Signal = "traces" | "metrics" | "logs";

/** A pre-built OTLP/JSON export shaped like the client's, with its item count (spans, points, records). */
export interface GatewayPayload {
  readonly signal: Signal;
  readonly body: string;
  readonly items: number;
}

export interface GatewayExport {
  readonly signal: Signal;
  /** OTLP/HTTP path, after the receiver's base URL. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly items: number;
}

const JSON_HEADERS = { "content-type": "application/json" } as const;

/** Fills the placeholders of `body` for request `i` of run `runId`, sent at `nowMs`. */
export function fillPayload(body: string, runId: string, i: number, nowMs: number): string {
  const iter = i.toString(16).padStart(16, "0");
  return body.replaceAll(RUN, runId).replaceAll(ITER14, iter.slice(2)).replaceAll(ITER, iter).replaceAll(NOW_NS, `${nowMs}000000`);
}

/** Export `i` of the run (0-based), sent at `nowMs`. */
export function gatewayExport(payloads: readonly GatewayPayload[], runId: string, i: number, nowMs: number): GatewayExport {
  const p = payloads[i % payloads.length];
  if (!p) throw new Error("gateway plan: no payloads");
  return { signal: p.signal, path: `/v1/${p.signal}`, headers: JSON_HEADERS, body: fillPayload(p.body, runId, i, nowMs), items: p.items };
}

/** Items the first `exports` exports carry, per signal and in all. */
export function itemsOf(payloads: readonly GatewayPayload[], exports: number): { readonly total: number; readonly bySignal: Readonly<Record<Signal, number>> } {
  const bySignal: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  const n = payloads.length;
  payloads.forEach((p, k) => {
    // Exports k, k + n, k + 2n, ... below `exports` carry payload k.
    const times = exports > k ? Math.floor((exports - 1 - k) / n) + 1 : 0;
    bySignal[p.signal] += times * p.items;
  });
  return { total: bySignal.traces + bySignal.metrics + bySignal.logs, bySignal };
}

/** An empty export is valid OTLP: 200 means the receiver is up. */
export const READINESS_EXPORT = { path: "/v1/traces", headers: JSON_HEADERS, body: JSON.stringify({ resourceSpans: [] }) } as const;
