// The telemetry pipeline itself: the client's exporter dropping or retrying data, and data
// that should always be there going silent. Without these, every other alert can fail
// quietly: a missing series never crosses a threshold.
import { CLIENT_SERVICE, LABELS, METRICS, SERVER_SERVICE, prometheusNames } from "../../catalog/index.ts";
import { rate, sumBy } from "../../queries/promql.ts";
import { above, absent, INSTANCE, JOB, recordName, series } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** Share of telemetry items dropped; the offline journal should make drops rare. */
  droppedRatio: 0.01,
  /** Export retries per exported item: 429/503 backoff is normal, persistent retrying is not. */
  retriesPerExported: 0.1,
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
const retriesPerExported = `${sumBy(BY, rate(METRICS.telemetryRetries, {}, WINDOW))} / ${sumBy(BY, rate(METRICS.telemetryExported, {}, WINDOW))}`;

const RECORD_DROPPED = recordName([JOB, SIGNAL], METRICS.telemetryDropped, "rate5m");

/** Missing for this long means nobody's client reports, not one user closing the app. */
const CLIENT_SILENT_WINDOW = "15m";
/** The server's health checks hit it every few seconds, so its request counter always moves. */
const SERVER_SILENT_WINDOW = "10m";

const client = { [JOB]: CLIENT_SERVICE, [INSTANCE]: "a" };
const exportedItems = (perMinute: number) => series(METRICS.telemetryExported, { ...client, [SIGNAL]: "traces" }, `0+${perMinute}x60`);
const droppedItems = (reason: string, perMinute: number) =>
  series(METRICS.telemetryDropped, { ...client, [SIGNAL]: "traces", [LABELS.DROP_REASON.name]: reason }, `0+${perMinute}x60`);
const retries = (perMinute: number) => series(METRICS.telemetryRetries, { ...client, [SIGNAL]: "traces" }, `0+${perMinute}x60`);
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
  recordings: [{ record: RECORD_DROPPED, expr: sumBy(BY, rate(METRICS.telemetryDropped, {}, "5m")) }],
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
    },
    {
      name: "TelemetryPipelineExportRetrying",
      severity: "info",
      service: CLIENT_SERVICE,
      for: "30m",
      condition: above(retriesPerExported, THRESHOLDS, "retriesPerExported"),
      summary: "The telemetry gateway keeps pushing back on client exports.",
      description: (v) =>
        `Clients retry {{ printf "%.2f" ${v} }} times per exported {{ $labels.${SIGNAL} }} item (threshold ${THRESHOLDS.retriesPerExported}): the gateway answers 429/503 or times out.`,
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
      input: [exportedItems(100), retries(25)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE, [SIGNAL]: "traces" },
          description: "Clients retry 0.25 times per exported traces item (threshold 0.1): the gateway answers 429/503 or times out.",
        },
      ],
    },
    {
      alert: "TelemetryPipelineExportRetrying",
      evalTime: "50m",
      input: [exportedItems(100), retries(2)],
      fires: [],
      why: "2 retries per 100 exports is ordinary backoff",
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
  recordingCases: [
    {
      record: RECORD_DROPPED,
      evalTime: "10m",
      input: [droppedItems("queue_full", 9), droppedItems("disabled", 6)],
      samples: [{ labels: { [JOB]: CLIENT_SERVICE, [SIGNAL]: "traces" }, value: 0.25 }],
    },
  ],
};
