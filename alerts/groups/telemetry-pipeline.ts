// The telemetry pipeline itself: the client's exporter dropping or retrying data, and data
// that should always be there going silent. Without these, every other alert can fail
// quietly: a missing series never crosses a threshold.
import { CLIENT_SERVICE, LABELS, METRICS, SERVER_SERVICE, prometheusNames } from "../../catalog/index.ts";
import { rate, sumBy, type Matchers } from "../../queries/promql.ts";
import { CLIENT_OVERVIEW_UID, PIPELINE_UID, SERVER_UID } from "../../dashboards/uids.ts";
import { above, absent, INSTANCE, JOB, series } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** Share of telemetry items dropped; the offline journal should make drops rare. */
  droppedRatio: 0.01,
  /**
   * Share of export attempts that were retries (retries over retries plus exported items):
   * 429/503 backoff is normal, persistent retrying is not. 1 when nothing gets through at all.
   */
  retriedShare: 0.1,
} as const;

const WINDOW = "15m";
/** Items dropped because the user switched telemetry off are a choice, not a loss. */
const LOST = { [LABELS.DROP_REASON.name]: { op: "!=", value: "disabled" } } as const;
const SIGNAL = LABELS.TELEMETRY_SIGNAL.name;
const BY = [JOB, SIGNAL];

const dropped = sumBy(BY, rate(METRICS.telemetryDropped, LOST, WINDOW));
/** Exported may not exist at all when everything is dropped: count it as 0 then (`or 0 × dropped`). */
const exported = `(${sumBy(BY, rate(METRICS.telemetryExported, {}, WINDOW))} or 0 * ${dropped})`;
const droppedRatio = `${dropped} / (${exported} + ${dropped})`;
/**
 * Retries over retries plus exported items. Exported may be gone entirely while clients keep
 * retrying (the gateway refuses everything): it counts as 0 then, so the share reaches 1
 * instead of the alert resolving exactly when exports stop. The pipeline dashboard draws it.
 */
export function retriedShareExpr(window: string = WINDOW, by: readonly string[] = BY, matchers: Matchers = {}): string {
  const retries = sumBy(by, rate(METRICS.telemetryRetries, matchers, window));
  return `${retries} / (${retries} + (${sumBy(by, rate(METRICS.telemetryExported, matchers, window))} or 0 * ${retries}))`;
}
const retriedShare = retriedShareExpr();

/** Missing for this long means nobody's client reports, not one user closing the app. */
const CLIENT_SILENT_WINDOW = "15m";
/** The server's health checks hit it every few seconds, so its request counter always moves. */
const SERVER_SILENT_WINDOW = "10m";

const client = { [JOB]: CLIENT_SERVICE, [INSTANCE]: "a" };
const exportedItems = (perMinute: number) => series(METRICS.telemetryExported, { ...client, [SIGNAL]: "traces" }, `0+${perMinute}x60`);
const droppedItems = (reason: string, perMinute: number) =>
  series(METRICS.telemetryDropped, { ...client, [SIGNAL]: "traces", [LABELS.DROP_REASON.name]: reason }, `0+${perMinute}x60`);
const retryItems = (perMinute: number) => series(METRICS.telemetryRetries, { ...client, [SIGNAL]: "traces" }, `0+${perMinute}x60`);
const uptime = (values: string) => series(METRICS.mainUptime, client, values);
const serverRequests = (values: string) =>
  series(
    METRICS.httpRequests,
    { [JOB]: SERVER_SERVICE, [INSTANCE]: "server-1", [LABELS.HTTP_ROUTE.name]: "/healthz", [LABELS.HTTP_METHOD.name]: "GET", [LABELS.HTTP_STATUS_CODE.name]: "200" },
    values,
  );

