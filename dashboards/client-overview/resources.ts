// Row: process resources of main and renderer (seed 000 phases 3 and 8).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS } from "../../catalog/index.ts";
import { aggBy, quantile, quantileBy, rate, sel, sumBy } from "../../queries/promql.ts";
import { medianHeapGrowth, THRESHOLDS } from "../../alerts/groups/client-resources.ts";
import { promQuery } from "../common/queries.ts";
import { DASHED_THRESHOLDS, defaultStat, defaultTimeseries, ownedThresholds } from "../common/styles.ts";

export function memoryTimeseries() {
  return defaultTimeseries()
    .title("Memory: heap and RSS (main + renderer)")
    .description("Average per client: main process RSS and V8 heap used, and the renderer's JS heap (sampled every 10 s).")
    .unit(units.BytesIEC)
    .withTarget(promQuery(aggBy("avg", ["type"], sel(METRICS.mainMemoryUsage, { type: { op: "=~", value: "rss|heap_used" } })), "main {{type}}"))
    .withTarget(promQuery(aggBy("avg", ["type"], sel(METRICS.rendererMemoryUsage)), "renderer {{type}}"));
}

export function domNodesTimeseries() {
  return defaultTimeseries()
    .title("DOM nodes")
    .description("Elements in the renderer's document: average and largest client. Steady growth means a view leaks nodes.")
    .unit(units.Short)
    .withTarget(promQuery(aggBy("avg", [], sel(METRICS.domNodeCount)), "avg"))
    .withTarget(promQuery(aggBy("max", [], sel(METRICS.domNodeCount)), "max"));
}

export function openWindowsStat() {
  return defaultStat()
    .title("Open windows")
    .description("BrowserWindows open now across clients (main window and dialogs).")
    .unit(units.Short)
    .withTarget(promQuery(sumBy([], sel(METRICS.openWindows))));
}

export function openWindowsTimeseries() {
  return defaultTimeseries()
    .title("Open windows by type")
    .description("BrowserWindows open across clients, by window type (main, settings, chatters, …).")
    .unit(units.Short)
    .withTarget(promQuery(sumBy(["window_type"], sel(METRICS.openWindows)), "{{window_type}}"));
}

export function cpuTimeseries() {
  return defaultTimeseries()
    .title("Main process CPU")
    .description("Main process CPU time over wall time (1 = one core busy): average and busiest client.")
    .unit(units.PercentUnit)
    .min(0)
    .withTarget(promQuery(aggBy("avg", [], sel(METRICS.mainCpuUsage)), "avg"))
    .withTarget(promQuery(aggBy("max", [], sel(METRICS.mainCpuUsage)), "max"));
}

export function gcTimeseries() {
  return defaultTimeseries()
    .title("Main process GC")
    .description("Share of wall time the main process spends in garbage collection (GC seconds per second, averaged over clients), by GC kind.")
    .unit(units.PercentUnit)
    .min(0)
    .withTarget(promQuery(aggBy("avg", ["gc_type"], rate(METRICS.mainGcDuration, {}, undefined, "sum")), "{{gc_type}}"));
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
    .description("libuv handles (sockets, timers, files) held open by the main process: average and largest client.")
    .unit(units.Short)
    .withTarget(promQuery(aggBy("avg", [], sel(METRICS.mainActiveHandles)), "avg"))
    .withTarget(promQuery(aggBy("max", [], sel(METRICS.mainActiveHandles)), "max"));
}

export function uptimeTimeseries() {
  return defaultTimeseries()
    .title("Main process uptime")
    .description("How long clients have been running: median and longest main process uptime. Drops across the fleet mean restarts or crashes.")
    .unit(units.Seconds)
    .withTarget(promQuery(quantileBy(0.5, [], sel(METRICS.mainUptime)), "median"))
    .withTarget(promQuery(aggBy("max", [], sel(METRICS.mainUptime)), "max"));
}

/** ClientRendererMemoryGrowing's condition (over the same hour), drawn with its threshold. */
export function heapGrowthTimeseries() {
  return defaultTimeseries()
    .title("Renderer heap growth (median client)")
    .description(
      `How fast the median client's renderer JS heap grows, over the last hour: what ClientRendererMemoryGrowing judges (dashed: its threshold, ${THRESHOLDS.heapGrowthBytesPerSecond / 1024} KiB/s).`,
    )
    .unit(units.BytesPerSecondIEC)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.heapGrowthBytesPerSecond, color: "red" }]))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(medianHeapGrowth("1h", []), "median client"));
}
