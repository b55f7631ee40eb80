// Sending chat messages, from Enter to the server's acknowledgement (seed 000 phase 6).
import { CLIENT_SERVICE, LABELS, METRICS } from "../../catalog/index.ts";
import { quantile, ratio } from "../../queries/promql.ts";
import { above, histogramSeries, INSTANCE, JOB, series, withTrafficFloor } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** P95 send duration, seconds: past 2 s users notice and re-send. */
  sendP95Seconds: 2,
  /** Share of sends that fail. */
  sendFailureRatio: 0.05,
  /** Sends per second across all clients below which the failure share is noise. */
  minSendsPerSecond: 0.05,
} as const;

const WINDOW = "10m";
const SUCCESS = LABELS.SUCCESS.name;

const sendP95 = quantile(0.95, METRICS.messageSendDuration, { by: [JOB], window: WINDOW });
const sendFailures = withTrafficFloor(
  ratio(METRICS.messagesSent, { [SUCCESS]: "false" }, { by: [JOB], window: WINDOW }),
  METRICS.messagesSent,
  [JOB],
  WINDOW,
  THRESHOLDS.minSendsPerSecond,
);

const job = { [JOB]: CLIENT_SERVICE };
const sendDurations = (seconds: number) =>
  histogramSeries(METRICS.messageSendDuration, { ...job, [INSTANCE]: "a", [SUCCESS]: "true" }, { value: seconds, perMinute: 30, minutes: 40 });
const sends = (success: "true" | "false", perMinute: number) =>
  series(
    METRICS.messagesSent,
    { ...job, [INSTANCE]: "a", [LABELS.MESSAGE_TYPE.name]: "regular", [LABELS.STREAMER_NAME.name]: "xqc", [SUCCESS]: success },
    `0+${perMinute}x40`,
  );

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
      summary: "Sending a chat message is slow.",
      description: (v) => `P95 from Enter to acknowledged send is {{ ${v} | humanizeDuration }} (threshold ${THRESHOLDS.sendP95Seconds}s).`,
    },
    {
      name: "ClientMessageSendFailing",
      severity: "warning",
      service: CLIENT_SERVICE,
      for: "10m",
      condition: above(sendFailures, THRESHOLDS, "sendFailureRatio"),
      alsoUses: { minSendsPerSecond: THRESHOLDS.minSendsPerSecond },
      summary: "Chat messages fail to send.",
      description: (v) => `{{ ${v} | humanizePercentage }} of chat messages failed to send (threshold ${THRESHOLDS.sendFailureRatio * 100}%).`,
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
      alert: "ClientMessageSendFailing",
      evalTime: "30m",
      // 3 failed out of 30 a minute: 10 %.
      input: [sends("true", 27), sends("false", 3)],
      fires: [{ labels: { [JOB]: CLIENT_SERVICE }, description: "10% of chat messages failed to send (threshold 5%)." }],
    },
    {
      alert: "ClientMessageSendFailing",
      evalTime: "30m",
      input: [sends("true", 1), sends("false", 1)],
      fires: [],
      why: "half the sends fail, but 2 sends a minute (0.033/s) is under the 0.05/s traffic floor: too few to judge",
    },
    {
      alert: "ClientMessageSendFailing",
      evalTime: "30m",
      input: [sends("true", 99), sends("false", 1)],
      fires: [],
      why: "1 % failures is under the 5 % threshold",
    },
  ],
  recordingCases: [],
};