export const GROUP: RuleGroup = {
  name: "telemetry-pipeline",
  interval: "1m",
  thresholds: THRESHOLDS,
  recordings: [],
  alerts: [
    {
      name: "TelemetryPipelineDroppingData",
      severity: "warning",
      service: CLIENT_SERVICE,
      for: "15m",
      condition: above(droppedRatio, THRESHOLDS, "droppedRatio"),
      summary: "The client's telemetry exporter is dropping data.",
      description: (v) =>
        `Clients dropped {{ ${v} | humanizePercentage }} of their {{ $labels.${SIGNAL} }} over ${WINDOW} (threshold ${THRESHOLDS.droppedRatio * 100}%); dashboards under-count until it stops.`,
      panel: { dashboardUid: PIPELINE_UID, panelTitle: "Dropped share" },
    },
    {
      name: "TelemetryPipelineExportRetrying",
      severity: "info",
      service: CLIENT_SERVICE,
      for: "30m",
      condition: above(retriedShare, THRESHOLDS, "retriedShare"),
      summary: "The telemetry gateway keeps pushing back on client exports.",
      description: (v) =>
        `{{ ${v} | humanizePercentage }} of the clients' {{ $labels.${SIGNAL} }} export attempts are retries (threshold ${THRESHOLDS.retriedShare * 100}%): the gateway answers 429/503 or times out.`,
      panel: { dashboardUid: PIPELINE_UID, panelTitle: "Retried share of export attempts" },
    },
    {
      name: "TelemetryPipelineClientSilent",
      severity: "warning",
      service: CLIENT_SERVICE,
      for: "5m",
      condition: absent(METRICS.mainUptime, CLIENT_SILENT_WINDOW),
      summary: "No client telemetry is arriving.",
      description: () =>
        `No ${prometheusNames(METRICS.mainUptime).family} sample from any client for ${CLIENT_SILENT_WINDOW}: the client exporters, the gateway or the metrics backend is broken.`,
      panel: { dashboardUid: CLIENT_OVERVIEW_UID, panelTitle: "Main process uptime" },
    },
    {
      name: "TelemetryPipelineServerSilent",
      severity: "critical",
      service: SERVER_SERVICE,
      for: "5m",
      condition: absent(METRICS.httpRequests, SERVER_SILENT_WINDOW),
      summary: "No chat server metrics are arriving.",
      description: () =>
        `No ${prometheusNames(METRICS.httpRequests).family} sample for ${SERVER_SILENT_WINDOW}: the chat server is down or its telemetry does not reach the backend.`,
      panel: { dashboardUid: SERVER_UID, panelTitle: "Request rate" },
    },
  ],
  alertCases: [
    {
      alert: "TelemetryPipelineDroppingData",
      evalTime: "45m",
      // 95 exported, 5 lost to a full queue a minute: 5 %.
      input: [exportedItems(95), droppedItems("queue_full", 5)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE, [SIGNAL]: "traces" },
          description: "Clients dropped 5% of their traces over 15m (threshold 1%); dashboards under-count until it stops.",
        },
      ],
    },
    {
      alert: "TelemetryPipelineDroppingData",
      evalTime: "45m",
      // Nothing exported at all: the worst case must not vanish for lack of a denominator.
      input: [droppedItems("retries_exhausted", 10)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE, [SIGNAL]: "traces" },
          description: "Clients dropped 100% of their traces over 15m (threshold 1%); dashboards under-count until it stops.",
        },
      ],
    },
    {
      alert: "TelemetryPipelineDroppingData",
      evalTime: "45m",
      input: [exportedItems(100), droppedItems("disabled", 50)],
      fires: [],
      why: "items dropped because the user turned telemetry off are not data loss",
    },
    {
      alert: "TelemetryPipelineExportRetrying",
      evalTime: "50m",
      // 75 exported and 25 retried a minute: a quarter of the attempts are retries.
      input: [exportedItems(75), retryItems(25)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE, [SIGNAL]: "traces" },
          description: "25% of the clients' traces export attempts are retries (threshold 10%): the gateway answers 429/503 or times out.",
        },
      ],
    },
    {
      alert: "TelemetryPipelineExportRetrying",
      evalTime: "58m",
      // Exports succeeded for 10 minutes with ordinary backoff, then the gateway refused
      // everything: the exported series goes stale and only retries keep arriving.
      input: [
        series(METRICS.telemetryExported, { ...client, [SIGNAL]: "traces" }, "0+100x10"),
        series(METRICS.telemetryRetries, { ...client, [SIGNAL]: "traces" }, "0+2x10 40+20x50"),
      ],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE, [SIGNAL]: "traces" },
          description: "100% of the clients' traces export attempts are retries (threshold 10%): the gateway answers 429/503 or times out.",
        },
      ],
    },
    {
      alert: "TelemetryPipelineExportRetrying",
      evalTime: "50m",
      input: [exportedItems(98), retryItems(2)],
      fires: [],
      why: "2 retries per 100 attempts is ordinary backoff",
    },
    {
      alert: "TelemetryPipelineClientSilent",
      evalTime: "40m",
      // Uptime reported for 10 minutes, then nothing: absent from 25m, firing 5m later.
      input: [uptime("0+60x10")],
      fires: [
        {
          labels: {},
          description:
            "No kicktalk_main_uptime_seconds sample from any client for 15m: the client exporters, the gateway or the metrics backend is broken.",
        },
      ],
    },
    {
      alert: "TelemetryPipelineClientSilent",
      evalTime: "40m",
      input: [uptime("0+60x15 _x10 960+60x20")],
      fires: [],
      why: "a 10-minute gap (a restart, a laptop lid) is shorter than the 15m window",
    },
    {
      alert: "TelemetryPipelineServerSilent",
      evalTime: "40m",
      input: [serverRequests("0+20x10")],
      fires: [
        {
          labels: {},
          description: "No chat_server_http_requests_total sample for 10m: the chat server is down or its telemetry does not reach the backend.",
        },
      ],
    },
    {
      alert: "TelemetryPipelineServerSilent",
      evalTime: "40m",
      input: [serverRequests("0+20x60")],
      fires: [],
      why: "the request counter keeps arriving every minute",
    },
  ],
  recordingCases: [],
};
