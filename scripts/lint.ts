// npm run lint: parse every PromQL, LogQL and TraceQL expression with the official grammars,
// check every name against the catalog, and check dashboards, saved queries and alerts.
import { performance } from "node:perf_hooks";
import { generate } from "../build/generate.ts";
import { lintGenerated } from "../build/lint/content.ts";
import { SAVED_QUERIES } from "../queries/saved-queries.ts";

const t0 = performance.now();
const { problems, counts } = lintGenerated(generate(), SAVED_QUERIES);
const ms = (performance.now() - t0).toFixed(0);
const summary = `${counts.dashboards} dashboards, ${counts.panels} panels, ${counts.queries} panel queries, ${counts.savedQueries} saved queries, ${counts.alerts} alerts, ${counts.recordingRules} recording rules`;
if (problems.length > 0) {
  console.error(`lint: ${problems.length} problems in ${summary}:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`lint: ok — ${summary} (${ms} ms)`);
