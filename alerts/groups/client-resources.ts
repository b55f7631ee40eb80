// Renderer memory over long sessions: a heap that keeps growing is a leak users will hit as
// jank and then a crash. The fleet gateway adds installs up, so no install's heap can be
// followed over time; what survives is the fleet's heap distribution by how long each window
// has been open (kicktalk_renderer_memory_usage's window_age). Without a leak, windows reach the
// same heap once warmed up, however long they stay open; with one, the long-open windows hold
// more than fresh ones, in proportion to the leak. Medians of many windows, so one heavy user is
// not a fleet leak. (The fleet median alone over time is no leak signal: with installs opening
// and closing the app, its level stays put while every install leaks.)
import { CLIENT_SERVICE, LABELS, METRICS } from "../../catalog/index.ts";
import { quantile, RATE_INTERVAL, type Matchers } from "../../queries/promql.ts";
import { CLIENT_OVERVIEW_UID } from "../../dashboards/uids.ts";
import { above, histogramSeries, INSTANCE, JOB, withTrafficFloor } from "../define.ts";
import type { InputSeries, RuleGroup } from "../types.ts";

const MIB = 1024 ** 2;

export const THRESHOLDS = {
  /**
   * How much more JS heap (median) windows open over 2 h hold than windows open under 30 min, in
   * bytes. A 50 KiB/s leak puts well over 500 MiB between them (their typical ages differ by
   * three hours or more); warming up (caches, the first rooms' messages) a few tens of MiB.
   */
  heapOverFreshBytes: 256 * MIB,
} as const;

/** Long enough that GC sawtooth and view switches average out. */
const WINDOW = "1h";
const TYPE = LABELS.RENDERER_MEMORY_TYPE.name;
const AGE = LABELS.WINDOW_AGE.name;
/** Each renderer window samples its heap every 10 s (client/renderer/telemetry/vitals.ts). */
const RENDERER_SAMPLE_S = 10;
/** Fewer long-open windows than this is a handful of users, not the fleet. */
const MIN_OLD_WINDOWS = 20;

type WindowAge = (typeof LABELS.WINDOW_AGE.values)[number];
const heapUsed = (age?: WindowAge): Matchers => ({ [TYPE]: "js_heap_used", ...(age ? { [AGE]: age } : {}) });
const medianHeap = (by: readonly string[], age: WindowAge | undefined, window: string) =>
  quantile(0.5, METRICS.rendererMemoryUsage, { by, matchers: heapUsed(age), window });

/**
 * Median renderer JS heap of each window age over that of windows open under 30 minutes, bytes:
 * what the client overview draws with the threshold (the fresh windows' own line sits at 0).
 */
export function heapOverFreshByWindowAge(window: string = RATE_INTERVAL): string {
  return `${medianHeap([AGE], undefined, window)} - on () group_left () ${medianHeap([], "under_30m", window)}`;
}

/** The alert's form: windows open over 2 h against fresh ones, per job, only with enough old windows. */
const oldOverFresh = withTrafficFloor(
  `${medianHeap([JOB], "over_2h", WINDOW)} - ${medianHeap([JOB], "under_30m", WINDOW)}`,
  METRICS.rendererMemoryUsage,
  [JOB],
  WINDOW,
  MIN_OLD_WINDOWS / RENDERER_SAMPLE_S,
  heapUsed("over_2h"),
);

/** `windows` renderer windows of one age, each sampling a heap of `mib` MiB every 10 s for two hours. */
const heap = (age: WindowAge, mib: number, windows: number): InputSeries[] =>
  histogramSeries(METRICS.rendererMemoryUsage, { [JOB]: CLIENT_SERVICE, [INSTANCE]: "gateway-1", ...heapUsed(age) }, {
    value: mib * MIB,
    perMinute: windows * (60 / RENDERER_SAMPLE_S),
    minutes: 120,
  });

export const GROUP: RuleGroup = {
  name: "client-resources",
  interval: "1m",
  thresholds: THRESHOLDS,
  recordings: [],
  alerts: [
    {
      name: "ClientRendererMemoryGrowing",
      severity: "warning",
      service: CLIENT_SERVICE,
      for: "30m",
      condition: above(oldOverFresh, THRESHOLDS, "heapOverFreshBytes"),
      panel: { dashboardUid: CLIENT_OVERVIEW_UID, panelTitle: "Renderer heap over fresh windows (median)" },
      summary: "Renderer JS heap grows with the window's age: likely a memory leak.",
      description: (v) =>
        `Renderer windows open over 2 h hold {{ ${v} | humanize1024 }}B more JS heap (median, last ${WINDOW}) than windows open under 30 min (threshold ${THRESHOLDS.heapOverFreshBytes / MIB}MiB).`,
    },
  ],
  alertCases: [
    {
      alert: "ClientRendererMemoryGrowing",
      evalTime: "100m",
      // Steady growth: 150 MiB in fresh windows, 400 MiB after an hour, 900 MiB after hours.
      input: [...heap("under_30m", 150, 50), ...heap("30m_to_2h", 400, 100), ...heap("over_2h", 900, 30)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE },
          description: "Renderer windows open over 2 h hold 576MiB more JS heap (median, last 1h) than windows open under 30 min (threshold 256MiB).",
        },
      ],
    },
    {
      alert: "ClientRendererMemoryGrowing",
      evalTime: "100m",
      input: [...heap("under_30m", 100, 50), ...heap("30m_to_2h", 150, 100), ...heap("over_2h", 150, 30)],
      fires: [],
      why: "the heap is flat once warmed up: old windows hold only the ~100 MiB the first half hour adds (the median 96 MiB above fresh ones)",
    },
    {
      alert: "ClientRendererMemoryGrowing",
      evalTime: "100m",
      input: [...heap("under_30m", 150, 50), ...heap("over_2h", 900, 3)],
      fires: [],
      why: "three long-open windows are a few users' sessions, under the 20-window floor",
    },
  ],
  recordingCases: [],
};
