// Renderer memory over long sessions: a heap that keeps growing is a leak users will hit as
// jank and then a crash. Judged on the median client, so one heavy user is not a fleet leak.
import { CLIENT_SERVICE, LABELS, METRICS } from "../../catalog/index.ts";
import { overTime, quantileBy } from "../../queries/promql.ts";
import { CLIENT_OVERVIEW_UID } from "../../dashboards/uids.ts";
import { above, INSTANCE, JOB, series } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** Median renderer JS heap growth, bytes per second: 50 KiB/s is about 180 MiB an hour. */
  heapGrowthBytesPerSecond: 51200,
} as const;

/** Long enough that GC sawtooth and view switches average out. */
const WINDOW = "1h";
const TYPE = LABELS.RENDERER_MEMORY_TYPE.name;

/** Median client's renderer heap growth, B/s; the client overview draws it with the threshold. */
export const medianHeapGrowth = (window: string = WINDOW, by: readonly string[] = [JOB]) =>
  quantileBy(0.5, by, overTime("deriv", METRICS.rendererMemoryUsage, { [TYPE]: "js_heap_used" }, window));

const heap = (instance: string, bytesPerMinute: number) =>
  series(METRICS.rendererMemoryUsage, { [JOB]: CLIENT_SERVICE, [INSTANCE]: instance, [TYPE]: "js_heap_used" }, `100000000+${bytesPerMinute}x120`);

/** 6 MiB a minute: 104857.6 B/s. */
const LEAK_PER_MINUTE = 6 * 1024 * 1024;

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
      condition: above(medianHeapGrowth(), THRESHOLDS, "heapGrowthBytesPerSecond"),
      panel: { dashboardUid: CLIENT_OVERVIEW_UID, panelTitle: "Renderer heap growth (median client)" },
      summary: "Renderer JS heap keeps growing: likely a memory leak.",
      description: (v) =>
        `The median client's renderer JS heap grew {{ ${v} | humanize1024 }}B/s over the last ${WINDOW} (threshold ${THRESHOLDS.heapGrowthBytesPerSecond / 1024}KiB/s).`,
    },
  ],
  alertCases: [
    {
      alert: "ClientRendererMemoryGrowing",
      evalTime: "100m",
      input: [heap("a", LEAK_PER_MINUTE), heap("b", LEAK_PER_MINUTE), heap("c", 0)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE },
          description: "The median client's renderer JS heap grew 102.4kiB/s over the last 1h (threshold 50KiB/s).",
        },
      ],
    },
    {
      alert: "ClientRendererMemoryGrowing",
      evalTime: "100m",
      input: [heap("a", LEAK_PER_MINUTE), heap("b", 0), heap("c", 0)],
      fires: [],
      why: "only one client of three leaks; the median client's heap is flat",
    },
    {
      alert: "ClientRendererMemoryGrowing",
      evalTime: "100m",
      input: [heap("a", 60 * 1024), heap("b", 60 * 1024)],
      fires: [],
      why: "1 KiB/s of growth is caches warming up, far under 50 KiB/s",
    },
  ],
  recordingCases: [],
};
