// (2) Client errors and logs: counts by area from Prometheus and Loki, the top error groups,
// the newest error records and the whole client log stream.
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { CLIENT_SERVICE, LABELS } from "../../catalog/index.ts";
import type { DashboardEntry } from "../../build/content-types.ts";
import { eventsOf } from "../../queries/logql.ts";
import { beaconDashboard, buildDashboard } from "../common/dashboard.ts";
import { enumVariable } from "../common/variables.ts";
import * as errors from "./errors.ts";

import { CLIENT_ERRORS_UID } from "../uids.ts";

export { CLIENT_ERRORS_UID };

/** The client's log record types, as a label for the log-type variable. */
const CLIENT_LOG_TYPES = {
  name: "log_type",
  kind: "enum",
  values: eventsOf(CLIENT_SERVICE).map((e) => e.type),
  description: "Client log record type (seed 001: log, error, metric, event, vital).",
} as const;

export function clientErrors(): DashboardEntry {
  const builder = beaconDashboard({
    uid: CLIENT_ERRORS_UID,
    title: "KickTalk client · Errors and logs",
    description:
      "Errors of the KickTalk client by area (lexical, ws, store, updater, …) from the error tracker's counter and from the redacted error records in Loki, with the top error fingerprints, the newest errors and the client log stream.",
    tags: ["client", "kicktalk", "errors", "logs"],
    // Tempo: the Recent errors table links each record's trace.
    datasources: ["prometheus", "loki", "tempo"],
    variables: [enumVariable("area", LABELS.ERROR_AREA, "Area"), enumVariable("log_type", CLIENT_LOG_TYPES, "Log type")],
    time: { from: "now-24h", to: "now" },
  })
    .withRow(new RowBuilder("Error counts"))
    .withPanel(errors.errorsReportedStat().span(6).height(8))
    .withPanel(errors.fatalErrorsStat().span(6).height(8))
    .withPanel(errors.errorRateBySeverityTimeseries().span(12).height(8))
    .withPanel(errors.errorsByAreaTimeseries().span(12).height(8))
    .withPanel(errors.errorLogsByAreaTimeseries().span(12).height(8))
    .withRow(new RowBuilder("Error records"))
    .withPanel(errors.topFingerprintsTable().span(24).height(8))
    .withPanel(errors.recentErrorsTable().span(24).height(10))
    .withRow(new RowBuilder("Log stream"))
    .withPanel(errors.clientLogsStream().span(24).height(14));
  return { folder: "client", dashboard: buildDashboard(builder) };
}
