// The telemetry pipeline itself: the client's exporter dropping or retrying data, the gateway
// (the collector, from its own metrics) filling its queues, giving up on sends or refusing data,
// and data that should always be there going silent. Without these, every other alert can fail
// quietly: a missing series never crosses a threshold.
import { CLIENT_SERVICE, COLLECTOR_METRICS, COLLECTOR_SIGNALS, LABELS, METRICS, SERVER_SERVICE, prometheusNames, type CollectorSignal } from "../../catalog/index.ts";
import { DEFAULT_CONFIG } from "../../client/telemetry/config.ts";
import { aggBy, RATE_INTERVAL, rate, sel, sumBy, type Matchers } from "../../queries/promql.ts";
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
  /**
   * Share of an exporter's sending queue in use. The queue absorbs a backend outage (the fleet
   * gateway's holds 30 minutes of Cloud outage on disk); half full for 10 minutes means the
   * backend has been slow or down long enough that refusals (queue full) are coming.
   */
  gatewayQueueFill: 0.5,
  /** Items per second the gateway gave up on after its retries: any is data lost. */
  gatewaySendFailedPerSecond: 0,
  /** Items per second the gateway's receivers refused (memory limiter, full queue): clients retry, then drop. */
  gatewayRefusedPerSecond: 0,
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

/** The gateway's metrics: the collector's own labels (catalog/metrics/collector.ts). */
const EXPORTER = "exporter";
const RECEIVER = "receiver";
/** The collector's own name for the signal (on its queue gauges); the per-signal counters get it added. */
const DATA_TYPE = "data_type";
const GATEWAY_WINDOW = "5m";

/**
 * One expression per signal, each tagged `data_type="<signal>"` (the label the collector's queue
 * gauges carry), joined by `or`. The collector counts each signal under its own name
 * (`…_spans`, `…_metric_points`, `…_log_records`) and one exporter may serve all three
 * (otlphttp/cloud): a plain `or` of the rates would keep only the first signal of such an
 * exporter, since rate() drops the names that told them apart.
 */
export function perSignal(expr: (signal: CollectorSignal) => string): string {
  return COLLECTOR_SIGNALS.map((s) => `label_replace(${expr(s)}, "${DATA_TYPE}", "${s}", "", "")`).join(" or ");
}

/** Share of each exporter's sending queue in use, the fullest replica's (only exporters with a queue have these gauges). */
export function gatewayQueueFillExpr(by: readonly string[] = [JOB, EXPORTER, DATA_TYPE]): string {
  return aggBy("max", by, `${sel(COLLECTOR_METRICS.exporterQueueSize)} / ${sel(COLLECTOR_METRICS.exporterQueueCapacity)}`);
}

/**
 * Items per second a collector counter family records, per signal. The failure counters only
 * exist after the first failure: `zeroFrom` (a family that does exist, such as items sent) turns
 * "never failed" into 0 per exporter instead of no data.
 */
export function gatewayRateExpr(
  family: Readonly<Record<CollectorSignal, typeof COLLECTOR_METRICS.exporterSent.traces>>,
  by: readonly string[],
  window: string = GATEWAY_WINDOW,
  zeroFrom?: Readonly<Record<CollectorSignal, typeof COLLECTOR_METRICS.exporterSent.traces>>,
): string {
  return perSignal((s) => {
    const failed = sumBy(by, rate(family[s], {}, window));
    return zeroFrom === undefined ? failed : `${failed} or 0 * ${sumBy(by, rate(zeroFrom[s], {}, window))}`;
  });
}

const gatewayQueueFill = gatewayQueueFillExpr();
const gatewaySendFailed = gatewayRateExpr(COLLECTOR_METRICS.exporterSendFailed, [JOB, EXPORTER]);
const gatewayRefused = gatewayRateExpr(COLLECTOR_METRICS.receiverRefused, [JOB, RECEIVER]);

/** Missing for this long means nobody's client reports, not one user closing the app. */
const CLIENT_SILENT_WINDOW = "15m";

/** How often an install collects and sends its metrics, in seconds (client/telemetry/config.ts). */
export const FLUSH_INTERVAL_S = DEFAULT_CONFIG.flushIntervalMs / 1000;

/**
 * Installs whose telemetry arrives: each observes its uptime once per flush, and the histogram's
 * count survives the gateway's adding-up, so observations per second × the flush interval is the
 * number of installs reporting (the client overview draws it).
 */
