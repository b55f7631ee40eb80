// Panels of the link-processing dashboard, laid out as seed 004 draws it: stat cards, links
// over time, top domains, processing performance, recent errors. Domains come from Loki's
// link_processed records: a domain is unbounded, so it is never a metric label.
//
// Seed 004's cards count a links table (total, completed by the user, interactions); here links
// are counted as the server finds and processes them, so cards say what they count: links
// created and processed, never "completed" (no signal says a user marked a link done).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { LOG_EVENTS, METRICS, SERVER_SERVICE, SPAN_FAMILIES } from "../../catalog/index.ts";
import { countOverTime, logStream } from "../../queries/logql.ts";
import { THRESHOLDS } from "../../alerts/groups/link-processing.ts";
import { BAR_WINDOW, earlier, increase, mean, orZero, quantile, RANGE_WINDOW, ratio, sel, sumBy, topk } from "../../queries/promql.ts";
import { DS, lokiInstant, lokiLogs, promInstant, promQuery, spanExemplarQuery } from "../common/queries.ts";
import {
  DASHED_THRESHOLDS,
  defaultBarGauge,
  defaultBarsTimeseries,
  defaultStat,
  defaultTable,
  defaultTimeseries,
  ownedThresholds,
  rangeStat,
  thresholdLine,
} from "../common/styles.ts";
import { labelColumns } from "../common/transformations.ts";

const processedRecords = logStream(SERVER_SERVICE, { type: LOG_EVENTS.linkProcessed });

/** A count over the selected range: one instant query, 0 when nothing happened. */
const countStat = (title: string, description: string, expr: string) =>
  rangeStat().title(title).description(description).unit(units.Short).withTarget(promInstant(orZero(expr)));

/** LinkProcessingFailureRateHigh fires above this failure share: success below it is red. */
const SUCCESS_FLOOR = 1 - THRESHOLDS.failureRatio;

/** Links created over `$__range`: the selected range, or the panel's own (today, this week). */
const linksCreated = sumBy([], increase(METRICS.linksCreated, {}, RANGE_WINDOW));

/**
 * Grafana's relative times for a panel (query options › relative time): `now/d` is the day so
 * far, `now/w` the week so far (from the dashboard's week start), whatever the dashboard's range.
 */
const TODAY = "now/d";
const THIS_WEEK = "now/w";
/** What "last week" is to the week-so-far figures: the same stretch of time, one week before. */
const A_WEEK = "1w";

export function linksCreatedStat() {
  return countStat(
    "Links created",
    "Links found in posted messages (queued for processing, or shed) over the selected range. Seed 004's all-time total would need a gauge of stored links, which the server does not export.",
    linksCreated,
  );
}

export function processedStat() {
  return countStat(
    "Processed",
    "Links whose processing succeeded (page fetched, metadata extracted) over the selected range. Not seed 004's \"completed\" (links a user marked done): the client has no such action and no signal for it.",
    sumBy([], increase(METRICS.linksProcessed, { status: "completed" }, RANGE_WINDOW)),
  );
}

export function linksTodayStat() {
  return countStat("Links today", "Links created since midnight (the dashboard's time zone), whatever the dashboard's range.", linksCreated).timeFrom(TODAY);
}

export function linksThisWeekStat() {
  return countStat("Links this week", "Links created since the week began (the dashboard's week start), whatever the dashboard's range.", linksCreated).timeFrom(THIS_WEEK);
}

/**
 * This week so far against the same stretch of last week: `$__range` is the week so far, and
 * `offset 1w` reads it a week earlier. No value (not 0, not infinity) while last week counted no
 * links: there is nothing to compare with.
 */
export function changeFromLastWeekStat() {
  const lastWeek = earlier(linksCreated, A_WEEK);
  return rangeStat()
    .title("Change from last week")
    .description(
      "Links created this week so far against the same stretch of last week (from last week's start to this time a week ago), as a change in percent (with a version picked, both weeks count that version only). No value while last week has no links to compare with.",
    )
    .unit(units.PercentUnit)
    .decimals(1)
    .noValue("no links last week")
    .timeFrom(THIS_WEEK)
    // orZero's `or` binds loosest: parenthesised, or it would swallow the subtraction.
    .withTarget(promInstant(`((${orZero(linksCreated)}) - ${lastWeek}) / (${lastWeek} > 0)`));
}

