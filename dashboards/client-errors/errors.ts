// Panels of the client errors and logs dashboard: error counts from Prometheus
// (kicktalk_errors_total) next to the redacted, de-duplicated error records in Loki.
import * as units from "@grafana/grafana-foundation-sdk/units";
import { CLIENT_SERVICE, LOG_EVENTS, LOG_TYPE_ATTRIBUTE, METRICS } from "../../catalog/index.ts";
import { countOverTime, logStream } from "../../queries/logql.ts";
import { BAR_WINDOW, increase, orZero, RANGE_WINDOW, rate, sumBy, topk } from "../../queries/promql.ts";
import { DS, lokiInstant, lokiLogs, lokiQuery, promInstant, promQuery } from "../common/queries.ts";
import { defaultBarsTimeseries, defaultLogs, defaultTable, defaultTimeseries, ownedThresholds, rangeStat } from "../common/styles.ts";
import { labelColumns } from "../common/transformations.ts";
import { matchVar } from "../common/variables.ts";

const area = { area: matchVar("area") };
const errorRecords = logStream(CLIENT_SERVICE, { type: LOG_EVENTS.error, filters: [{ field: "area", op: "=~", value: "$area" }] });

export function errorsReportedStat() {
  return rangeStat()
    .title("Errors reported")
    .description("Errors the client's error tracker reported over the selected range (after de-duplication), in the selected areas; 0 when there were none.")
    .unit(units.Short)
    .withTarget(promInstant(orZero(sumBy([], increase(METRICS.errors, area, RANGE_WINDOW)))));
}

export function fatalErrorsStat() {
  return rangeStat()
    .title("Fatal errors")
    .description("Errors reported with severity fatal over the selected range: each ended an operation or a process (0, green, when there were none). Any is red: each is a crashed session of the crash-free SLO.")
    .unit(units.Short)
    .thresholds(ownedThresholds([{ value: 1, color: "red" }]))
    .withTarget(promInstant(orZero(sumBy([], increase(METRICS.errors, { ...area, severity: "fatal" }, RANGE_WINDOW)))));
}

export function errorsByAreaTimeseries() {
  return defaultBarsTimeseries()
    .title("Errors by area (metric)")
    .description("kicktalk_errors_total per interval by area: the error tracker's count, which survives log sampling and Loki retention.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy(["area"], increase(METRICS.errors, area, BAR_WINDOW)), "{{area}}"));
}

export function errorLogsByAreaTimeseries() {
  return defaultBarsTimeseries()
    .datasource(DS.loki)
    .title("Error records by area (Loki)")
    .description("Error log records per interval by area, counted in Loki from the redacted records the client exported, over the same intervals as the metric panel beside it.")
    .unit(units.Short)
    .withTarget(lokiQuery(sumBy(["area"], countOverTime(errorRecords, BAR_WINDOW)), "{{area}}"));
}

export function topFingerprintsTable() {
  return defaultTable()
    .datasource(DS.loki)
    .title("Top error fingerprints")
    .description("The ten most frequent error groups over the selected range: fingerprint, error class and area, with record counts.")
    .unit(units.Short)
    .withTarget(lokiInstant(topk(10, sumBy(["error_fingerprint", "error_type", "area"], countOverTime(errorRecords, RANGE_WINDOW)))));
}

export function recentErrorsTable() {
  return defaultTable()
    .datasource(DS.loki)
    .title("Recent errors")
    .description("The newest error records, newest first: time, area, error class, fingerprint and the redacted message, each a column.")
    .unit(units.String)
    .transformations(labelColumns(["area", "error_type", "error_fingerprint", "trace_id"]))
    .withTarget(lokiLogs(errorRecords, 50));
}

export function clientLogsStream() {
  return defaultLogs()
    .title("Client log stream")
    .description("All log records of the client (main and renderer), filtered by record type; open a line for its trace.")
    .unit(units.String)
    .withTarget(lokiLogs(logStream(CLIENT_SERVICE, { filters: [{ field: LOG_TYPE_ATTRIBUTE, op: "=~", value: "$log_type" }] }), 500));
}

export function errorRateBySeverityTimeseries() {
  return defaultTimeseries()
    .title("Errors per second by severity")
    .description("Rate of reported errors by severity (warning, error, fatal), for the selected areas.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["severity"], rate(METRICS.errors, area)), "{{severity}}"));
}
