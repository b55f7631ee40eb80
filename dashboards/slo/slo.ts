// Panels of the error-budget dashboard, one set per SLO: budget left over the SLO period, the
// burn rate over the alerting windows (the recorded error ratios over the budget), and the time
// until the budget is gone at the last hour's burn rate.
import * as units from "@grafana/grafana-foundation-sdk/units";
import type { SloDecl } from "../../catalog/index.ts";
import { ALL_PAIRS, errorBudget, seconds, sloErrors, sloRecordName, sloTotal } from "../../alerts/slo/rules.ts";
import { sloPanelTitle } from "../../alerts/slo/group.ts";
import { clampMin } from "../../queries/promql.ts";
import { promInstant, promQuery } from "../common/queries.ts";
import { DASHED_THRESHOLDS, defaultTimeseries, ownedThresholds, rangeStat } from "../common/styles.ts";

const pct = (n: number) => `${Number((n * 100).toPrecision(10))} %`;

/** 1 − (error ratio over the period) / budget: 1 untouched, 0 spent, below 0 overspent. */
export function budgetLeftExpr(slo: SloDecl): string {
  return `1 - (${sloErrors(slo, slo.period)} / ${sloTotal(slo, slo.period)}) / ${errorBudget(slo)}`;
}

/** Burn rate over `window`, from the recorded error ratio. */
export function burnRateExpr(slo: SloDecl, window: string): string {
  return `${sloRecordName(slo, window)} / ${errorBudget(slo)}`;
}

export function budgetLeftStat(slo: SloDecl) {
  return rangeStat()
    .title(sloPanelTitle.budgetLeft(slo))
    .description(`${slo.description} Share of the ${pct(errorBudget(slo))} error budget (objective ${pct(slo.objective)}) left over the last ${slo.period}; red once spent.`)
    .unit(units.PercentUnit)
    .thresholds(ownedThresholds([{ value: 0, color: "red" }, { value: 0.25, color: "orange" }], { below: true }))
    .withTarget(promInstant(budgetLeftExpr(slo), "{{job}}"));
}

export function burnRateTimeseries(slo: SloDecl) {
  const windows = [...new Set(ALL_PAIRS.map((p) => p.long))];
  const builder = defaultTimeseries()
    .title(sloPanelTitle.burnRate(slo))
    .description(
      `How fast the ${slo.title.toLowerCase()} error budget burns (1 = spent exactly over ${slo.period}), over the alerts' long windows. Dashed: the burn rates that page (14.4×, 6×) and ticket (3×, 1×), each judged with its short window too.`,
    )
    .unit(units.Short)
    .min(0)
    .thresholds(
      ownedThresholds(
        [...new Set(ALL_PAIRS.map((p) => p.factor))].sort((a, b) => a - b).map((factor) => ({ value: factor, color: factor >= 6 ? "red" : "orange" })),
      ),
    )
    .thresholdsStyle(DASHED_THRESHOLDS());
  for (const w of windows) builder.withTarget(promQuery(burnRateExpr(slo, w), `{{job}} ${w}`));
  return builder;
}

/** Budget left × period / the last hour's burn rate: when the budget runs out at this pace. */
export function exhaustionStat(slo: SloDecl) {
  return rangeStat()
    .title(sloPanelTitle.exhaustion(slo))
    .description(`When the ${slo.title.toLowerCase()} error budget runs out if the last hour's burn rate holds (∞: nothing burns). Red under a day.`)
    .unit(units.DurationSeconds)
    .thresholds(ownedThresholds([{ value: 86400, color: "red" }, { value: 7 * 86400, color: "orange" }], { below: true }))
    .withTarget(promInstant(`${clampMin(`(${budgetLeftExpr(slo)})`, 0)} * ${seconds(slo.period)} / (${burnRateExpr(slo, "1h")})`, "{{job}}"));
}
