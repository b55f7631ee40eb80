// Base styles: legend, tooltip, line and value style set once per panel kind, so panel
// functions only say what they show. Grid size is the caller's (`.span(12).height(8)`).
import * as common from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as BarGaugeBuilder } from "@grafana/grafana-foundation-sdk/bargauge";
import * as heatmap from "@grafana/grafana-foundation-sdk/heatmap";
import { PanelBuilder as LogsBuilder } from "@grafana/grafana-foundation-sdk/logs";
import { PanelBuilder as StatBuilder } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TableBuilder } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TextBuilder, TextMode } from "@grafana/grafana-foundation-sdk/text";
import { PanelBuilder as TimeseriesBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { ThresholdsConfigBuilder, ThresholdsMode } from "@grafana/grafana-foundation-sdk/dashboard";
import { DS } from "./queries.ts";

const legend = (mode: common.LegendDisplayMode, calcs: string[] = []) =>
  new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .placement(common.LegendPlacement.Bottom)
    .displayMode(mode)
    .calcs(calcs);

const tooltip = () => new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending);

/** Lines, no fill, a table legend with mean and max so a glance gives the figures. */
export function defaultTimeseries(): TimeseriesBuilder {
  return new TimeseriesBuilder()
    .datasource(DS.prometheus)
    .drawStyle(common.GraphDrawStyle.Line)
    .lineInterpolation(common.LineInterpolation.Smooth)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .legend(legend(common.LegendDisplayMode.Table, ["mean", "max", "lastNotNull"]))
    .tooltip(tooltip());
}

/**
 * Minimum step of bar panels. Their queries count over `[$__interval]`, the step itself, so
 * bars tile the time axis and add up to the total; at least 1m keeps four 15 s exports in each.
 */
export const BAR_INTERVAL = "1m";

/** Stacked bars: counts per interval (events, links, errors), one non-overlapping window per bar. */
export function defaultBarsTimeseries(): TimeseriesBuilder {
  return defaultTimeseries()
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(80)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
    .legend(legend(common.LegendDisplayMode.List))
    .interval(BAR_INTERVAL);
}

/** A dashed threshold line at `value` (a target such as the 10 KB export budget). */
export function thresholdLine(value: number, color = "red"): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: "green" },
    { value, color },
  ]);
}

/**
 * Threshold steps from the alert or SLO that owns the figure: `green` below the first value,
 * then each step's colour from its value on. `below` inverts it for figures where low is bad
 * (success rates, budget left): red below the first value.
 */
export function ownedThresholds(steps: readonly { value: number; color: string }[], opts: { below?: boolean } = {}): ThresholdsConfigBuilder {
  if (opts.below === true) {
    const [first, ...rest] = steps;
    if (first === undefined) throw new Error("ownedThresholds: no steps");
    return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: first.color }, ...rest.map((s, i) => ({ value: steps[i]!.value, color: s.color })), { value: steps[steps.length - 1]!.value, color: "green" }]);
  }
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: "green" }, ...steps.map((s) => ({ value: s.value, color: s.color }))]);
}

/** Draws a time series' thresholds as dashed lines (where the alert fires). */
export const DASHED_THRESHOLDS = () => new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed);

/**
 * A total over the dashboard's range: one instant query at the end of the range (an
 * `[$__range]` window drawn every step would re-read the whole range per point and plot a
 * rolling total), so no sparkline.
 */
export function rangeStat(): StatBuilder {
  return defaultStat().graphMode(common.BigValueGraphMode.None);
}

/** One big number now, with a sparkline of it over the range. */
export function defaultStat(): StatBuilder {
  return new StatBuilder()
    .datasource(DS.prometheus)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .textMode(common.BigValueTextMode.Value)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: "blue" }]));
}

/** Pre-bucketed Prometheus histograms (`format: heatmap`): Grafana must not re-bucket them. */
export function defaultHeatmap(): heatmap.PanelBuilder {
  return new heatmap.PanelBuilder()
    .datasource(DS.prometheus)
    .calculate(false)
    .cellGap(1)
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme("Oranges").exponent(0.5).steps(64))
    .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Le))
    .yAxis(new heatmap.YAxisConfigBuilder().unit("s"))
    .tooltip(new heatmap.HeatmapTooltipBuilder().mode(common.TooltipDisplayMode.Single).yHistogram(true))
    .showLegend();
}

export function defaultTable(): TableBuilder {
  return new TableBuilder().datasource(DS.prometheus).cellHeight(common.TableCellHeight.Sm).filterable(true);
}

/** Horizontal bars, one per series: rankings such as top domains. */
export function defaultBarGauge(): BarGaugeBuilder {
  return new BarGaugeBuilder()
    .datasource(DS.prometheus)
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .showUnfilled(true)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
}

export function defaultLogs(): LogsBuilder {
  return new LogsBuilder()
    .datasource(DS.loki)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .prettifyLogMessage(false)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
}

/** Markdown text. It runs no query; the datasource is set so every panel names one. */
export function defaultText(): TextBuilder {
  return new TextBuilder().datasource(DS.prometheus).mode(TextMode.Markdown).unit("none");
}
