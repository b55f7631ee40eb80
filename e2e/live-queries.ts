// Runs EVERY dashboard panel query (generated/manifest.json) and EVERY saved query
// (SAVED_QUERIES), with template variables filled in the way Grafana would for "All" and a
// 1-hour dashboard, and reports each that returns no data, naming dashboard, panel and query.
// PromQL is executed live on Prometheus; LogQL and TraceQL are evaluated on the traces and logs
// the gateway really received (no Loki or Tempo runs here; see queries/evaluate/).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { QueryLanguage } from "../build/content-types.ts";
import { GENERATED_DIR, type Manifest } from "../build/manifest.ts";
import { interpolate } from "../build/template-vars.ts";
import { SAVED_QUERIES } from "../queries/saved-queries.ts";
import {
  lokiHasData,
  lokiQueryRange,
  promHasData,
  promQueryRange,
  tempoSearch,
  type StackEndpoints,
} from "../stack/clients/backends.ts";
import { captureReader } from "../stack/capture/capture-reader.ts";
import { REPO_ROOT } from "../stack/runner/tools.ts";

export interface LiveQuery {
  /** "dashboard <uid> › panel <id> "<title>" › <ref>" or "saved query <id>". */
  readonly where: string;
  readonly language: QueryLanguage;
  /** As written in the generated content (with template variables). */
  readonly expr: string;
  /** PromQL asking for exemplars (latency panels): one must name a trace the gateway captured. */
  readonly exemplar?: true;
}

/** How a query of each language is proven. */
export const PROOF_OF: Readonly<Record<QueryLanguage, string>> = {
  promql: "executed live on Prometheus (latency panels: with an exemplar naming a captured trace)",
  logql: "evaluated on the logs the gateway captured (Loki's OTLP mapping modelled)",
  traceql: "evaluated on the spans the gateway captured (Tempo's attribute scopes modelled)",
};

export interface QueryOutcome extends LiveQuery {
  readonly executed: string;
  readonly ok: boolean;
  readonly detail: string;
}

export function readManifest(root = REPO_ROOT): Manifest {
  const file = join(root, GENERATED_DIR, "manifest.json");
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Manifest;
  } catch (err) {
    throw new Error(`cannot read ${file} (run \`npm run build\` first): ${(err as Error).message}`);
  }
}

/** Every query the generated content runs: all panel targets, then all saved queries. */
export function allLiveQueries(manifest: Manifest): LiveQuery[] {
  const out: LiveQuery[] = [];
  for (const d of manifest.dashboards) {
    for (const p of d.panels) {
      for (const q of p.queries) {
        out.push({ where: `dashboard ${d.uid} › panel ${p.id} "${p.title}" › ${q.ref}`, language: q.language, expr: q.expr, ...(q.exemplar ? { exemplar: true as const } : {}) });
      }
    }
  }
  for (const q of SAVED_QUERIES) out.push({ where: `saved query ${q.id} "${q.title}"`, language: q.language, expr: q.expr });
  return out;
}

async function runOne(stack: StackEndpoints, q: LiveQuery, startMs: number, endMs: number): Promise<QueryOutcome> {
  const executed = interpolate(q.expr);
  try {
    switch (q.language) {
      case "promql": {
        const r = await promQueryRange(stack.prometheus, executed, startMs, endMs, 15);
        if (!q.exemplar || !promHasData(r)) return { ...q, executed, ok: promHasData(r), detail: `${r.length} series` };
        const traceIds = await exemplarTraceIds(stack.prometheus, executed, startMs, endMs);
        const captured = await firstCaptured(stack, traceIds);
        return {
          ...q,
          executed,
          ok: captured !== undefined,
          detail: `${r.length} series, ${traceIds.length} exemplar trace ids${captured ? `, trace ${captured} captured` : ", none of them a captured trace"}`,
        };
      }
      case "logql": {
        const r = await lokiQueryRange(stack, executed, startMs, endMs, 100);
        return { ...q, executed, ok: lokiHasData(r), detail: `${r.result.length} ${r.resultType}` };
      }
      case "traceql": {
        const r = await tempoSearch(stack, executed, startMs, endMs, 5);
        return { ...q, executed, ok: r.traces.length > 0, detail: `${r.traces.length} traces` };
      }
    }
  } catch (err) {
    return { ...q, executed, ok: false, detail: (err as Error).message };
  }
}

interface ExemplarResponse {
  status: string;
  data: { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string; timestamp: number }[] }[];
}

/**
 * Trace ids of the exemplars Prometheus holds for the selectors of `expr` in [startMs, endMs]
 * (/api/v1/query_exemplars, what Grafana asks for a query with `exemplar: true`). The gateway's
 * span metrics label them trace_id; Tempo's metrics generator, traceID.
 */
export async function exemplarTraceIds(prometheus: string, expr: string, startMs: number, endMs: number): Promise<string[]> {
  const url = new URL("/api/v1/query_exemplars", prometheus);
  url.searchParams.set("query", expr);
  url.searchParams.set("start", String(Math.floor(startMs / 1000)));
  url.searchParams.set("end", String(Math.ceil(endMs / 1000)));
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`Prometheus /api/v1/query_exemplars answered ${res.status}: ${text.trim().slice(0, 300)}`);
  const body = JSON.parse(text) as ExemplarResponse;
  const ids = body.data.flatMap((s) => s.exemplars.map((e) => e.labels["trace_id"] ?? e.labels["traceID"] ?? ""));
  return [...new Set(ids.filter((id) => id !== ""))];
}

/** The first of `traceIds` whose spans the gateway captured (Tempo would find it: tempoHasTrace). */
async function firstCaptured(stack: StackEndpoints, traceIds: readonly string[]): Promise<string | undefined> {
  if (traceIds.length === 0) return undefined;
  // One read of the capture for all ids; tempoHasTrace reads it per id.
  const captured = new Set((await captureReader(stack.captureDir).spans()).map((s) => s.traceId));
  return traceIds.find((id) => captured.has(id.toLowerCase()));
}

/** Runs every query over [startMs, endMs]; a few at a time so the backends are not flooded. */
export async function verifyLiveQueries(stack: StackEndpoints, queries: readonly LiveQuery[], startMs: number, endMs: number, concurrency = 4): Promise<QueryOutcome[]> {
  const outcomes: QueryOutcome[] = new Array(queries.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < queries.length) {
        const i = next++;
        outcomes[i] = await runOne(stack, queries[i] as LiveQuery, startMs, endMs);
      }
    }),
  );
  return outcomes;
}
