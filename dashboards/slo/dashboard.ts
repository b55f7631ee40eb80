// (7) Error budgets: one row per SLO of the catalog (catalog/slos.ts); the burn-rate panels are
// where each SLO's page and ticket alerts point.
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { ALL_SLOS } from "../../catalog/index.ts";
import type { DashboardEntry } from "../../build/content-types.ts";
import { beaconDashboard, buildDashboard } from "../common/dashboard.ts";
import { SLO_UID } from "../uids.ts";
import * as slo from "./slo.ts";

export { SLO_UID };

export function sloDashboard(): DashboardEntry {
  const builder = beaconDashboard({
    uid: SLO_UID,
    title: "SLOs · Error budgets",
    description:
      "Every service level objective of the catalog: error budget left over its period, burn rate over the alerting windows (14.4× and 6× page, 3× and 1× ticket) and time until the budget is gone at the last hour's pace.",
    tags: ["slo", "server", "client"],
    datasources: ["prometheus"],
    time: { from: "now-7d", to: "now" },
  });
  for (const s of ALL_SLOS) {
    builder
      .withRow(new RowBuilder(`${s.title} (${Number((s.objective * 100).toPrecision(10))} % over ${s.period})`))
      .withPanel(slo.budgetLeftStat(s).span(6).height(6))
      .withPanel(slo.exhaustionStat(s).span(6).height(6))
      .withPanel(slo.burnRateTimeseries(s).span(12).height(6));
  }
  return { folder: "server", dashboard: buildDashboard(builder) };
}
