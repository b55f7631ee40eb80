// The chat server's HTTP RED signals, as the server measures them. The recording rules
// feed dashboards and SLO reports; the alerts query the raw series so Grafana-managed
// rules work without these recordings being loaded anywhere.
import { LABELS, METRICS, SERVER_SERVICE } from "../../catalog/index.ts";
import { quantile, rate, ratio, sumBy } from "../../queries/promql.ts";
import { above, histogramSeries, INSTANCE, JOB, recordName, series, withTrafficFloor } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** Share of responses that are 5xx. */
  serverErrorRatio: 0.05,
  /** Requests per second below which the 5xx share is noise. */
  minRequestsPerSecond: 0.1,
  /** P95 latency per route, seconds. */
  latencyP95Seconds: 0.5,
} as const;

const WINDOW = "5m";
const STATUS = LABELS.HTTP_STATUS_CODE.name;
const ROUTE = LABELS.HTTP_ROUTE.name;
const SERVER_ERROR = { [STATUS]: { op: "=~", value: "5.." } } as const;

const RECORD_RATE = recordName([JOB], METRICS.httpRequests, "rate5m");
const RECORD_ERROR_RATIO = recordName([JOB], METRICS.httpRequests, "errors_ratio_rate5m");
const RECORD_P95 = recordName([JOB, ROUTE], METRICS.httpRequestDuration, "p95_5m");

const errorRatio = ratio(METRICS.httpRequests, SERVER_ERROR, { by: [JOB], window: WINDOW });
const routeP95 = quantile(0.95, METRICS.httpRequestDuration, { by: [JOB, ROUTE], window: WINDOW });

const job = { [JOB]: SERVER_SERVICE, [INSTANCE]: "server-1" };
const requests = (route: string, status: string, perMinute: number) =>
  series(METRICS.httpRequests, { ...job, [ROUTE]: route, [LABELS.HTTP_METHOD.name]: "GET", [STATUS]: status }, `0+${perMinute}x30`);
const durations = (route: string, seconds: number) =>
  histogramSeries(METRICS.httpRequestDuration, { ...job, [ROUTE]: route, [LABELS.HTTP_METHOD.name]: "GET", [STATUS]: "200" }, { value: seconds, perMinute: 60, minutes: 30 });

export const GROUP: RuleGroup = {
  name: "server-http",
  interval: "1m",
  thresholds: THRESHOLDS,
  recordings: [
    { record: RECORD_RATE, expr: sumBy([JOB], rate(METRICS.httpRequests, {}, WINDOW)) },
    { record: RECORD_ERROR_RATIO, expr: errorRatio },
    { record: RECORD_P95, expr: routeP95 },
  ],
  alerts: [
    {
      name: "ServerHttp5xxRatioHigh",
      severity: "critical",
      service: SERVER_SERVICE,
      for: "5m",
      condition: above(withTrafficFloor(errorRatio, METRICS.httpRequests, [JOB], WINDOW, THRESHOLDS.minRequestsPerSecond), THRESHOLDS, "serverErrorRatio"),
      alsoUses: { minRequestsPerSecond: THRESHOLDS.minRequestsPerSecond },
      summary: "The chat server answers with 5xx errors.",
      description: (v) => `{{ ${v} | humanizePercentage }} of {{ $labels.${JOB} }} responses are 5xx (threshold ${THRESHOLDS.serverErrorRatio * 100}%).`,
    },
    {
      name: "ServerHttpLatencyHigh",
      severity: "warning",
      service: SERVER_SERVICE,
      for: "10m",
      condition: above(routeP95, THRESHOLDS, "latencyP95Seconds"),
      summary: "A chat server route is slow.",
      description: (v) =>
        `P95 latency of {{ $labels.${ROUTE} }} on {{ $labels.${JOB} }} is {{ ${v} | humanizeDuration }} (threshold ${THRESHOLDS.latencyP95Seconds}s).`,
    },
  ],
  alertCases: [
    {
      alert: "ServerHttp5xxRatioHigh",
      evalTime: "20m",
      // 45 ok and 15 × 500 a minute: 25 %.
      input: [requests("/api/chatrooms", "200", 45), requests("/api/chatrooms/:id/messages", "500", 15)],
      fires: [{ labels: { [JOB]: SERVER_SERVICE }, description: "25% of kicktalk-chat-server responses are 5xx (threshold 5%)." }],
    },
    {
      alert: "ServerHttp5xxRatioHigh",
      evalTime: "20m",
      input: [requests("/api/chatrooms", "200", 50), requests("unmatched", "404", 10)],
      fires: [],
      why: "404s for unknown paths are client errors; the server answered every request",
    },
    {
      alert: "ServerHttp5xxRatioHigh",
      evalTime: "20m",
      input: [requests("/healthz", "200", 3), requests("/api/chatrooms", "503", 1)],
      fires: [],
      why: "a quarter fail but 4 requests a minute (0.067/s) is under the 0.1/s traffic floor",
    },
    {
      alert: "ServerHttpLatencyHigh",
      evalTime: "20m",
      // 0.8 s is in the (0.5, 1] bucket: P95 = 0.5 + 0.95 × 0.5 = 0.975 s.
      input: [...durations("/api/chatrooms/:id/messages", 0.8), ...durations("/healthz", 0.004)],
      fires: [
        {
          labels: { [JOB]: SERVER_SERVICE, [ROUTE]: "/api/chatrooms/:id/messages" },
          description: "P95 latency of /api/chatrooms/:id/messages on kicktalk-chat-server is 975ms (threshold 0.5s).",
        },
      ],
    },
    {
      alert: "ServerHttpLatencyHigh",
      evalTime: "20m",
      input: durations("/api/chatrooms/:id/messages", 0.04),
      fires: [],
      why: "requests take 40 ms, so the P95 (about 49 ms) is well under 0.5 s",
    },
  ],
  recordingCases: [
    {
      record: RECORD_RATE,
      evalTime: "10m",
      input: [requests("/api/chatrooms", "200", 45), requests("/api/chatrooms", "500", 15)],
      samples: [{ labels: { [JOB]: SERVER_SERVICE }, value: 1 }],
    },
    {
      record: RECORD_ERROR_RATIO,
      evalTime: "10m",
      input: [requests("/api/chatrooms", "200", 45), requests("/api/chatrooms", "500", 15)],
      samples: [{ labels: { [JOB]: SERVER_SERVICE }, value: 0.25 }],
    },
    {
      record: RECORD_P95,
      evalTime: "10m",
      input: durations("/api/chatrooms", 0.8),
      samples: [{ labels: { [JOB]: SERVER_SERVICE, [ROUTE]: "/api/chatrooms" }, value: 0.975 }],
    },
  ],
};
