// Row: auto-updater lifecycle (seed 000 phase 9).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS } from "../../catalog/index.ts";
import { BAR_WINDOW, increase, sumBy } from "../../queries/promql.ts";
import { promQuery } from "../common/queries.ts";
import { defaultBarsTimeseries } from "../common/styles.ts";

export function updaterEventsTimeseries() {
  return defaultBarsTimeseries()
    .title("Updater events by version")
    .description("Auto-updater events per interval (check, available, downloading, ready, installed, error) by the version they concern.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy(["version", "event"], increase(METRICS.updaterEvents, {}, BAR_WINDOW)), "{{version}} {{event}}"));
}