export function pendingStat() {
  return defaultStat()
    .title("Pending processing")
    .description("Links waiting for or in processing now.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy([], sel(METRICS.linksQueued))));
}

export function failedStat() {
  return countStat(
    "Failed",
    "Links whose processing failed over the selected range.",
    sumBy([], increase(METRICS.linksProcessed, { status: "failed" }, RANGE_WINDOW)),
  ).thresholds(thresholdLine(1));
}

export function successRateStat() {
  return rangeStat()
    .title("Success rate")
    .description(`Share of links processed over the selected range that completed (red under ${SUCCESS_FLOOR * 100} %: where LinkProcessingFailureRateHigh fires).`)
    .unit(units.PercentUnit)
    .thresholds(ownedThresholds([{ value: SUCCESS_FLOOR, color: "red" }], { below: true }))
    .withTarget(promInstant(ratio(METRICS.linksProcessed, { status: "completed" }, { window: RANGE_WINDOW })));
}

export function avgProcessingStat() {
  return rangeStat()
    .title("Avg processing time")
    .description("Mean time from queueing a link to its final status, over the selected range.")
    .unit(units.Seconds)
    .withTarget(promInstant(mean(METRICS.linkProcessingDuration, { window: RANGE_WINDOW })));
}

export function p95ProcessingStat() {
  return rangeStat()
    .title("P95 processing time")
    .description(`95th percentile of the time from queueing a link to its final status, over the selected range (red from LinkProcessingSlow's ${THRESHOLDS.processingP95Seconds} s).`)
    .unit(units.Seconds)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.processingP95Seconds, color: "red" }]))
    .withTarget(promInstant(quantile(0.95, METRICS.linkProcessingDuration, { window: RANGE_WINDOW })));
}

export function linksOverTimeTimeseries() {
  return defaultBarsTimeseries()
    .title("Links over time")
    .description("Links created per interval, and links finished per interval by final status.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy([], increase(METRICS.linksCreated, {}, BAR_WINDOW)), "created"))
    .withTarget(promQuery(sumBy(["status"], increase(METRICS.linksProcessed, {}, BAR_WINDOW)), "{{status}}"));
}

export function topDomainsBarGauge() {
  return defaultBarGauge()
    .datasource(DS.loki)
    .title("Top domains")
    .description("The ten domains with the most processed links over the selected range, counted from link_processed records in Loki.")
    .unit(units.Short)
    .withTarget(lokiInstant(topk(10, sumBy(["link_domain"], countOverTime(processedRecords, RANGE_WINDOW))), "{{link_domain}}"));
}

export function successRateTimeseries() {
  return defaultTimeseries()
    .title("Success rate over time")
    .description(`Share of processed links that completed, over time (dashed: ${SUCCESS_FLOOR * 100} %, under which LinkProcessingFailureRateHigh fires).`)
    .unit(units.PercentUnit)
    .min(0)
    .max(1)
    .thresholds(ownedThresholds([{ value: SUCCESS_FLOOR, color: "red" }], { below: true }))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(ratio(METRICS.linksProcessed, { status: "completed" }), "success rate"));
}

export function processingTimeTimeseries() {
  return defaultTimeseries()
    .title("Processing time: avg and P95")
    .description(`Mean and 95th percentile of the time from queueing a link to its final status (dashed: LinkProcessingSlow's P95 threshold, ${THRESHOLDS.processingP95Seconds} s).`)
    .unit(units.Seconds)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.processingP95Seconds, color: "red" }]))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(mean(METRICS.linkProcessingDuration), "avg"))
    .withTarget(promQuery(quantile(0.95, METRICS.linkProcessingDuration), "P95"))
    .withTarget(spanExemplarQuery(SPAN_FAMILIES.link, { names: "link:process" }));
}

export function failuresByReasonTimeseries() {
  return defaultBarsTimeseries()
    .title("Failures by reason")
    .description("Failed links per interval by reason (timeout, http_error, not_html, network, invalid_url).")
    .unit(units.Short)
    .withTarget(promQuery(sumBy(["reason"], increase(METRICS.linksProcessed, { status: "failed" }, BAR_WINDOW)), "{{reason}}"));
}

export function recentErrorsTable() {
  return defaultTable()
    .datasource(DS.loki)
    .title("Recent errors")
    .description("The newest failed links from Loki: time, domain, failure reason, link id and duration, each a column.")
    .unit(units.String)
    .transformations(labelColumns(["link_domain", "link_failure_reason", "link_id", "duration_ms"]))
    .withTarget(lokiLogs(logStream(SERVER_SERVICE, { type: LOG_EVENTS.linkProcessed, filters: [{ field: "link_status", value: "failed" }] }), 50));
}
