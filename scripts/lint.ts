// npm run lint: parse every PromQL, LogQL and TraceQL expression with the official grammars,
// check every name against the catalog, and check dashboards, saved queries and alerts.
import { performance } from "node:perf_hooks";
import { generate } from "../build/generate.ts";
import { lintGenerated } from "../build/lint/content.ts";
import { SAVED_QUERIES } from "../queries/saved-queries.ts";
import { SERIES_BUDGET_PER_INSTALL, SERIES_BUDGET_PER_METRIC, SERIES_BUDGET_PER_SERVER } from "../catalog/series-budget.ts";

const t0 = performance.now();
const { problems, counts, seriesBudget } = lintGenerated(generate(), SAVED_QUERIES);
console.log(
  `series budget (worst case from the catalog): ${seriesBudget.perInstall} of ${SERIES_BUDGET_PER_INSTALL} per client install, ` +
    `${seriesBudget.perServer} of ${SERIES_BUDGET_PER_SERVER} per server instance, at most ${SERIES_BUDGET_PER_METRIC} per metric; ` +
    `top metrics: ${seriesBudget.perMetric
      .slice(0, 5)
      .map((m) => `${m.metric} ${m.series}`)
      .join(", ")}`,
);
const ms = (performance.now() - t0).toFixed(0);
const summary = `${counts.dashboards} dashboards, ${counts.panels} panels, ${counts.queries} panel queries, ${counts.savedQueries} saved queries, ${counts.alerts} alerts, ${counts.recordingRules} recording rules`;
if (problems.length > 0) {
  console.error(`lint: ${problems.length} problems in ${summary}:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`lint: ok — ${summary} (${ms} ms)`);
