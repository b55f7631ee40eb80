// `npm run e2e` (with `npm run stack:up` running and `npm run build` done): the live proof.
//  1. a scripted session: chat server + client harness (main in Node, renderer in Chromium),
//     both exporting to the stack's gateway (e2e/session.ts);
//  2. EVERY dashboard panel query and EVERY saved query, template variables filled in: PromQL
//     executed on Prometheus, LogQL and TraceQL evaluated on the traces and logs the gateway
//     captured; any that returns no data fails, named (e2e/live-queries.ts);
//  3. every generated alert loaded in Prometheus; one alert provoked until Alertmanager shows
//     it firing (e2e/alert-fire.ts).
// Flags: --skip-session (query what is already there), --skip-alert.
// Figures: results/e2e.json.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { checkRulesLoaded, provokeAlert } from "../e2e/alert-fire.ts";
import { allLiveQueries, PROOF_OF, readManifest, verifyLiveQueries, type QueryOutcome } from "../e2e/live-queries.ts";
import type { QueryLanguage } from "../build/content-types.ts";
import { runE2eSession, type E2eSession } from "../e2e/session.ts";
import { liveStackState } from "../stack/clients/backends.ts";
import { REPO_ROOT } from "../stack/runner/tools.ts";

/** How long queries may keep coming back empty after the session (batching, remote write, file flush). */
const SETTLE_MS = 120_000;
const RETRY_EVERY_MS = 10_000;
/** With --skip-session, how far back the queries look. */
const LOOKBACK_MS = 60 * 60_000;

const { values: flags } = parseArgs({ options: { "skip-session": { type: "boolean" }, "skip-alert": { type: "boolean" } } });
const log = (line: string) => console.log(`[e2e] ${line}`);

const stackState = await liveStackState();
const stack = stackState.endpoints;
const manifest = readManifest();
const queries = allLiveQueries(manifest);
const panelQueries = queries.filter((q) => q.where.startsWith("dashboard ")).length;
log(`${manifest.dashboards.length} dashboards with ${panelQueries} panel queries, ${queries.length - panelQueries} saved queries`);

let session: E2eSession | undefined;
if (!flags["skip-session"]) session = await runE2eSession(stack, log);
const startMs = (session?.startedAt ?? Date.now() - LOOKBACK_MS) - 60_000;

// Poll until every query has data or the settle time is up; only the empty ones are re-run.
let outcomes: QueryOutcome[] = [];
const deadline = Date.now() + SETTLE_MS;
let pending = queries;
const done = new Map<string, QueryOutcome>();
for (;;) {
  const round = await verifyLiveQueries(stack, pending, startMs, Date.now());
  for (const o of round) done.set(`${o.where} ${o.expr}`, o);
  pending = round.filter((o) => !o.ok);
  if (pending.length === 0 || Date.now() > deadline) break;
  log(`${queries.length - pending.length}/${queries.length} queries have data; retrying ${pending.length} in ${RETRY_EVERY_MS / 1000} s`);
  await new Promise((r) => setTimeout(r, RETRY_EVERY_MS));
}
outcomes = queries.map((q) => done.get(`${q.where} ${q.expr}`) as QueryOutcome);
const failed = outcomes.filter((o) => !o.ok);
const verifiedPanels = outcomes.filter((o) => o.ok && o.where.startsWith("dashboard ")).length;
const verifiedSaved = outcomes.filter((o) => o.ok && o.where.startsWith("saved query ")).length;
for (const f of failed) console.error(`NO DATA  ${f.where}\n         ${f.language}: ${f.executed}\n         (${f.detail})`);
log(`verified live: ${verifiedPanels}/${panelQueries} panel queries, ${verifiedSaved}/${queries.length - panelQueries} saved queries`);
const byLanguage = Object.fromEntries(
  (Object.keys(PROOF_OF) as QueryLanguage[]).map((language) => {
    const of = outcomes.filter((o) => o.language === language);
    return [language, { proof: PROOF_OF[language], total: of.length, verified: of.filter((o) => o.ok).length }];
  }),
);
for (const [language, p] of Object.entries(byLanguage)) log(`  ${language.padEnd(8)} ${p.verified}/${p.total} ${p.proof}`);

const problems = failed.map((f) => `no data: ${f.where}`);
let alert: Awaited<ReturnType<typeof provokeAlert>> | undefined;
let rules: Awaited<ReturnType<typeof checkRulesLoaded>> | undefined;
if (!flags["skip-alert"]) {
  rules = await checkRulesLoaded(stack, manifest);
  log(`alert rules loaded in Prometheus: ${rules.loaded}/${rules.expected}`);
  problems.push(...rules.problems);
  alert = await provokeAlert(stack, stackState.scratchRulesDir, manifest);
  log(`provoked ${alert.alert}: ${alert.detail}`);
  if (!alert.firingInAlertmanager) problems.push(`${alert.alert} did not fire in Alertmanager`);
  if (!alert.pendingInPrometheus) problems.push(`generated rule ${alert.alert} did not go pending in Prometheus`);
}

await mkdir(join(REPO_ROOT, "results"), { recursive: true });
await writeFile(
  join(REPO_ROOT, "results", "e2e.json"),
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      session: session ? { ...session, pageErrors: session.pageErrors.length } : null,
      queries: { panel: { total: panelQueries, verified: verifiedPanels }, saved: { total: queries.length - panelQueries, verified: verifiedSaved }, byLanguage },
      failed: failed.map((f) => ({ where: f.where, language: f.language, query: f.executed, detail: f.detail })),
      rules,
      alert,
    },
    null,
    2,
  )}\n`,
);
if (problems.length > 0) {
  console.error(`\ne2e FAILED (${problems.length}):\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
log("e2e passed: every panel and saved query returned data (PromQL live, LogQL and TraceQL on captured telemetry); the provoked alert fired");
