// Worst-case series per metric, computed from the catalog alone: the product of each label's
// bound (enum: its values; pattern: what it admits; capped: the cap plus the overflow value)
// times the series a histogram writes per label set (each bucket, +Inf, _sum and _count). The
// lint prints the budget and fails a metric, or an install, over it.
import { prometheusNames } from "./prometheus-names.ts";
import type { BoundedLabel, Emitter, MetricDecl } from "./types.ts";

/**
 * Most series one metric may produce per emitting process. The HTTP duration histograms
 * (route × method × status × 14) sit at 6,048; bringing them down needs the emitters to drop
 * `method` or bucket `status_code` into classes, so the budget holds them where they are.
 */
export const SERIES_BUDGET_PER_METRIC = 6_500;
/** Most series one client install (main and renderer together) may produce (today 8,741). */
export const SERIES_BUDGET_PER_INSTALL = 10_000;
/** Most series one chat server instance may produce. */
export const SERIES_BUDGET_PER_SERVER = 10_000;

export function labelBound(label: BoundedLabel): number {
  switch (label.kind) {
    case "enum":
      return label.values.length;
    case "pattern":
      return label.maxValues;
    case "capped":
      return label.max + 1;
  }
}

/** Series per label set: one, or a histogram's buckets, +Inf, _sum and _count. */
export function seriesPerLabelSet(m: MetricDecl): number {
  return prometheusNames(m).type === "histogram" ? (m.buckets?.length ?? 0) + 3 : 1;
}

export function worstCaseSeries(m: MetricDecl): number {
  return m.labels.reduce((n, l) => n * labelBound(l), 1) * seriesPerLabelSet(m);
}

export interface SeriesBudgetReport {
  readonly perMetric: readonly { readonly metric: string; readonly series: number; readonly emittedBy: readonly Emitter[] }[];
  readonly perInstall: number;
  readonly perServer: number;
  readonly problems: readonly string[];
}

export function seriesBudget(metrics: readonly MetricDecl[]): SeriesBudgetReport {
  const perMetric = metrics
    .map((m) => ({ metric: prometheusNames(m).family, series: worstCaseSeries(m), emittedBy: m.emittedBy }))
    .sort((a, b) => b.series - a.series);
  const sum = (of: (e: Emitter) => boolean) => perMetric.filter((m) => m.emittedBy.some(of)).reduce((n, m) => n + m.series, 0);
  const perInstall = sum((e) => e !== "server");
  const perServer = sum((e) => e === "server");
  const problems: string[] = [];
  for (const m of perMetric) {
    if (m.series > SERIES_BUDGET_PER_METRIC) problems.push(`metric ${m.metric}: worst case ${m.series} series, over the budget of ${SERIES_BUDGET_PER_METRIC} per metric`);
  }
  if (perInstall > SERIES_BUDGET_PER_INSTALL) problems.push(`client: worst case ${perInstall} series per install, over the budget of ${SERIES_BUDGET_PER_INSTALL}`);
  if (perServer > SERIES_BUDGET_PER_SERVER) problems.push(`server: worst case ${perServer} series per instance, over the budget of ${SERIES_BUDGET_PER_SERVER}`);
  return { perMetric, perInstall, perServer, problems };
}
