// Lint of everything the build generates. Each problem names where it is: dashboard and
// panel, saved query, rule group and alert, and the expression at fault.
import { parse as parseYaml } from "yaml";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type { QueryLanguage, SavedQuery } from "../content-types.ts";
import { DATASOURCES } from "../content-types.ts";
import type { Generated } from "../generate.ts";
import { flatPanels, panelQueries } from "../panel-queries.ts";
import { lintLogql } from "./logql.ts";
import type { PrometheusRule } from "../../alerts/render/prometheus.ts";
import { lintPromql } from "./promql.ts";
import { lintTraceql } from "./traceql.ts";
import { ALL_METRICS, ALL_SLOS, type SloDecl } from "../../catalog/index.ts";
import { seriesBudget, type SeriesBudgetReport } from "../../catalog/series-budget.ts";
import { PAGE_PAIRS, pairCondition, SLO_WINDOWS, sloRecordName, TICKET_PAIRS } from "../../alerts/slo/rules.ts";
import { pageAlertName, ticketAlertName } from "../../alerts/slo/group.ts";

/** Panel types that show no query data, so a unit means nothing to them. */
const NO_DATA_PANELS = new Set(["text", "dashlist", "news", "row"]);

interface PromtoolFile {
  tests?: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}
interface GrafanaRule {
  uid?: string;
  title: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  data: { refId: string; datasourceUid: string; model: { expr?: string } }[];
}

export interface LintResult {
  readonly problems: string[];
  readonly seriesBudget: SeriesBudgetReport;
  readonly counts: { dashboards: number; panels: number; queries: number; savedQueries: number; alerts: number; recordingRules: number };
}

