// How one AlertCondition becomes each system's expression. Prometheus needs the comparison in
// the expression; Grafana keeps the query (A) and applies the threshold as a server-side
// expression, so the threshold is never part of `query`.
import { aggBy, overTime } from "../queries/promql.ts";
import type { AlertCondition } from "./types.ts";

/** Value template of the evaluated value in each system (see AlertRule.description). */
export const PROMETHEUS_VALUE = "$value";
/** Refid of the reduce expression in Grafana rules; its value is what the threshold compares. */
export const GRAFANA_REDUCE_REF = "B";
export const GRAFANA_VALUE = `$values.${GRAFANA_REDUCE_REF}.Value`;

export function prometheusExpr(c: AlertCondition): string {
  switch (c.kind) {
    case "threshold":
      // Parenthesised: a query may end in `and … > floor`, which would otherwise bind first.
      return `(${c.query}) ${c.op} ${c.threshold}`;
    case "absent":
      return overTime("absent_over_time", c.metric, c.matchers, c.window, c.part);
    case "burn":
      return c.query;
  }
}

/**
 * Query A of the Grafana rule. For an absent condition Grafana queries the series' presence
 * instead: when the series is gone the query returns nothing, and the rule's noDataState
 * (Alerting) is what fires. That is Grafana's native form of absent().
 */
export function grafanaQuery(c: AlertCondition): string {
  switch (c.kind) {
    case "threshold":
      return c.query;
    case "absent":
      return aggBy("count", [], overTime("last_over_time", c.metric, c.matchers, c.window, c.part));
    case "burn":
      return c.grafanaQuery;
  }
}

/** Grafana threshold evaluator; absent rules only fire through noDataState, so theirs never trips on data. */
export function grafanaThreshold(c: AlertCondition): { type: "gt" | "lt"; params: number[] } {
  switch (c.kind) {
    case "threshold":
      return { type: c.op === ">" ? "gt" : "lt", params: [c.threshold] };
    case "absent":
      return { type: "lt", params: [1] };
    case "burn":
      // The query returns a burn rate only where a window pair is exceeded, so any value fires.
      return { type: "gt", params: [0] };
  }
}

/** Sample presence state: absent rules alert on no data; threshold rules treat no data as healthy. */
export function grafanaStates(c: AlertCondition): { noDataState: "OK" | "Alerting"; execErrState: "Error" | "Alerting" } {
  // A failing query (datasource down) is reported as Error, which Grafana routes as its own
  // DatasourceError alert, except for absent rules where a broken pipeline is the symptom.
  return c.kind === "absent" ? { noDataState: "Alerting", execErrState: "Alerting" } : { noDataState: "OK", execErrState: "Error" };
}
