// Row: the client's calls to the chat API (seed 000 phase 10).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS } from "../../catalog/index.ts";
import { quantile, rate, sumBy } from "../../queries/promql.ts";
import { promHeatmap, promQuery } from "../common/queries.ts";
import { defaultHeatmap, defaultTimeseries } from "../common/styles.ts";
import { matchVar } from "../common/variables.ts";

const endpoint = { endpoint: matchVar("endpoint") };

/** Repeated once per selected endpoint: a heatmap cannot split one panel by label. */
export function apiLatencyHeatmap() {
  return defaultHeatmap()
    .title("API latency: $endpoint")
    .description("Distribution of the client's chat API request durations for one endpoint (histogram buckets), repeated per selected endpoint.")
    .unit(units.Seconds)
    .repeat("endpoint")
    .repeatDirection("h")
    .maxPerRow(3)
    .withTarget(promHeatmap(sumBy(["le"], rate(METRICS.apiRequestDuration, endpoint, undefined, "bucket"))));
}

export function apiLatencyP95Timeseries() {
  return defaultTimeseries()
    .title("API latency P95 by endpoint")
    .description("95th percentile of the client's chat API request duration, per route template.")
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.95, METRICS.apiRequestDuration, { by: ["endpoint"], matchers: endpoint }), "{{endpoint}}"));
}

export function apiRequestsTimeseries() {
  return defaultTimeseries()
    .title("API requests by status")
    .description("Chat API requests per second made by clients, by HTTP status code (0: no response).")
    .unit(units.RequestsPerSecond)
    .withTarget(promQuery(sumBy(["status_code"], rate(METRICS.apiRequests, endpoint)), "{{status_code}}"));
}
