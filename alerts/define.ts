// Helpers the group modules declare rules and promtool cases with. Metric and label names
// come from the catalog through queries/promql.ts; nothing here spells a metric name.
import { prometheusNames, RESOURCE_LABELS as RESOURCE_LABEL_NAMES, type MetricDecl } from "../catalog/index.ts";
import { rate, sel, sumBy, type HistogramPart, type Matchers } from "../queries/promql.ts";
import type { AbsentCondition, AlertCase, Duration, InputSeries, QuietCase, ThresholdCondition } from "./types.ts";

/** `query > THRESHOLDS[name]`, keeping the threshold's name for the lint and the diff. */
export function above<T extends Readonly<Record<string, number>>>(query: string, thresholds: T, name: keyof T & string): ThresholdCondition {
  return { kind: "threshold", query, op: ">", thresholdName: name, threshold: thresholds[name] as number };
}

export function below<T extends Readonly<Record<string, number>>>(query: string, thresholds: T, name: keyof T & string): ThresholdCondition {
  return { kind: "threshold", query, op: "<", thresholdName: name, threshold: thresholds[name] as number };
}

/** The series of `metric` matching `matchers` has had no sample for `window`. */
export function absent(metric: MetricDecl, window: Duration, matchers: Matchers = {}): AbsentCondition {
  // A histogram is present when its observation count is.
  return { kind: "absent", metric, matchers, window, ...(metric.instrument === "histogram" ? { part: "count" as const } : {}) };
}

/**
 * Keeps `expr` only where `metric` runs above `floorPerSecond`, so a ratio over a handful of
 * requests (one error out of two) cannot page anyone.
 */
export function withTrafficFloor(expr: string, metric: MetricDecl, by: readonly string[], window: Duration, floorPerSecond: number, matchers: Matchers = {}): string {
  // A histogram's traffic is its observation count.
  const part = metric.instrument === "histogram" ? "count" : undefined;
  return `(${expr}) and on (${by.join(", ")}) (${sumBy(by, rate(metric, matchers, window, part))} > ${floorPerSecond})`;
}

/** Recording rule name `level:metric:operation`, the metric part from the catalog (`_total` dropped for rates). */
export function recordName(level: readonly string[], metric: MetricDecl, operation: string): string {
  const family = prometheusNames(metric).family.replace(/_total$/, "");
  return `${level.join("_")}:${family}:${operation}`;
}

/** One promtool input series; the label set is checked against the catalog like any query. */
export function series(metric: MetricDecl, labels: Matchers, values: string, part?: HistogramPart): InputSeries {
  return { series: sel(metric, labels, part), values };
}

/**
 * Bucket series of a histogram whose observations all take `valueSeconds`, `perMinute` of
 * them per minute for `minutes` minutes: cumulative buckets at or above the value grow,
 * the ones below stay 0. histogram_quantile then interpolates inside the bucket holding it.
 */
export function histogramSeries(metric: MetricDecl, labels: Matchers, o: { value: number; perMinute: number; minutes: number }): InputSeries[] {
  if (metric.buckets === undefined) throw new Error(`histogramSeries: ${metric.name} declares no buckets`);
  const bounds = [...metric.buckets.map(String), "+Inf"];
  const buckets = bounds.map((le) => {
    const inBucket = le === "+Inf" || o.value <= Number(le);
    return series(metric, { ...labels, le }, inBucket ? `0+${o.perMinute}x${o.minutes}` : `0x${o.minutes}`, "bucket");
  });
  // The count, as the exporter writes it next to the buckets: traffic floors read it.
  return [...buckets, series(metric, labels, `0+${o.perMinute}x${o.minutes}`, "count")];
}

/** The resource label every series carries (service.name); declared in catalog RESOURCE_LABELS. */
export const JOB = "job" satisfies (typeof RESOURCE_LABEL_NAMES)[number];
export const INSTANCE = "instance" satisfies (typeof RESOURCE_LABEL_NAMES)[number];

/** A case where the alert must stay quiet (it carries its reason). */
export const isQuietCase = (c: AlertCase): c is QuietCase => c.fires.length === 0;
