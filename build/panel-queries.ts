// Reads the panels and queries back out of a built dashboard: what the manifest lists, the
// lint parses, the diff compares and the e2e runs against the real backends.
import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import type { QueryLanguage } from "./content-types.ts";
import type { ManifestPanel, ManifestQuery } from "./manifest.ts";

const LANGUAGE_OF_TYPE: Readonly<Record<string, QueryLanguage>> = {
  prometheus: "promql",
  loki: "logql",
  tempo: "traceql",
};

/** Every non-row panel, rows flattened (collapsed rows keep theirs in `panels`). */
export function flatPanels(dashboard: Dashboard): Panel[] {
  const out: Panel[] = [];
  for (const p of dashboard.panels ?? []) {
    if (p.type === "row") out.push(...((p as RowPanel).panels ?? []));
    else out.push(p as Panel);
  }
  return out;
}

interface TargetLike {
  refId?: string;
  expr?: string;
  query?: string;
  datasource?: { type?: string; uid?: string };
  hide?: boolean;
  exemplar?: boolean;
}

export function panelQueries(panel: Panel): ManifestQuery[] {
  const queries: ManifestQuery[] = [];
  for (const raw of (panel.targets ?? []) as TargetLike[]) {
    if (raw.hide === true) continue;
    const type = raw.datasource?.type ?? panel.datasource?.type ?? "";
    const language = LANGUAGE_OF_TYPE[type];
    const expr = language === "traceql" ? raw.query : raw.expr;
    if (language === undefined || expr === undefined || expr === "") continue;
    queries.push({ ref: raw.refId ?? "A", language, expr, ...(language === "promql" && raw.exemplar === true ? { exemplar: true as const } : {}) });
  }
  return queries;
}

export function manifestPanels(dashboard: Dashboard): ManifestPanel[] {
  return flatPanels(dashboard).map((p) => ({
    id: p.id ?? 0,
    title: p.title ?? "",
    type: p.type,
    unit: p.fieldConfig?.defaults?.unit,
    queries: panelQueries(p),
  }));
}
