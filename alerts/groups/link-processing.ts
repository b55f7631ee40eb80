// Link previews (seed 004): links found in chat messages are fetched and summarised by the
// server in the background. Failures are expected for some sites; a rising share is not.
import { LABELS, METRICS, SERVER_SERVICE } from "../../catalog/index.ts";
import { LINK_PROCESSING_UID } from "../../dashboards/uids.ts";
import { quantile, ratio } from "../../queries/promql.ts";
import { above, histogramSeries, INSTANCE, JOB, series, withTrafficFloor } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** Share of processed links that failed; dead and non-HTML links keep it near 5-10 %. */
  failureRatio: 0.25,
  /** Links per second below which the failure share is noise (about one a minute). */
  minLinksPerSecond: 0.015,
  /** P95 from queueing to final status, seconds (the fetch timeout is 5 s). */
  processingP95Seconds: 10,
} as const;

const WINDOW = "15m";
const STATUS = LABELS.LINK_STATUS.name;
const REASON = LABELS.LINK_FAILURE_REASON.name;

const failureRatio = withTrafficFloor(
  ratio(METRICS.linksProcessed, { [STATUS]: "failed" }, { by: [JOB], window: WINDOW }),
  METRICS.linksProcessed,
  [JOB],
  WINDOW,
  THRESHOLDS.minLinksPerSecond,
);
const processingP95 = withTrafficFloor(
  quantile(0.95, METRICS.linkProcessingDuration, { by: [JOB], window: WINDOW }),
  METRICS.linkProcessingDuration,
  [JOB],
  WINDOW,
  THRESHOLDS.minLinksPerSecond,
);

const job = { [JOB]: SERVER_SERVICE, [INSTANCE]: "server-1" };
const processed = (status: "completed" | "failed", reason: string, perMinute: number) =>
  series(METRICS.linksProcessed, { ...job, [STATUS]: status, [REASON]: reason }, `0+${perMinute}x60`);
const durations = (seconds: number, perMinute = 10) =>
  histogramSeries(METRICS.linkProcessingDuration, { ...job, [STATUS]: "completed" }, { value: seconds, perMinute, minutes: 60 });

export const GROUP: RuleGroup = {
  name: "link-processing",
  interval: "1m",
  thresholds: THRESHOLDS,
  recordings: [],
  alerts: [
    {
      name: "LinkProcessingFailureRateHigh",
      severity: "warning",
      service: SERVER_SERVICE,
      for: "15m",
      condition: above(failureRatio, THRESHOLDS, "failureRatio"),
      alsoUses: { minLinksPerSecond: THRESHOLDS.minLinksPerSecond },
      summary: "Link previews are failing.",
      description: (v) =>
        `{{ ${v} | humanizePercentage }} of links processed by {{ $labels.${JOB} }} failed over ${WINDOW} (threshold ${THRESHOLDS.failureRatio * 100}%).`,
      panel: { dashboardUid: LINK_PROCESSING_UID, panelTitle: "Success rate over time" },
    },
    {
      name: "LinkProcessingSlow",
      severity: "info",
      service: SERVER_SERVICE,
      for: "30m",
      condition: above(processingP95, THRESHOLDS, "processingP95Seconds"),
      alsoUses: { minLinksPerSecond: THRESHOLDS.minLinksPerSecond },
      panel: { dashboardUid: LINK_PROCESSING_UID, panelTitle: "Processing time: avg and P95" },
      summary: "Link previews take long to appear.",
      description: (v) => `P95 from queueing a link to its preview is {{ ${v} | humanizeDuration }} (threshold ${THRESHOLDS.processingP95Seconds}s).`,
    },
  ],
  alertCases: [
    {
      alert: "LinkProcessingFailureRateHigh",
      evalTime: "45m",
      // 6 completed, 2 timeouts and 2 HTTP errors a minute: 40 % failed.
      input: [processed("completed", "none", 6), processed("failed", "timeout", 2), processed("failed", "http_error", 2)],
      fires: [{ labels: { [JOB]: SERVER_SERVICE }, description: "40% of links processed by kicktalk-chat-server failed over 15m (threshold 25%)." }],
    },
    {
      alert: "LinkProcessingFailureRateHigh",
      evalTime: "45m",
      input: [processed("completed", "none", 9), processed("failed", "not_html", 1)],
      fires: [],
      why: "10 % failures (a PDF now and then) is the usual background, under 25 %",
    },
    {
      alert: "LinkProcessingFailureRateHigh",
      evalTime: "45m",
      input: [processed("failed", "timeout", 0.5)],
      fires: [],
      why: "every link fails, but one every two minutes (0.008/s) is under the traffic floor",
    },
    {
      alert: "LinkProcessingSlow",
      evalTime: "55m",
      // 12 s is in the (10, 30] bucket: P95 = 10 + 0.95 × 20 = 29 s.
      input: durations(12),
      fires: [{ labels: { [JOB]: SERVER_SERVICE }, description: "P95 from queueing a link to its preview is 29s (threshold 10s)." }],
    },
    {
      alert: "LinkProcessingSlow",
      evalTime: "55m",
      input: durations(0.8),
      fires: [],
      why: "links finish in 0.8 s; the P95 (under 1 s) is far below 10 s",
    },
    {
      alert: "LinkProcessingSlow",
      evalTime: "55m",
      input: durations(12, 0.5),
      fires: [],
      why: "every link is slow, but one every two minutes (0.008/s) is under the traffic floor: the P95 of a handful",
    },
  ],
  recordingCases: [],
};