export function installsReporting(window: string = RATE_INTERVAL): string {
  return `${sumBy([], rate(METRICS.mainUptime, {}, window, "count"))} * ${FLUSH_INTERVAL_S}`;
}
/** The server's health checks hit it every few seconds, so its request counter always moves. */
const SERVER_SILENT_WINDOW = "10m";

const client = { [JOB]: CLIENT_SERVICE, [INSTANCE]: "a" };
const exportedItems = (perMinute: number) => series(METRICS.telemetryExported, { ...client, [SIGNAL]: "traces" }, `0+${perMinute}x60`);
const droppedItems = (reason: string, perMinute: number) =>
  series(METRICS.telemetryDropped, { ...client, [SIGNAL]: "traces", [LABELS.DROP_REASON.name]: reason }, `0+${perMinute}x60`);
const retryItems = (perMinute: number) => series(METRICS.telemetryRetries, { ...client, [SIGNAL]: "traces" }, `0+${perMinute}x60`);
/** Uptime observations of the fleet (the gateway's replica is the instance), cumulative. */
const uptimeObserved = (values: string) => series(METRICS.mainUptime, { [JOB]: CLIENT_SERVICE, [INSTANCE]: "gateway-1" }, values, "count");
const serverRequests = (values: string) =>
  series(
    METRICS.httpRequests,
    { [JOB]: SERVER_SERVICE, [INSTANCE]: "server-1", [LABELS.HTTP_ROUTE.name]: "/healthz", [LABELS.HTTP_METHOD.name]: "GET", [LABELS.HTTP_STATUS_CODE.name]: "200" },
    values,
  );

/** The `service` label of the gateway's alerts (its Kubernetes app name, infra/components/gateway.ts). */
const GATEWAY_SERVICE = "beacon-gateway";
/** The native stack's scrape job of the collector (stack/config/prometheus.yml). */
const gateway = { [JOB]: "otel-collector", [INSTANCE]: "gw-1:8888" };
const cloudQueue = (values: string, capacity: string) => [
  series(COLLECTOR_METRICS.exporterQueueSize, { ...gateway, [EXPORTER]: "otlphttp/cloud", [DATA_TYPE]: "traces" }, values),
  series(COLLECTOR_METRICS.exporterQueueCapacity, { ...gateway, [EXPORTER]: "otlphttp/cloud", [DATA_TYPE]: "traces" }, capacity),
];
const sentSpans = (values: string) => series(COLLECTOR_METRICS.exporterSent.traces, { ...gateway, [EXPORTER]: "otlphttp/cloud" }, values);
const failedSpans = (values: string) =>
  series(COLLECTOR_METRICS.exporterSendFailed.traces, { ...gateway, [EXPORTER]: "otlphttp/cloud", error_type: "Unavailable", error_permanent: "false" }, values);
