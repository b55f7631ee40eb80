// Clients of the live stack the e2e and the load-test runner query: Prometheus (/api/v1/query,
// /api/v1/query_range) and Alertmanager (/api/v2/alerts) over HTTP; LogQL and TraceQL on the
// captured traces and logs. Every error names the backend, the query and what came back.
import { evaluateLogqlInstant, evaluateLogqlRange, evaluateTraceql, type LogqlResult, type LokiEntry } from "../../queries/evaluate/index.ts";
import { captureReader } from "../capture/capture-reader.ts";
import { DEFAULT_STATE_DIR, readStackState, type StackEndpoints, type StackState } from "../runner/stack-run.ts";

export type { StackEndpoints, StackState };

/** The running native stack (stack:up's state file); fails naming what to run. */
export async function liveStackState(stateDir = process.env["BEACON_STACK_STATE"] ?? DEFAULT_STATE_DIR): Promise<StackState> {
  const state = await readStackState(stateDir);
  if (!state) throw new BackendError(`no running stack (no ${stateDir}/state.json): run \`npm run stack:up\` first`);
  return state;
}

/** Endpoints of the running native stack. */
export async function liveStack(stateDir?: string): Promise<StackEndpoints> {
  return (await liveStackState(stateDir)).endpoints;
}

export class BackendError extends Error {
  override name = "BackendError";
}

async function getJson<T>(backend: string, url: URL, timeoutMs = 30_000): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: Error }).cause?.message;
    throw new BackendError(`${backend} ${url.href}: ${(err as Error).message}${cause ? ` (${cause})` : ""}`);
  }
  const text = await res.text();
  if (!res.ok) throw new BackendError(`${backend} ${url.pathname} answered ${res.status}: ${text.trim().slice(0, 500)}`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new BackendError(`${backend} ${url.pathname} answered non-JSON: ${text.slice(0, 200)}`);
  }
}

const withParams = (base: string, path: string, params: Record<string, string | number>) => {
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  return url;
};

/** Seconds since the epoch, as the query APIs take them. */
export const epochS = (ms: number) => Math.floor(ms / 1000);

export interface PromSeries {
  readonly metric: Record<string, string>;
  /** [epoch seconds, value as text] */
  readonly values?: [number, string][];
  readonly value?: [number, string];
}
interface PromResponse {
  status: string;
  data: { resultType: "matrix" | "vector" | "scalar" | "string"; result: PromSeries[] | [number, string] };
  error?: string;
}

export async function promQueryRange(base: string, expr: string, startMs: number, endMs: number, stepS = 15): Promise<PromSeries[]> {
  const r = await getJson<PromResponse>("Prometheus", withParams(base, "/api/v1/query_range", { query: expr, start: epochS(startMs), end: epochS(endMs), step: stepS }));
  return r.data.result as PromSeries[];
}

/** Instant query; for a range selector (`x[5m]`) the result is a matrix of raw samples. */
export async function promQuery(base: string, expr: string, timeMs = Date.now()): Promise<PromSeries[]> {
  const r = await getJson<PromResponse>("Prometheus", withParams(base, "/api/v1/query", { query: expr, time: timeMs / 1000 }));
  if (r.data.resultType === "scalar" || r.data.resultType === "string") {
    return [{ metric: {}, value: r.data.result as [number, string] }];
  }
  return r.data.result as PromSeries[];
}

/** True when the query returned at least one sample. */
export function promHasData(series: readonly PromSeries[]): boolean {
  return series.some((s) => (s.values?.length ?? 0) > 0 || s.value !== undefined);
}

// Loki and Tempo (AGPL) do not run here: their queries are evaluated on the traces and logs the
// gateway captured (stack/capture/), with Loki's and Tempo's OTLP mapping modelled in
// queries/evaluate/. Same shapes as their HTTP APIs' answers.

export type LokiResult = LogqlResult;

/** Every log entry Loki would hold: the gateway's OTLP logs (mapped as Loki's OTLP endpoint
 *  does) and what was pushed through Loki's push API (logs:import). */
export async function capturedLokiEntries(stack: StackEndpoints): Promise<LokiEntry[]> {
  const reader = captureReader(stack.captureDir);
  const pushed = (await reader.pushedEntries()).map((e) => ({ tsNs: BigInt(e.tsNs), labels: { ...e.labels }, metadata: { ...e.metadata }, line: e.line }));
  return [...(await reader.lokiEntries()), ...pushed];
}

/** LogQL over [startMs, endMs], as /loki/api/v1/query_range would answer it. */
export async function lokiQueryRange(stack: StackEndpoints, expr: string, startMs: number, endMs: number, limit = 1000, stepMs = 15_000): Promise<LokiResult> {
  return evaluateLogqlRange(expr, await capturedLokiEntries(stack), { startMs, endMs, stepMs, limit });
}

/** LogQL at one instant, as /loki/api/v1/query would answer it. */
export async function lokiQuery(stack: StackEndpoints, expr: string, timeMs: number): Promise<LokiResult> {
  return evaluateLogqlInstant(expr, await capturedLokiEntries(stack), { timeMs });
}

export function lokiHasData(r: LokiResult): boolean {
  return (r.result as { values?: unknown[]; value?: unknown }[]).some((s) => (s.values?.length ?? 0) > 0 || s.value !== undefined);
}

export interface TempoSearchResult {
  readonly traces: readonly { traceID: string; rootServiceName?: string; rootTraceName?: string }[];
}

/** TraceQL over [startMs, endMs], as Tempo's /api/search would answer it. */
export async function tempoSearch(stack: StackEndpoints, traceql: string, startMs: number, endMs: number, limit = 20): Promise<TempoSearchResult> {
  return evaluateTraceql(traceql, await captureReader(stack.captureDir).spans(), { startMs, endMs, limit });
}

/** Whether the gateway received any span of the trace (Tempo: GET /api/traces/<id> is 200). */
export async function tempoHasTrace(stack: StackEndpoints, traceId: string): Promise<boolean> {
  const id = traceId.toLowerCase();
  return (await captureReader(stack.captureDir).spans()).some((s) => s.traceId === id);
}

export interface AlertmanagerAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly status: { state: string };
}

export async function alertmanagerAlerts(base: string): Promise<AlertmanagerAlert[]> {
  return getJson<AlertmanagerAlert[]>("Alertmanager", new URL("/api/v2/alerts", base));
}

/** Values of one metric family in Prometheus text exposition, summed over series matching `labels`. */
export function sumExposition(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = m[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => ls.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
