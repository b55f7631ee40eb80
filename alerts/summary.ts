// ALERT_RULES: the structured view of every alert that the lint and the diff read.
import { grafanaQuery, prometheusExpr, PROMETHEUS_VALUE } from "./expr.ts";
import { alertLabels } from "./labels.ts";
import { alertAnnotations } from "./runbook.ts";
import type { AlertRuleSummary, RuleGroup } from "./types.ts";

export function alertRuleSummaries(groups: readonly RuleGroup[]): AlertRuleSummary[] {
  return groups.flatMap((g) =>
    g.alerts.map((a) => ({
      name: a.name,
      group: g.name,
      expr: prometheusExpr(a.condition),
      grafanaQuery: grafanaQuery(a.condition),
      for: a.for,
      severity: a.severity,
      labels: alertLabels(a),
      annotations: alertAnnotations(a, PROMETHEUS_VALUE),
      thresholds: {
        ...(a.condition.kind === "threshold" ? { [a.condition.thresholdName]: a.condition.threshold } : {}),
        ...(a.condition.kind === "burn" ? Object.fromEntries(a.condition.pairs.map((p) => [`burnRate${p.long}${p.short}`, p.factor])) : {}),
        ...a.alsoUses,
      },
    })),
  );
}
