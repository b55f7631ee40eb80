// Panel data links into Explore, added to every time series and table by buildDashboard():
//  - "Explore: <panel>": the panel's own queries (the saved-query form of the panel), on the
//    dashboard's datasource, with the dashboard's variables and time range;
//  - on tables with a trace id column: the trace in Tempo, and the logs of that trace in Loki.
// Explore's URL state (schemaVersion 1) keeps the time range inside the `panes` JSON, not in
// from/to parameters, so `${__url_time_range}` and `${__all_variables}` (dashboard-link
// variables) would be ignored there: the range is `${__from}`/`${__to}` and each dashboard variable
// is interpolated into the query text itself (`${route:regex}`: "All" gives the variable's
// allValue `.*`, several values an alternation, as the panel's own `=~"$route"` matcher gets).
import type { DashboardLink, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { DATASOURCES } from "../../build/content-types.ts";
import { CLIENT_SERVICE, SERVER_SERVICE } from "../../catalog/index.ts";
import { encodeStrict, PANE_ID } from "../../queries/explore-url.ts";
import { DS_VARS, type DsKind } from "./queries.ts";

/** A Grafana field data link (the SDK types `links` as DashboardLink; Grafana reads title/url). */
export interface DataLink {
  readonly title: string;
  readonly url: string;
  readonly targetBlank: boolean;
}

/** Panel kinds that get Explore links. */
export const LINKED_PANEL_TYPES: ReadonlySet<string> = new Set(["timeseries", "table"]);

/** The dashboard's time range as Explore's pane range (epoch ms). */
export const RANGE_PLACEHOLDERS = { from: "${__from}", to: "${__to}" } as const;

/** Columns that hold a trace id: Loki tables' `trace_id` (labelColumns), Tempo search tables' `traceID`. */
export const TRACE_ID_FIELDS = ["trace_id", "traceID"] as const;

const DS_KIND_OF_TYPE: Readonly<Record<string, DsKind>> = Object.fromEntries(
  (Object.keys(DS_VARS) as DsKind[]).map((k) => [DATASOURCES[k].type, k]),
);

interface Target {
  refId?: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  query?: string;
  hide?: boolean;
  [key: string]: unknown;
}

/** `$route` / `${route}` of a dashboard variable → `${route:regex}`; Grafana macros (`$__…`) stay for Explore. */
export function withVariableFormat(text: string, variables: readonly string[]): string {
  return text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (m, a?: string, b?: string) => {
    const name = (a ?? b) as string;
    return variables.includes(name) ? `\${${name}:regex}` : m;
  });
}

/** An Explore URL whose `${…}` placeholders stay raw for Grafana to fill in when the link is clicked. */
export function exploreLinkUrl(datasourceUid: string, queries: readonly Record<string, unknown>[]): string {
  const panes = { [PANE_ID]: { datasource: datasourceUid, queries, range: RANGE_PLACEHOLDERS } };
  const json = JSON.stringify(panes);
  let encoded = encodeStrict(json);
  const placeholders = new Set(json.match(/\$\{[^}"]+\}/g) ?? []);
  for (const p of placeholders) encoded = encoded.split(encodeStrict(p)).join(p);
  return `/explore?schemaVersion=1&panes=${encoded}&orgId=1`;
}

const dsRef = (kind: DsKind) => ({ type: DATASOURCES[kind].type, uid: `\${${DS_VARS[kind]}}` });

/** The Explore links of one panel; `variables` are the dashboard's user variables (not datasources). */
export function exploreDataLinks(panel: Panel, variables: readonly string[], datasources: readonly DsKind[]): DataLink[] {
  if (!LINKED_PANEL_TYPES.has(panel.type)) return [];
  const links: DataLink[] = [];
  const targets = ((panel.targets ?? []) as unknown as Target[]).filter((t) => t.hide !== true);
  const byKind = new Map<DsKind, Record<string, unknown>[]>();
  for (const t of targets) {
    const kind = DS_KIND_OF_TYPE[t.datasource?.type ?? panel.datasource?.type ?? ""];
    if (kind === undefined) continue;
    const { hide: _hide, ...rest } = t;
    const q: Record<string, unknown> = { ...rest, datasource: dsRef(kind) };
    if (typeof t.expr === "string") q["expr"] = withVariableFormat(t.expr, variables);
    if (typeof t.query === "string") q["query"] = withVariableFormat(t.query, variables);
    byKind.set(kind, [...(byKind.get(kind) ?? []), q]);
  }
  for (const [kind, queries] of byKind) {
    links.push({ title: `Explore: ${panel.title ?? "panel"} (${kind})`, url: exploreLinkUrl(`\${${DS_VARS[kind]}}`, queries), targetBlank: true });
  }
  const traceField = tableTraceIdField(panel);
  if (traceField !== undefined && datasources.includes("tempo")) {
    const id = `\${__data.fields.${traceField}}`;
    links.push({
      title: "Trace in Explore",
      url: exploreLinkUrl(`\${${DS_VARS.tempo}}`, [{ refId: "A", datasource: dsRef("tempo"), queryType: "traceql", query: id }]),
      targetBlank: true,
    });
  }
  if (traceField !== undefined && datasources.includes("loki")) {
    const id = `\${__data.fields.${traceField}}`;
    const expr = `{service_name=~"${CLIENT_SERVICE}|${SERVER_SERVICE}"} | trace_id="${id}"`;
    links.push({
      title: "Logs of this trace in Explore",
      url: exploreLinkUrl(`\${${DS_VARS.loki}}`, [{ refId: "A", datasource: dsRef("loki"), expr, queryType: "range", editorMode: "code" }]),
      targetBlank: true,
    });
  }
  return links;
}

/** The trace id column a table shows, if any. */
export function tableTraceIdField(panel: Panel): string | undefined {
  if (panel.type !== "table") return undefined;
  const organize = (panel.transformations ?? []).find((t) => t.id === "organize");
  const columns = Object.keys((organize?.options as { includeByName?: Record<string, boolean> } | undefined)?.includeByName ?? {});
  const fromColumns = TRACE_ID_FIELDS.find((f) => columns.includes(f));
  if (fromColumns !== undefined) return fromColumns;
  // A Tempo search table (tableType traces) has the traceID column.
  const tempo = ((panel.targets ?? []) as unknown as Target[]).some((t) => t.datasource?.type === DATASOURCES.tempo.type && t["tableType"] === "traces");
  return tempo ? "traceID" : undefined;
}

/** Appends the links to the panel's field config (other links it has stay first). */
export function addExploreLinks(panel: Panel, variables: readonly string[], datasources: readonly DsKind[]): void {
  const links = exploreDataLinks(panel, variables, datasources);
  if (links.length === 0) return;
  panel.fieldConfig ??= { defaults: {}, overrides: [] };
  panel.fieldConfig.defaults ??= {};
  panel.fieldConfig.defaults.links = [...(panel.fieldConfig.defaults.links ?? []), ...(links as unknown as DashboardLink[])];
}
