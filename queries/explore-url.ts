// Grafana Explore URLs in the current `panes` format (schemaVersion 1):
//   /explore?schemaVersion=1&panes=<JSON {"<paneId>": ExploreUrlState}>&orgId=1
// ExploreUrlState is {datasource, queries, range}; see grafana/grafana
// public/app/features/explore/state/url (ExploreURLV1: `schemaVersion: 1`,
// `panes: {[id]: ExploreUrlState}`) and Grafana's own links, which render
// `/explore?panes=<JSON>&schemaVersion=1` with urlUtil.renderUrl.
import { DATASOURCES, type DatasourceKey, type QueryLanguage, type SavedQuery } from "../build/content-types.ts";

export type QueryDatasourceKey = Exclude<DatasourceKey, "alertmanager">;

export const DATASOURCE_OF: Readonly<Record<QueryLanguage, QueryDatasourceKey>> = {
  promql: "prometheus",
  logql: "loki",
  traceql: "tempo",
};

/** Pane ids are free-form; a fixed one keeps the URLs byte-stable. */
export const PANE_ID = "beacon";
export const DEFAULT_RANGE = { from: "now-1h", to: "now" } as const;

export interface ExploreOptions {
  /** Datasource uid; defaults to the provisioned one (DATASOURCES). May be a `${var}` reference. */
  readonly datasourceUid?: string;
  readonly range?: { readonly from: string; readonly to: string };
  readonly orgId?: number;
}

export interface ExplorePane {
  readonly datasource: string;
  readonly queries: readonly Record<string, unknown>[];
  readonly range: { readonly from: string; readonly to: string };
}

/**
 * The datasource query of a saved query, as Explore and the query library store it:
 * Prometheus and Loki put the expression in `expr`, Tempo's TraceQL search in `query`.
 */
export function datasourceQuery(q: SavedQuery, datasourceUid?: string): Record<string, unknown> {
  const kind = DATASOURCE_OF[q.language];
  const datasource = { type: DATASOURCES[kind].type, uid: datasourceUid ?? DATASOURCES[kind].uid };
  switch (q.language) {
    case "promql":
      return { refId: "A", datasource, expr: q.expr, editorMode: "code", range: true, instant: false };
    case "logql":
      return { refId: "A", datasource, expr: q.expr, queryType: "range", editorMode: "code" };
    case "traceql":
      return { refId: "A", datasource, query: q.expr, queryType: "traceql", limit: 20, tableType: "traces" };
  }
}

export function explorePanes(q: SavedQuery, opts: ExploreOptions = {}): Record<string, ExplorePane> {
  const query = datasourceQuery(q, opts.datasourceUid);
  const uid = (query.datasource as { uid: string }).uid;
  return { [PANE_ID]: { datasource: uid, queries: [query], range: opts.range ?? DEFAULT_RANGE } };
}

/** encodeURIComponent plus !'()*, so the URL also survives inside a Markdown link. */
export function encodeStrict(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A path relative to Grafana's root, so one link works on any host or Grafana Cloud stack. */
export function exploreUrl(q: SavedQuery, opts: ExploreOptions = {}): string {
  let panes = encodeStrict(JSON.stringify(explorePanes(q, opts)));
  // A `${var}` datasource stays raw so a text panel can interpolate it.
  if (opts.datasourceUid?.includes("$")) panes = panes.split(encodeStrict(opts.datasourceUid)).join(opts.datasourceUid);
  return `/explore?schemaVersion=1&panes=${panes}&orgId=${opts.orgId ?? 1}`;
}

/** Reads an Explore URL back (tests, and anyone checking a link by hand). */
export function parseExploreUrl(url: string): { schemaVersion: number; orgId: number; panes: Record<string, ExplorePane> } {
  const parsed = new URL(url, "http://grafana.invalid");
  if (parsed.pathname !== "/explore") throw new Error(`not an Explore URL: ${url}`);
  const panes = parsed.searchParams.get("panes");
  if (panes === null) throw new Error(`Explore URL has no panes parameter: ${url}`);
  return {
    schemaVersion: Number(parsed.searchParams.get("schemaVersion")),
    orgId: Number(parsed.searchParams.get("orgId")),
    panes: JSON.parse(panes) as Record<string, ExplorePane>,
  };
}
