// Row: the client's calls to the chat API (seed 000 phase 10).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS, SLOS, SPAN_FAMILIES } from "../../catalog/index.ts";
import { THRESHOLDS } from "../../alerts/groups/client-api.ts";
import { errorBudget, PAGE_PAIRS } from "../../alerts/slo/rules.ts";
import { quantile, rate, ratio, sumBy } from "../../queries/promql.ts";
import { promHeatmap, promQuery, spanExemplarQuery } from "../common/queries.ts";
import { DASHED_THRESHOLDS, defaultHeatmap, defaultTimeseries, ownedThresholds } from "../common/styles.ts";
import { matchVar } from "../common/variables.ts";

const endpoint = { endpoint: matchVar("endpoint") };

/**
 * The failure share is owned by the client-api-success SLO: orange once it burns the error budget
 * faster than the period allows (1×), red at the page's fastest burn (14.4×).
 */
const API_BUDGET = errorBudget(SLOS.clientApiSuccess);
const PAGE_BURN = PAGE_PAIRS[0]?.factor ?? 14.4;
const apiSuccessThresholds = () =>
  ownedThresholds([
    { value: API_BUDGET, color: "orange" },
    { value: Number((PAGE_BURN * API_BUDGET).toPrecision(10)), color: "red" },
  ]);

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
    .description(`95th percentile of the client's chat API request duration, per route template (dashed: ClientApiLatencyHigh's threshold, ${THRESHOLDS.latencyP95Seconds} s).`)
    .unit(units.Seconds)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.latencyP95Seconds, color: "red" }]))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(quantile(0.95, METRICS.apiRequestDuration, { by: ["endpoint"], matchers: endpoint }), "{{endpoint}}"))
    .withTarget(spanExemplarQuery(SPAN_FAMILIES.apiClient, { names: "(GET|POST|PUT|PATCH|DELETE) ($endpoint)" }));
}

export function apiRequestsTimeseries() {
  return defaultTimeseries()
    .title("API requests by status")
    .description("Chat API requests per second made by clients, by HTTP status code (0: no response).")
    .unit(units.RequestsPerSecond)
    .withTarget(promQuery(sumBy(["status_code"], rate(METRICS.apiRequests, endpoint)), "{{status_code}}"));
}

/** The client-api-success SLO's bad events per endpoint, drawn with its budget and page burn. */
export function apiFailureRatioTimeseries() {
  return defaultTimeseries()
    .title("API failure ratio")
    .description(
      `Share of the clients' chat API requests that got a 5xx or no response (status 0), per endpoint; dashed: the client-api-success SLO's error budget (${API_BUDGET * 100} %) and its page burn rate (${PAGE_BURN}× the budget), where ClientApiSuccessErrorBudgetPage pages.`,
    )
    .unit(units.PercentUnit)
    .min(0)
    .thresholds(apiSuccessThresholds())
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(ratio(METRICS.apiRequests, { status_code: { op: "=~", value: "5..|0" } }, { by: ["endpoint"], base: endpoint }), "{{endpoint}}"));
}
