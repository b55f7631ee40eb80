// Panels of the Explore shortcuts dashboard, built from SAVED_QUERIES: a table of Explore
// links per query language, and a live TraceQL search panel per trace query.
import * as units from "@grafana/grafana-foundation-sdk/units";
import type { QueryLanguage, SavedQuery } from "../../build/content-types.ts";
import { DATASOURCE_OF, exploreUrl } from "../../queries/explore-url.ts";
import { DS, DS_VARS, tempoQuery } from "../common/queries.ts";
import { defaultTable, defaultText } from "../common/styles.ts";

const LANGUAGE_NAMES: Readonly<Record<QueryLanguage, string>> = { traceql: "TraceQL", logql: "LogQL", promql: "PromQL" };

/** Text safe inside a Markdown table cell: no column breaks, no emphasis from `*` or `_`. */
const cell = (s: string) => s.replace(/[|*_[\]\\]/g, (c) => `\\${c}`).replace(/\n/g, " ");

/**
 * A Markdown table of Explore links. The datasource uid in each link is the dashboard's
 * datasource variable, which the text panel interpolates, so links open the datasource
 * the dashboard is looking at on any Grafana.
 */
export function exploreLinksText(language: QueryLanguage, queries: readonly SavedQuery[]) {
  const ds = `\${${DS_VARS[DATASOURCE_OF[language]]}}`;
  const rows = queries.map((q) => `| [${cell(q.title)}](${exploreUrl(q, { datasourceUid: ds })}) | ${cell(q.description)} |`);
  return defaultText()
    .title(`${LANGUAGE_NAMES[language]} shortcuts`)
    .description(`Saved ${LANGUAGE_NAMES[language]} queries: each link opens it in Explore on the dashboard's ${DATASOURCE_OF[language]} datasource. The same queries are in the query library.`)
    .content([`| Query | What it shows |`, `| --- | --- |`, ...rows].join("\n"));
}

/** Matching traces of one saved TraceQL query, as a table of trace ids, names and durations. */
export function traceSearchTable(q: SavedQuery) {
  if (q.language !== "traceql") throw new Error(`saved query ${q.id} is ${q.language}, not TraceQL`);
  return defaultTable()
    .datasource(DS.tempo)
    .title(q.title)
    .description(q.description)
    .unit(units.String)
    .withTarget(tempoQuery(q.expr));
}
