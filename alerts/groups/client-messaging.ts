// Sending chat messages, from Enter to the server's acknowledgement (seed 000 phase 6). Whether
// sends succeed within 2.5 s is the client-message-send SLO (catalog/slos.ts), which replaced
// the static failure-ratio alert; what stays is the P95 of successful sends, the figure the
// dashboard panel and saved query show, with a traffic floor.
import { CLIENT_SERVICE, LABELS, METRICS } from "../../catalog/index.ts";
import { CLIENT_OVERVIEW_UID } from "../../dashboards/uids.ts";
import { quantile } from "../../queries/promql.ts";
import { above, histogramSeries, INSTANCE, JOB, withTrafficFloor } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** P95 send duration of successful sends, seconds: past 2 s users notice and re-send. */
  sendP95Seconds: 2,
  /** Successful sends per second across all clients below which a P95 is a handful of sends. */
  minSendsPerSecond: 0.05,
} as const;

const WINDOW = "10m";
const SUCCESS = LABELS.SUCCESS.name;
/** Failed sends end at a timeout or an error, not at an acknowledgement: their duration is not send latency. */
export const SUCCESSFUL = { [SUCCESS]: "true" } as const;

const sendP95 = withTrafficFloor(
  quantile(0.95, METRICS.messageSendDuration, { by: [JOB], matchers: SUCCESSFUL, window: WINDOW }),
  METRICS.messageSendDuration,
  [JOB],
  WINDOW,
  THRESHOLDS.minSendsPerSecond,
  SUCCESSFUL,
);

const job = { [JOB]: CLIENT_SERVICE };
const sendDurations = (seconds: number, success: "true" | "false" = "true", perMinute = 30) =>
  histogramSeries(METRICS.messageSendDuration, { ...job, [INSTANCE]: "a", [SUCCESS]: success }, { value: seconds, perMinute, minutes: 40 });

export const GROUP: RuleGroup = {
  name: "client-messaging",
  interval: "1m",
  thresholds: THRESHOLDS,
  recordings: [],
  alerts: [
    {
      name: "ClientMessageSendSlow",
      severity: "warning",
      service: CLIENT_SERVICE,
      for: "15m",
      condition: above(sendP95, THRESHOLDS, "sendP95Seconds"),
      alsoUses: { minSendsPerSecond: THRESHOLDS.minSendsPerSecond },
      summary: "Sending a chat message is slow.",
      description: (v) => `P95 from Enter to acknowledged send is {{ ${v} | humanizeDuration }} (threshold ${THRESHOLDS.sendP95Seconds}s).`,
      panel: { dashboardUid: CLIENT_OVERVIEW_UID, panelTitle: "Message send duration P50 / P90 / P95" },
    },
  ],
  alertCases: [
    {
      alert: "ClientMessageSendSlow",
      evalTime: "30m",
      // Every send takes 3 s, in the (2.5, 5] bucket: P95 interpolates to 2.5 + 0.95 × 2.5.
      input: sendDurations(3),
      fires: [{ labels: { [JOB]: CLIENT_SERVICE }, description: "P95 from Enter to acknowledged send is 4.875s (threshold 2s)." }],
    },
    {
      alert: "ClientMessageSendSlow",
      evalTime: "30m",
      input: sendDurations(0.3),
      fires: [],
      why: "sends take 0.3 s, so the P95 (about 0.49 s) is far under 2 s",
    },
    {
      alert: "ClientMessageSendSlow",
      evalTime: "30m",
      input: [...sendDurations(0.3, "true", 30), ...sendDurations(8, "false", 30)],
      fires: [],
      why: "successful sends take 0.3 s; the failed ones that ran into the 8 s timeout are not send latency (the panel and saved query show successful sends only)",
    },
    {
      alert: "ClientMessageSendSlow",
      evalTime: "30m",
      input: sendDurations(3, "true", 2),
      fires: [],
      why: "every send is slow, but 2 sends a minute (0.033/s) is under the 0.05/s traffic floor: a P95 of a handful",
    },
  ],
  recordingCases: [],
};
