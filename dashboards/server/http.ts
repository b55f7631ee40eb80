// Row: the chat server's HTTP API, RED style (rate, errors, duration) per route template.
import * as units from "@grafana/grafana-foundation-sdk/units";
import { LOG_EVENTS, METRICS, SERVER_SERVICE, SPAN_FAMILIES } from "../../catalog/index.ts";
import { logStream } from "../../queries/logql.ts";
import { quantile, rate, ratio, sumBy } from "../../queries/promql.ts";
import { lokiLogs, promHeatmap, promQuery, spanExemplarQuery } from "../common/queries.ts";
import { errorBudget, PAGE_PAIRS } from "../../alerts/slo/rules.ts";
import { SLOS } from "../../catalog/index.ts";
import { DASHED_THRESHOLDS, defaultHeatmap, defaultLogs, defaultStat, defaultTimeseries, ownedThresholds } from "../common/styles.ts";
import { matchVar } from "../common/variables.ts";

const route = { route: matchVar("route") };
const serverErrors = { status_code: { op: "=~" as const, value: "5.." } };
/** Server spans of the selected routes: the span name is "<METHOD> <route template>". */
const routeSpans = () => spanExemplarQuery(SPAN_FAMILIES.httpServer, { names: "(GET|POST|PUT|PATCH|DELETE) ($route)" });

/**
 * The 5xx share is owned by the server-availability SLO: orange once it burns the error budget
 * faster than the period allows (1×), red at the page's fastest burn (14.4×).
 */
const AVAILABILITY_BUDGET = errorBudget(SLOS.serverAvailability);
const availabilityThresholds = () =>
  ownedThresholds([
    { value: AVAILABILITY_BUDGET, color: "orange" },
    { value: Number(((PAGE_PAIRS[0]?.factor ?? 14.4) * AVAILABILITY_BUDGET).toPrecision(10)), color: "red" },
  ]);

export function requestRateStat() {
  return defaultStat()
    .title("Request rate")
    .description("HTTP requests per second served by the chat server on the selected routes.")
    .unit(units.RequestsPerSecond)
    .withTarget(promQuery(sumBy([], rate(METRICS.httpRequests, route))));
}

export function errorRatioStat() {
  return defaultStat()
    .title("5xx ratio")
    .description(
      `Share of requests on the selected routes answered with a 5xx status: orange from the server-availability SLO's error budget (${AVAILABILITY_BUDGET * 100} %), red from its page burn rate (14.4× the budget).`,
    )
    .unit(units.PercentUnit)
    .thresholds(availabilityThresholds())
    .withTarget(promQuery(ratio(METRICS.httpRequests, serverErrors, { base: route })));
}

export function latencyP95Stat() {
  return defaultStat()
    .title("Latency P95")
    .description("95th percentile of the time to serve a request on the selected routes.")
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.95, METRICS.httpRequestDuration, { matchers: route })));
}

export function requestsByRouteTimeseries() {
  return defaultTimeseries()
    .title("Requests by route")
    .description("HTTP requests per second by route template and method.")
    .unit(units.RequestsPerSecond)
    .withTarget(promQuery(sumBy(["route", "method"], rate(METRICS.httpRequests, route)), "{{method}} {{route}}"));
}

export function requestsByStatusTimeseries() {
  return defaultTimeseries()
    .title("Requests by status")
    .description("HTTP requests per second by status code.")
    .unit(units.RequestsPerSecond)
    .withTarget(promQuery(sumBy(["status_code"], rate(METRICS.httpRequests, route)), "{{status_code}}"));
}

export function errorRatioByRouteTimeseries() {
  return defaultTimeseries()
    .title("5xx ratio by route")
    .description("Share of each route's requests answered with a 5xx status; dashed: the server-availability SLO's budget and page burn rate.")
    .unit(units.PercentUnit)
    .min(0)
    .thresholds(availabilityThresholds())
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(ratio(METRICS.httpRequests, serverErrors, { by: ["route"], base: route }), "{{route}}"));
}

export function latencyTimeseries() {
  return defaultTimeseries()
    .title("Latency P50 / P95 / P99")
    .description("Percentiles of the time to serve a request, all selected routes together.")
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.5, METRICS.httpRequestDuration, { matchers: route }), "P50"))
    .withTarget(promQuery(quantile(0.95, METRICS.httpRequestDuration, { matchers: route }), "P95"))
    .withTarget(promQuery(quantile(0.99, METRICS.httpRequestDuration, { matchers: route }), "P99"))
    .withTarget(routeSpans());
}

export function latencyByRouteTimeseries() {
  return defaultTimeseries()
    .title("Latency P95 by route")
    .description("95th percentile of the time to serve a request, per route template.")
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.95, METRICS.httpRequestDuration, { by: ["route"], matchers: route }), "{{route}}"))
    .withTarget(routeSpans());
}

export function latencyHeatmap() {
  return defaultHeatmap()
    .title("Latency distribution")
    .description("Distribution of request durations over time (histogram buckets), selected routes together.")
    .unit(units.Seconds)
    .withTarget(promHeatmap(sumBy(["le"], rate(METRICS.httpRequestDuration, route, undefined, "bucket"))));
}

export function serverErrorLogs() {
  return defaultLogs()
    .title("5xx access log")
    .description("Access log records of requests answered with a 5xx status, newest first; each carries its trace id.")
    .unit(units.String)
    .withTarget(
      lokiLogs(
        logStream(SERVER_SERVICE, {
          type: LOG_EVENTS.access,
          filters: [
            { field: "http_status", op: "=~", value: "5.." },
            { field: "http_route", op: "=~", value: "$route" },
          ],
        }),
      ),
    );
}
