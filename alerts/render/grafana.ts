// A rule group as a Grafana-managed rule group, in the provisioning API's RuleGroup shape
// (PUT /api/v1/provisioning/folder/{folderUid}/rule-groups/{group}). Each rule is
// A: the PromQL query (instant) → B: reduce to the last value → C: threshold on B.
import { QueryBuilder, RuleBuilder, RuleGroupBuilder, type RuleGroup as GrafanaRuleGroup } from "@grafana/grafana-foundation-sdk/alerting";
import { TypeReduceBuilder, TypeThresholdBuilder } from "@grafana/grafana-foundation-sdk/expr";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { DATASOURCES, FOLDERS } from "../../build/content-types.ts";
import { GRAFANA_REDUCE_REF, GRAFANA_VALUE, grafanaQuery, grafanaStates, grafanaThreshold } from "../expr.ts";
import { alertLabels } from "../labels.ts";
import { alertAnnotations } from "../runbook.ts";
import type { AlertRule, Duration, RuleGroup } from "../types.ts";

const QUERY_REF = "A";
const CONDITION_REF = "C";
/** Server-side expressions run in Grafana itself, addressed by this pseudo-datasource. */
const EXPR_DATASOURCE = { type: "__expr__", uid: "__expr__" } as const;
/** Grafana's provisioning API stores rules per organisation; file provisioning defaults to 1 too. */
const ORG_ID = 1;

/** Seconds in a Prometheus duration ("1h30m" → 5400); Grafana's group interval is in seconds. */
export function durationSeconds(d: Duration): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const re = /(\d+)(ms|s|m|h|d|w|y)/g;
  let total = 0;
  let consumed = "";
  for (const m of d.matchAll(re)) {
    total += Number(m[1]) * (units[m[2] as string] as number);
    consumed += m[0];
  }
  if (consumed !== d || d === "") throw new Error(`"${d}" is not a Prometheus duration`);
  return total;
}

/** Grafana rule uids are at most 40 characters: the kebab-cased alert name. */
export function grafanaRuleUid(name: string): string {
  const uid = name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
  if (uid.length > 40) throw new Error(`alert ${name}: Grafana rule uid "${uid}" is longer than 40 characters; shorten the name`);
  return uid;
}

/** Both forms use the kebab-case group name: the folder already says Beacon. */
export const grafanaGroupTitle = (group: RuleGroup) => group.name;

/** How far back query A looks: the longest range in the query, at least 10 minutes. */
function lookbackSeconds(query: string): number {
  const ranges = [...query.matchAll(/\[(\w+)\]/g)].map((m) => durationSeconds(m[1] as string));
  return Math.max(600, ...ranges);
}

function grafanaRule(group: RuleGroup, rule: AlertRule): RuleBuilder {
  const query = grafanaQuery(rule.condition);
  const { noDataState, execErrState } = grafanaStates(rule.condition);
  const datasource = { type: DATASOURCES.prometheus.type, uid: DATASOURCES.prometheus.uid };
  return new RuleBuilder(rule.name)
    .uid(grafanaRuleUid(rule.name))
    .orgID(ORG_ID)
    .folderUID(FOLDERS.alerts.uid)
    .ruleGroup(grafanaGroupTitle(group))
    .condition(CONDITION_REF)
    .withQuery(
      new QueryBuilder(QUERY_REF)
        .datasourceUid(DATASOURCES.prometheus.uid)
        .relativeTimeRange({ from: lookbackSeconds(query), to: 0 })
        .model(new DataqueryBuilder().refId(QUERY_REF).datasource(datasource).expr(query).instant().intervalMs(1000).maxDataPoints(43200)),
    )
    .withQuery(
      new QueryBuilder(GRAFANA_REDUCE_REF)
        .datasourceUid(EXPR_DATASOURCE.uid)
        .relativeTimeRange({ from: 0, to: 0 })
        // dropNN: a 0/0 ratio (no traffic) is NaN; Prometheus never fires on NaN and neither should Grafana.
        .model(new TypeReduceBuilder().refId(GRAFANA_REDUCE_REF).datasource(EXPR_DATASOURCE).expression(QUERY_REF).reducer("last").settings({ mode: "dropNN" })),
    )
    .withQuery(
      new QueryBuilder(CONDITION_REF)
        .datasourceUid(EXPR_DATASOURCE.uid)
        .relativeTimeRange({ from: 0, to: 0 })
        .model(
          new TypeThresholdBuilder()
            .refId(CONDITION_REF)
            .datasource(EXPR_DATASOURCE)
            .expression(GRAFANA_REDUCE_REF)
            .conditions([{ evaluator: grafanaThreshold(rule.condition) }]),
        ),
    )
    .noDataState(noDataState)
    .execErrState(execErrState)
    .forDuration(rule.for)
    .labels(alertLabels(rule))
    .annotations(alertAnnotations(rule, GRAFANA_VALUE))
    .isPaused(false);
}

export function grafanaRuleGroup(group: RuleGroup): GrafanaRuleGroup {
  const builder = new RuleGroupBuilder(grafanaGroupTitle(group))
    .folderUid(FOLDERS.alerts.uid)
    .interval(durationSeconds(group.interval));
  for (const rule of group.alerts) builder.withRule(grafanaRule(group, rule));
  // JSON round trip drops the SDK's marker functions (_implementsDataqueryVariant).
  return JSON.parse(JSON.stringify(builder.build())) as GrafanaRuleGroup;
}
