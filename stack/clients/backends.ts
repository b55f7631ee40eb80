// Thin HTTP clients for the live backends the e2e and the load-test runner query: Prometheus
// (/api/v1/query, /api/v1/query_range), Loki (/loki/api/v1/query_range), Tempo (/api/search,
// /api/traces/<id>) and Alertmanager (/api/v2/alerts). Every error names the backend, the
// query and what came back.
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

export interface LokiResult {
  readonly resultType: "streams" | "matrix" | "vector";
  readonly result: { stream?: Record<string, string>; metric?: Record<string, string>; values?: [string, string][]; value?: [number, string] }[];
}

export async function lokiQueryRange(base: string, expr: string, startMs: number, endMs: number, limit = 1000): Promise<LokiResult> {
  const r = await getJson<{ data: LokiResult }>(
    "Loki",
    withParams(base, "/loki/api/v1/query_range", { query: expr, start: `${startMs}000000`, end: `${endMs}000000`, limit, direction: "backward" }),
  );
  return r.data;
}

export async function lokiQuery(base: string, expr: string, timeMs: number): Promise<LokiResult> {
  const r = await getJson<{ data: LokiResult }>("Loki", withParams(base, "/loki/api/v1/query", { query: expr, time: `${timeMs}000000` }));
  return r.data;
}

export function lokiHasData(r: LokiResult): boolean {
  return r.result.some((s) => (s.values?.length ?? 0) > 0 || s.value !== undefined);
}

export interface TempoSearchResult {
  readonly traces: { traceID: string; rootServiceName?: string; rootTraceName?: string }[];
}

export async function tempoSearch(base: string, traceql: string, startMs: number, endMs: number, limit = 20): Promise<TempoSearchResult> {
  const r = await getJson<Partial<TempoSearchResult>>(
    "Tempo",
    withParams(base, "/api/search", { q: traceql, start: epochS(startMs), end: epochS(endMs) + 1, limit }),
  );
  return { traces: r.traces ?? [] };
}

/** Whether Tempo has the trace (GET /api/traces/<id>: 200 found, 404 not). */
export async function tempoHasTrace(base: string, traceId: string): Promise<boolean> {
  const url = new URL(`/api/traces/${traceId}`, base);
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  if (res.status === 404) return false;
  if (!res.ok) throw new BackendError(`Tempo ${url.pathname} answered ${res.status}`);
  return true;
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
