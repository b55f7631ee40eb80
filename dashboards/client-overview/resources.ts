// Row: process resources of main and renderer (seed 000 phases 3 and 8).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS } from "../../catalog/index.ts";
import { quantile, rate, sumBy } from "../../queries/promql.ts";
import { heapOverFreshByWindowAge, THRESHOLDS } from "../../alerts/groups/client-resources.ts";
import { FLUSH_INTERVAL_S, installsReporting } from "../../alerts/groups/telemetry-pipeline.ts";
import { promQuery } from "../common/queries.ts";
import { DASHED_THRESHOLDS, defaultStat, defaultTimeseries, ownedThresholds } from "../common/styles.ts";

// The process figures are histograms with one observation per install (or renderer window) per
// sample: a quantile across them is "the median / p95 install", never an average of averages.
const MAIN_MEMORY = { type: { op: "=~", value: "rss|heap_used" } } as const;
const RENDERER_HEAP = { type: "js_heap_used" } as const;

export function memoryTimeseries() {
  return defaultTimeseries()
    .title("Memory: heap and RSS (main + renderer)")
    .description(
      "Across installs, median and p95: main process RSS and V8 heap used (sampled once per flush), and the renderer windows' JS heap (sampled every 10 s).",
    )
    .unit(units.BytesIEC)
    .withTarget(promQuery(quantile(0.5, METRICS.mainMemoryUsage, { by: ["type"], matchers: MAIN_MEMORY }), "main {{type}} median"))
    .withTarget(promQuery(quantile(0.95, METRICS.mainMemoryUsage, { by: ["type"], matchers: MAIN_MEMORY }), "main {{type}} p95"))
    .withTarget(promQuery(quantile(0.5, METRICS.rendererMemoryUsage, { by: ["type"], matchers: RENDERER_HEAP }), "renderer {{type}} median"))
    .withTarget(promQuery(quantile(0.95, METRICS.rendererMemoryUsage, { by: ["type"], matchers: RENDERER_HEAP }), "renderer {{type}} p95"));
}

export function domNodesTimeseries() {
  return defaultTimeseries()
    .title("DOM nodes")
    .description("Elements in a renderer window's document, across windows: median and p95 (sampled every 10 s). Steady growth means a view leaks nodes.")
    .unit(units.Short)
    .withTarget(promQuery(quantile(0.5, METRICS.domNodeCount), "median"))
    .withTarget(promQuery(quantile(0.95, METRICS.domNodeCount), "p95"));
}

/**
 * BrowserWindows open across the fleet, estimated: each install observes how many windows of each
 * type it has open once per flush, so the observed sum per second times the flush interval is the
 * mean per install times the installs reporting.
 */
const openWindowsTotal = (by: readonly string[]) => `${sumBy(by, rate(METRICS.openWindows, {}, undefined, "sum"))} * ${FLUSH_INTERVAL_S}`;

export function openWindowsStat() {
  return defaultStat()
    .title("Open windows")
    .description(
      `BrowserWindows open across clients (main window and dialogs), estimated: each install observes its open windows once per flush; observed windows per second times the ${FLUSH_INTERVAL_S} s flush interval is the mean per install times the installs reporting. Installs with telemetry off are not counted.`,
    )
    .unit(units.Short)
    .decimals(0)
    .withTarget(promQuery(openWindowsTotal([])));
}

export function openWindowsTimeseries() {
  return defaultTimeseries()
    .title("Open windows by type")
    .description(
      `BrowserWindows open across clients by window type (main, settings, chatters, …), estimated as on the Open windows stat; dashed: installs with at least one window of the type open (observations per second × ${FLUSH_INTERVAL_S} s).`,
    )
    .unit(units.Short)
    .withTarget(promQuery(openWindowsTotal(["window_type"]), "{{window_type}}"))
    .withTarget(promQuery(`${sumBy(["window_type"], rate(METRICS.openWindows, {}, undefined, "count"))} * ${FLUSH_INTERVAL_S}`, "{{window_type}} installs"));
}

export function cpuTimeseries() {
  return defaultTimeseries()
    .title("Main process CPU")
    .description("Main process CPU time over wall time between two flushes (1 = one core busy), across installs: median and p95.")
    .unit(units.PercentUnit)
    .min(0)
    .withTarget(promQuery(quantile(0.5, METRICS.mainCpuUsage), "median"))
    .withTarget(promQuery(quantile(0.95, METRICS.mainCpuUsage), "p95"));
}

export function gcTimeseries() {
  return defaultTimeseries()
    .title("Main process GC")
    .description(
      "Share of wall time the main process spends in garbage collection, by GC kind: the fleet's GC seconds per second over the installs reporting (the average install).",
    )
    .unit(units.PercentUnit)
    .min(0)
    // Past the fleet gateway a series adds up every install; divided by their number (not an avg over gateway replicas).
    .withTarget(promQuery(`${sumBy(["gc_type"], rate(METRICS.mainGcDuration, {}, undefined, "sum"))} / on () group_left () (${installsReporting()})`, "{{gc_type}}"));
}

export function gcPauseTimeseries() {
  return defaultTimeseries()
    .title("GC pause P95")
    .description("95th percentile of main process garbage collection pauses, by GC kind.")
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.95, METRICS.mainGcDuration, { by: ["gc_type"] }), "{{gc_type}}"));
}

export function activeHandlesTimeseries() {
  return defaultTimeseries()
    .title("Main process active handles")
    .description("libuv handles (sockets, timers, files) held open by the main process, across installs: median and p95.")
    .unit(units.Short)
    .withTarget(promQuery(quantile(0.5, METRICS.mainActiveHandles), "median"))
    .withTarget(promQuery(quantile(0.95, METRICS.mainActiveHandles), "p95"));
}

export function uptimeTimeseries() {
  return defaultTimeseries()
    .title("Main process uptime")
    .description(
      "How long running installs have been up: median and p95 main process uptime across the installs reporting. Drops across the fleet mean restarts or crashes.",
    )
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.5, METRICS.mainUptime), "median"))
    .withTarget(promQuery(quantile(0.95, METRICS.mainUptime), "p95"));
}

/** Installs sending telemetry: each observes its uptime once per flush, so observations per second × the flush interval counts them. */
export function installsReportingTimeseries() {
  return defaultTimeseries()
    .title("Installs reporting")
    .description(
      `Installs whose telemetry arrives: uptime observations per second (one per install per flush) times the ${FLUSH_INTERVAL_S} s flush interval. Installs with telemetry off are not counted.`,
    )
    .unit(units.Short)
    .min(0)
    .withTarget(promQuery(installsReporting(), "installs"));
}

/** ClientRendererMemoryGrowing's quantity, per window age, with its threshold. */
export function heapOverFreshTimeseries() {
  return defaultTimeseries()
    .title("Renderer heap over fresh windows (median)")
    .description(
      `How much more JS heap the median renderer window holds than the median window open under 30 minutes, by how long windows have been open. Without a leak the lines stay near 0 once windows have warmed up; ClientRendererMemoryGrowing fires when windows open over 2 h cross the dashed line (${THRESHOLDS.heapOverFreshBytes / 1024 ** 2} MiB).`,
    )
    .unit(units.BytesIEC)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.heapOverFreshBytes, color: "red" }]))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(heapOverFreshByWindowAge(), "{{window_age}}"));
}
