// The client's calls to the chat API (seed 000 phase 10), as the client measures them:
// this sees what users see, including network failures the server never logs (status 0).
// Failures (5xx, status 0) are judged by the client-api-success SLO (catalog/slos.ts) and its
// burn-rate alerts, ClientApiSuccessErrorBudgetPage and …Ticket; this group keeps the latency.
import { CLIENT_SERVICE, LABELS, METRICS } from "../../catalog/index.ts";
import { quantile } from "../../queries/promql.ts";
import { CLIENT_OVERVIEW_UID } from "../../dashboards/uids.ts";
import { above, histogramSeries, INSTANCE, JOB, withTrafficFloor } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** Requests per second on an endpoint below which its P95 is noise. */
  minRequestsPerSecond: 0.1,
  /** P95 API latency per endpoint, seconds. */
  latencyP95Seconds: 1,
} as const;

const WINDOW = "10m";
const STATUS = LABELS.HTTP_STATUS_CODE.name;
const ENDPOINT = LABELS.API_ENDPOINT.name;

/** Per endpoint, where that endpoint sees traffic: a P95 of five requests pages nobody. */
const apiP95 = withTrafficFloor(
  quantile(0.95, METRICS.apiRequestDuration, { by: [JOB, ENDPOINT], window: WINDOW }),
  METRICS.apiRequestDuration,
  [JOB, ENDPOINT],
  WINDOW,
  THRESHOLDS.minRequestsPerSecond,
);

const job = { [JOB]: CLIENT_SERVICE };
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