const refusedLogs = (values: string) => series(COLLECTOR_METRICS.receiverRefused.logs, { ...gateway, [RECEIVER]: "otlp/clients", transport: "http" }, values);

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
      // Every install with telemetry on observes its uptime once per flush, and a histogram's
      // count passes the fleet gateway (a gauge does not: the old uptime gauge never arrived).
      condition: absent(METRICS.mainUptime, CLIENT_SILENT_WINDOW),
      summary: "No client telemetry is arriving.",
      description: () =>
        `No ${prometheusNames(METRICS.mainUptime).family}_count sample from any client for ${CLIENT_SILENT_WINDOW}: the client exporters, the gateway or the metrics backend is broken.`,
      panel: { dashboardUid: CLIENT_OVERVIEW_UID, panelTitle: "Installs reporting" },
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
    {
      name: "GatewayExportQueueFilling",
      severity: "warning",
      service: GATEWAY_SERVICE,
      for: "10m",
      condition: above(gatewayQueueFill, THRESHOLDS, "gatewayQueueFill"),
      summary: "The gateway's export queue is filling up.",
      description: (v) =>
        `The gateway's {{ $labels.${EXPORTER} }} queue for {{ $labels.${DATA_TYPE} }} is {{ ${v} | humanizePercentage }} full (threshold ${THRESHOLDS.gatewayQueueFill * 100}%): the backend is slow or down, and once the queue is full the gateway refuses data.`,
      panel: { dashboardUid: PIPELINE_UID, panelTitle: "Gateway export queue fill" },
    },
    {
      name: "GatewayExportFailing",
      severity: "critical",
      service: GATEWAY_SERVICE,
      for: "5m",
      condition: above(gatewaySendFailed, THRESHOLDS, "gatewaySendFailedPerSecond"),
      summary: "The gateway gives up on exports: telemetry is being lost.",
      description: (v) =>
        `The gateway's {{ $labels.${EXPORTER} }} exporter gave up on {{ ${v} | humanize }} {{ $labels.${DATA_TYPE} }} items per second over ${GATEWAY_WINDOW}, after its retries: that data is lost.`,
      panel: { dashboardUid: PIPELINE_UID, panelTitle: "Gateway sends given up" },
    },
    {
      name: "GatewayRefusingData",
      severity: "warning",
      service: GATEWAY_SERVICE,
      for: "10m",
      condition: above(gatewayRefused, THRESHOLDS, "gatewayRefusedPerSecond"),
      summary: "The gateway refuses incoming telemetry.",
      description: (v) =>
        `The gateway's {{ $labels.${RECEIVER} }} receiver refused {{ ${v} | humanize }} {{ $labels.${DATA_TYPE} }} items per second over ${GATEWAY_WINDOW}: the memory limiter or a full export queue pushes back; clients retry, then drop.`,
      panel: { dashboardUid: PIPELINE_UID, panelTitle: "Gateway receivers refusing" },
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
      // One install reported (6 uptime observations a minute) for 10 minutes, then nothing
      // arrives: absent from 25m, firing 5m later.
      input: [uptimeObserved("0+6x10")],
      fires: [
        {
          labels: {},
          description:
            "No kicktalk_main_uptime_seconds_count sample from any client for 15m: the client exporters, the gateway or the metrics backend is broken.",
        },
      ],
    },
    {
      alert: "TelemetryPipelineClientSilent",
      evalTime: "40m",
      input: [uptimeObserved("0+6x60")],
      fires: [],
      why: "a single install reporting every flush is enough: the pipeline works",
    },
    {
      alert: "TelemetryPipelineClientSilent",
      evalTime: "40m",
      input: [uptimeObserved("0+6x15 _x10 90+6x20")],
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
    {
      alert: "GatewayExportQueueFilling",
      evalTime: "30m",
      // Grafana Cloud slow from minute 10: 3,000 of 5,000 batches waiting for 20 minutes.
      input: cloudQueue("0x10 3000x30", "5000x40"),
      fires: [
        {
          labels: { [JOB]: "otel-collector", [EXPORTER]: "otlphttp/cloud", [DATA_TYPE]: "traces" },
          description:
            "The gateway's otlphttp/cloud queue for traces is 60% full (threshold 50%): the backend is slow or down, and once the queue is full the gateway refuses data.",
        },
      ],
    },
    {
      alert: "GatewayExportQueueFilling",
      evalTime: "30m",
      input: cloudQueue("0x10 4000x5 0x25", "5000x40"),
      fires: [],
      why: "a 5-minute backlog that drained is the queue doing its job (a backend blip absorbed)",
    },
    {
      alert: "GatewayExportFailing",
      evalTime: "25m",
      // Cloud answers 503 past the retry budget from minute 11: 2 spans a second given up.
      input: [sentSpans("0+600x10 6000x20"), failedSpans("0x10 0+120x20")],
      fires: [
        {
          labels: { [JOB]: "otel-collector", [EXPORTER]: "otlphttp/cloud", [DATA_TYPE]: "traces" },
          description: "The gateway's otlphttp/cloud exporter gave up on 2 traces items per second over 5m, after its retries: that data is lost.",
        },
      ],
    },
    {
      alert: "GatewayExportFailing",
      evalTime: "15m",
      input: [sentSpans("0+600x30"), failedSpans("0x10 500x20")],
      fires: [],
      why: "one batch lost in a blip (a single step of the counter) is shown on the dashboard but does not page: it is over before the 5m for-duration",
    },
    {
      alert: "GatewayExportFailing",
      evalTime: "40m",
      input: [sentSpans("0+600x40"), failedSpans("500x40")],
      fires: [],
      why: "the counter of an earlier failure stays flat: nothing is being lost now",
    },
    {
      alert: "GatewayRefusingData",
      evalTime: "30m",
      // The memory limiter refuses client logs throughout: 10 records a second.
      input: [refusedLogs("0+600x40")],
      fires: [
        {
          labels: { [JOB]: "otel-collector", [RECEIVER]: "otlp/clients", [DATA_TYPE]: "logs" },
          description:
            "The gateway's otlp/clients receiver refused 10 logs items per second over 5m: the memory limiter or a full export queue pushes back; clients retry, then drop.",
        },
      ],
    },
    {
      alert: "GatewayRefusingData",
      evalTime: "30m",
      input: [refusedLogs("0x40")],
      fires: [],
      why: "the collector creates its refused counters at 0 with the first request: a counter that stays 0 is healthy",
    },
  ],
  recordingCases: [],
};
