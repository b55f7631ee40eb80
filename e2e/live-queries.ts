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
import { REPO_ROOT } from "../stack/runner/tools.ts";

export interface LiveQuery {
  /** "dashboard <uid> › panel <id> "<title>" › <ref>" or "saved query <id>". */
  readonly where: string;
  readonly language: QueryLanguage;
  /** As written in the generated content (with template variables). */
  readonly expr: string;
}

/** How a query of each language is proven. */
export const PROOF_OF: Readonly<Record<QueryLanguage, string>> = {
  promql: "executed live on Prometheus",
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
        out.push({ where: `dashboard ${d.uid} › panel ${p.id} "${p.title}" › ${q.ref}`, language: q.language, expr: q.expr });
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
        return { ...q, executed, ok: promHasData(r), detail: `${r.length} series` };
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