export function lintGenerated({ files, manifest }: Generated, savedQueries: readonly SavedQuery[], slos: readonly SloDecl[] = ALL_SLOS): LintResult {
  const problems: string[] = [];
  const fileJson = <T>(path: string): T => JSON.parse(files.get(path) as string) as T;
  const fileYaml = <T>(path: string): T => parseYaml(files.get(path) as string) as T;

  const promRules: PrometheusRule[] = manifest.prometheusRuleFiles.flatMap(
    (f) => (fileYaml<{ groups: { rules: PrometheusRule[] }[] }>(f).groups ?? []).flatMap((g) => g.rules),
  );
  const recordingRules = new Set(promRules.flatMap((r) => (r.record ? [r.record] : [])));
  const lintExpr = (language: QueryLanguage, expr: string): string[] =>
    language === "promql" ? lintPromql(expr, { recordingRules }) : language === "logql" ? lintLogql(expr) : lintTraceql(expr);

  /** Every PromQL expression anything evaluates: what a recording rule must appear in. */
  const promqlInUse: string[] = [];
  const panelsById = new Map<string, Set<number>>();
  let queries = 0;
  let panels = 0;
  const uids = new Map<string, string>();
  for (const entry of manifest.dashboards) {
    const dashboard = fileJson<Dashboard>(entry.file);
    const at = `dashboard "${entry.title}" (${entry.uid})`;
    if (uids.has(entry.uid)) problems.push(`${at}: uid also used by ${uids.get(entry.uid)}`);
    uids.set(entry.uid, at);
    if (!dashboard.tags?.includes("generated")) problems.push(`${at}: missing the tag "generated"`);
    if (!dashboard.description) problems.push(`${at}: no description`);
    const variables = dashboard.templating?.list ?? [];
    if (!variables.some((v) => v.type === "datasource")) problems.push(`${at}: no datasource template variable`);
    const panelIds = new Set<number>();
    panelsById.set(entry.uid, panelIds);
    for (const panel of flatPanels(dashboard)) {
      panels++;
      const pat = `${at} › panel "${panel.title ?? "(untitled)"}"`;
      if (panel.id !== undefined && panelIds.has(panel.id)) problems.push(`${pat}: duplicate panel id ${panel.id}`);
      if (panel.id !== undefined) panelIds.add(panel.id);
      if (!panel.description) problems.push(`${pat}: no description`);
      if (NO_DATA_PANELS.has(panel.type)) continue;
      if (!panel.fieldConfig?.defaults?.unit) problems.push(`${pat}: no unit`);
      const ds = panel.datasource;
      if (!ds?.uid) problems.push(`${pat}: no datasource`);
      else if (!ds.uid.startsWith("$")) problems.push(`${pat}: datasource uid "${ds.uid}" is hard-coded; use a datasource template variable`);
      const qs = panelQueries(panel);
      if (qs.length === 0) problems.push(`${pat}: no queries`);
      for (const q of qs) {
        queries++;
        if (q.language === "promql") promqlInUse.push(q.expr);
        for (const e of lintExpr(q.language, q.expr)) problems.push(`${pat} › ${q.ref} (${q.language}) \`${q.expr}\`: ${e}`);
      }
    }
  }

  for (const q of savedQueries) {
    if (q.language === "promql") promqlInUse.push(q.expr);
    for (const e of lintExpr(q.language, q.expr)) problems.push(`saved query ${q.id} (${q.language}) \`${q.expr}\`: ${e}`);
  }

  // Alerts, in their Prometheus form: shape, expression, and promtool cases both ways.
  const cases = new Map<string, { fires: number; silent: number }>();
  for (const f of manifest.promtoolTestFiles) {
    for (const t of fileYaml<PromtoolFile>(f).tests ?? []) {
      for (const a of t.alert_rule_test ?? []) {
        const c = cases.get(a.alertname) ?? { fires: 0, silent: 0 };
        if ((a.exp_alerts ?? []).length > 0) c.fires++;
        else c.silent++;
        cases.set(a.alertname, c);
      }
    }
  }
  let alerts = 0;
  for (const r of promRules) {
    const name = r.alert ?? r.record ?? "(unnamed)";
    const at = r.alert ? `alert ${name}` : `recording rule ${name}`;
    for (const e of lintPromql(r.expr, { recordingRules })) problems.push(`${at} \`${r.expr}\`: ${e}`);
    // A rule never reads itself, so every rule's expression counts as a use of what it names.
    promqlInUse.push(r.expr);
    if (!r.alert) continue;
    alerts++;
    if (!/^[A-Z][A-Za-z0-9]+$/.test(r.alert)) problems.push(`${at}: name must be PascalCase <Component><Symptom>`);
    if (!r.for) problems.push(`${at}: no \`for\``);
    if (!r.labels?.severity) problems.push(`${at}: no severity label`);
    for (const key of ["summary", "description", "runbook_url"]) {
      if (!r.annotations?.[key]) problems.push(`${at}: no ${key} annotation`);
    }
    const c = cases.get(r.alert);
    if (!c || c.fires === 0) problems.push(`${at}: no promtool case where it fires`);
    if (!c || c.silent === 0) problems.push(`${at}: no promtool case where it must not fire`);
    problems.push(...panelLinkProblems(at, r.annotations, panelsById));
  }

  // A recording rule nobody reads costs evaluations and misleads readers (issue 12, defect 8).
  const uses = (name: string) => promqlInUse.some((e) => new RegExp(`(^|[^a-zA-Z0-9_:])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-zA-Z0-9_:])`).test(e));
  for (const record of recordingRules) {
    if (!uses(record)) problems.push(`recording rule ${record}: used by no alert, other rule, panel or saved query; use it or drop it`);
  }

  // SLOs: every window recorded, every window pair of the workbook in its page or ticket alert.
  const alertExpr = new Map(promRules.flatMap((r) => (r.alert ? [[r.alert, r.expr] as const] : [])));
  for (const slo of slos) {
    for (const w of SLO_WINDOWS) {
      if (!recordingRules.has(sloRecordName(slo, w))) problems.push(`SLO ${slo.id}: no recording rule of its error ratio over ${w} (${sloRecordName(slo, w)})`);
    }
    for (const [alert, pairs] of [[pageAlertName(slo), PAGE_PAIRS], [ticketAlertName(slo), TICKET_PAIRS]] as const) {
      const expr = alertExpr.get(alert);
      if (expr === undefined) {
        problems.push(`SLO ${slo.id}: no alert ${alert}`);
        continue;
      }
      for (const p of pairs) {
        if (!expr.includes(pairCondition(slo, p, (w) => sloRecordName(slo, w)))) {
          problems.push(`SLO ${slo.id}: alert ${alert} lacks the window pair ${p.factor}× over ${p.long} and ${p.short}`);
        }
      }
    }
  }
  const budget = seriesBudget(ALL_METRICS);
  problems.push(...budget.problems.map((p) => `series budget: ${p}`));

  // Grafana-managed rules: the same checks on the form Grafana evaluates.
  const ruleUids = new Map<string, string>();
  for (const g of manifest.ruleGroups) {
    for (const r of fileJson<{ rules: GrafanaRule[] }>(g.file).rules) {
      const at = `Grafana rule group "${g.title}" › ${r.title}`;
      if (r.uid) {
        if (ruleUids.has(r.uid)) problems.push(`${at}: uid ${r.uid} also used by ${ruleUids.get(r.uid)}`);
        ruleUids.set(r.uid, at);
      } else problems.push(`${at}: no uid`);
      if (!r.labels?.severity) problems.push(`${at}: no severity label`);
      if (!r.annotations?.runbook_url) problems.push(`${at}: no runbook_url annotation`);
      if (!r.for) problems.push(`${at}: no \`for\``);
      problems.push(...panelLinkProblems(at, r.annotations, panelsById));
      for (const d of r.data) {
        if (d.datasourceUid === DATASOURCES.prometheus.uid && d.model.expr !== undefined) {
          for (const e of lintPromql(d.model.expr, { recordingRules })) problems.push(`${at} › ${d.refId} \`${d.model.expr}\`: ${e}`);
        }
      }
    }
  }

  return {
    problems,
    seriesBudget: budget,
    counts: {
      dashboards: manifest.dashboards.length,
      panels,
      queries,
      savedQueries: savedQueries.length,
      alerts,
      recordingRules: recordingRules.size,
    },
  };
}

/** An alert must link the panel that shows its condition, and that panel must exist. */
function panelLinkProblems(at: string, annotations: Readonly<Record<string, string>> | undefined, panels: ReadonlyMap<string, ReadonlySet<number>>): string[] {
  const uid = annotations?.["__dashboardUid__"];
  const id = annotations?.["__panelId__"];
  if (uid === undefined || id === undefined) return [`${at}: no __dashboardUid__ and __panelId__ annotations (the panel that shows its condition)`];
  const ids = panels.get(uid);
  if (ids === undefined) return [`${at}: __dashboardUid__ ${uid} is no generated dashboard`];
  if (!ids.has(Number(id))) return [`${at}: dashboard ${uid} has no panel ${id}`];
  return [];
}
