// The client's calls to the chat API (seed 000 phase 10), as the client measures them:
// this sees what users see, including network failures the server never logs (status 0).
// The client-api-success SLO (catalog/slos.ts) judges the same failures against an error
// budget; ClientApiErrorRateHigh stays because the e2e provokes it end to end through the real
// pipeline (e2e/alert-fire.ts), until that proof moves to the SLO's page.
import { CLIENT_SERVICE, LABELS, METRICS } from "../../catalog/index.ts";
import { quantile, ratio } from "../../queries/promql.ts";
import { CLIENT_OVERVIEW_UID } from "../../dashboards/uids.ts";
import { above, histogramSeries, INSTANCE, JOB, series, withTrafficFloor } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** Share of API requests that got a 5xx or no response at all. */
  errorRatio: 0.05,
  /** Requests per second across all clients below which the error share is noise. */
  minRequestsPerSecond: 0.1,
  /** P95 API latency per endpoint, seconds. */
  latencyP95Seconds: 1,
} as const;

const WINDOW = "10m";
const STATUS = LABELS.HTTP_STATUS_CODE.name;
const ENDPOINT = LABELS.API_ENDPOINT.name;
/** 5xx, or 0 when no response arrived (network error, timeout). */
const FAILED = { op: "=~", value: "5..|0" } as const;

const apiErrors = withTrafficFloor(
  ratio(METRICS.apiRequests, { [STATUS]: FAILED }, { by: [JOB], window: WINDOW }),
  METRICS.apiRequests,
  [JOB],
  WINDOW,
  THRESHOLDS.minRequestsPerSecond,
);
/** Per endpoint, where that endpoint sees traffic: a P95 of five requests pages nobody. */
const apiP95 = withTrafficFloor(
  quantile(0.95, METRICS.apiRequestDuration, { by: [JOB, ENDPOINT], window: WINDOW }),
  METRICS.apiRequestDuration,
  [JOB, ENDPOINT],
  WINDOW,
  THRESHOLDS.minRequestsPerSecond,
);

const job = { [JOB]: CLIENT_SERVICE };
const requests = (status: string, perMinute: number) =>
  series(METRICS.apiRequests, { ...job, [INSTANCE]: "a", [ENDPOINT]: "/api/chatrooms", [LABELS.HTTP_METHOD.name]: "GET", [STATUS]: status }, `0+${perMinute}x40`);
const durations = (endpoint: string, seconds: number, perMinute = 60) =>
  histogramSeries(
    METRICS.apiRequestDuration,
    { ...job, [INSTANCE]: "a", [ENDPOINT]: endpoint, [STATUS]: "200" },
    { value: seconds, perMinute, minutes: 40 },
  );

export const GROUP: RuleGroup = {
  name: "client-api",
  interval: "1m",
  thresholds: THRESHOLDS,
  recordings: [],
  alerts: [
    {
      name: "ClientApiErrorRateHigh",
      severity: "warning",
      service: CLIENT_SERVICE,
      for: "10m",
      condition: above(apiErrors, THRESHOLDS, "errorRatio"),
      alsoUses: { minRequestsPerSecond: THRESHOLDS.minRequestsPerSecond },
      summary: "Clients' chat API requests are failing.",
      description: (v) =>
        `{{ ${v} | humanizePercentage }} of the clients' chat API requests got a 5xx or no response (threshold ${THRESHOLDS.errorRatio * 100}%).`,
      panel: { dashboardUid: CLIENT_OVERVIEW_UID, panelTitle: "API failure ratio" },
    },
    {
      name: "ClientApiLatencyHigh",
      severity: "warning",
      service: CLIENT_SERVICE,
      for: "15m",
      condition: above(apiP95, THRESHOLDS, "latencyP95Seconds"),
      alsoUses: { minRequestsPerSecond: THRESHOLDS.minRequestsPerSecond },
      panel: { dashboardUid: CLIENT_OVERVIEW_UID, panelTitle: "API latency P95 by endpoint" },
      summary: "Chat API calls are slow for clients.",
      description: (v) =>
        `P95 latency of {{ $labels.${ENDPOINT} }} as clients see it is {{ ${v} | humanizeDuration }} (threshold ${THRESHOLDS.latencyP95Seconds}s).`,
    },
  ],
  alertCases: [
    {
      alert: "ClientApiErrorRateHigh",
      evalTime: "30m",
      // 48 ok, 6 × 503 and 6 timeouts (status 0) a minute: 20 % failed.
      input: [requests("200", 48), requests("503", 6), requests("0", 6)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE },
          description: "20% of the clients' chat API requests got a 5xx or no response (threshold 5%).",
        },
      ],
    },
    {
      alert: "ClientApiErrorRateHigh",
      evalTime: "30m",
      input: [requests("200", 57), requests("404", 3)],
      fires: [],
      why: "4xx answers are the client's own mistakes, not API failures; no 5xx or status 0 at all",
    },
    {
      alert: "ClientApiErrorRateHigh",
      evalTime: "30m",
      input: [requests("200", 2), requests("500", 2)],
      fires: [],
      why: "half the requests fail but 4 a minute (0.067/s) is under the 0.1/s traffic floor",
    },
    {
      alert: "ClientApiLatencyHigh",
      evalTime: "30m",
      // /api/chatrooms takes 2 s, in the (1, 2.5] bucket: P95 = 1 + 0.95 × 1.5 = 2.425 s.
      input: [...durations("/api/chatrooms", 2), ...durations("/api/users/:id", 0.02)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE, [ENDPOINT]: "/api/chatrooms" },
          description: "P95 latency of /api/chatrooms as clients see it is 2.425s (threshold 1s).",
        },
      ],
    },
    {
      alert: "ClientApiLatencyHigh",
      evalTime: "30m",
      input: durations("/api/chatrooms", 0.2),
      fires: [],
      why: "requests take 0.2 s, so the P95 (about 0.24 s) is under 1 s",
    },
    {
      alert: "ClientApiLatencyHigh",
      evalTime: "30m",
      input: durations("/api/chatrooms", 2, 3),
      fires: [],
      why: "every request is slow, but 3 a minute (0.05/s) is under the 0.1/s traffic floor: the P95 of a handful of requests",
    },
  ],
  recordingCases: [],
};
