// Panels of the telemetry pipeline dashboard: the client's telemetry layer reporting on
// itself. Telemetry degrades quietly, so these are how anyone notices it dropping data.
import * as units from "@grafana/grafana-foundation-sdk/units";
import { COLLECTOR_METRICS, METRICS } from "../../catalog/index.ts";
import { FLUSH_INTERVAL_S, gatewayQueueFillExpr, gatewayRateExpr, retriedShareExpr, THRESHOLDS } from "../../alerts/groups/telemetry-pipeline.ts";
import { increase, quantile, RANGE_WINDOW, rate, RATE_INTERVAL, ratio, sumBy } from "../../queries/promql.ts";
import { promInstant, promQuery } from "../common/queries.ts";
import { DASHED_THRESHOLDS, defaultStat, defaultTimeseries, ownedThresholds, rangeStat, thresholdLine } from "../common/styles.ts";
import { matchVar } from "../common/variables.ts";
import * as common from "@grafana/grafana-foundation-sdk/common";
import { ThresholdsConfigBuilder, ThresholdsMode } from "@grafana/grafana-foundation-sdk/dashboard";

/** Seed 003: one flush stays under 10 KB. Bucket boundary 10240 By exists in the catalog. */
export const EXPORT_SIZE_TARGET_BYTES = 10_240;

const signal = { signal: matchVar("signal") };

export function queueTimeseries() {
  return defaultTimeseries()
    .title("Queued items")
    .description(
      `Telemetry items waiting in the on-disk journals to be exported, by signal. Each install observes its journal once per flush: "total" is all clients together, estimated (observed items per second × the ${FLUSH_INTERVAL_S} s flush interval: the mean install's queue times the installs reporting); "p95" is the install whose queue is larger than 95% of the fleet's. Installs that cannot reach the gateway report their queue once they can.`,
    )
    .unit(units.Short)
    .withTarget(promQuery(`${sumBy(["signal"], rate(METRICS.telemetryQueued, signal, undefined, "sum"))} * ${FLUSH_INTERVAL_S}`, "{{signal}} total"))
    .withTarget(promQuery(quantile(0.95, METRICS.telemetryQueued, { by: ["signal"], matchers: signal }), "{{signal}} p95 install"));
}

export function exportedTimeseries() {
  return defaultTimeseries()
    .title("Exported items")
    .description("Telemetry items per second the gateway accepted, by signal.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["signal"], rate(METRICS.telemetryExported, signal)), "{{signal}}"));
}

export function droppedTimeseries() {
  return defaultTimeseries()
    .title("Dropped items by reason")
    .description("Telemetry items per second given up on, by reason (queue_full, payload_too_large, retries_exhausted, …) and signal.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["reason", "signal"], rate(METRICS.telemetryDropped, signal)), "{{reason}} ({{signal}})"));
}

export function droppedShareStat() {
  // Nothing dropped yet: the dropped counter does not exist, which is 0 and not "No data".
  const lost = `(${sumBy([], increase(METRICS.telemetryDropped, { ...signal, reason: { op: "!=", value: "disabled" } }, RANGE_WINDOW))} or vector(0))`;
  const exported = sumBy([], increase(METRICS.telemetryExported, signal, RANGE_WINDOW));
  return rangeStat()
    .title("Dropped share")
    .description(
      `Share of telemetry items dropped rather than exported over the selected range (excluding reason 'disabled': opted-out users are not loss); red from TelemetryPipelineDroppingData's ${THRESHOLDS.droppedRatio * 100} %.`,
    )
    .unit(units.PercentUnit)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.droppedRatio, color: "red" }]))
    .withTarget(promInstant(`${lost} / (${lost} + ${exported})`));
}

export function retriesTimeseries() {
  return defaultTimeseries()
    .title("Export retries")
    .description("Export attempts retried per second after a failure, 429 or 503, by signal.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["signal"], rate(METRICS.telemetryRetries, signal)), "{{signal}}"));
}

/** TelemetryPipelineExportRetrying's condition, drawn with its threshold. */
export function retriedShareTimeseries() {
  return defaultTimeseries()
    .title("Retried share of export attempts")
    .description(
      `Share of export attempts that were retries, by signal (1 when nothing gets through); dashed: TelemetryPipelineExportRetrying's threshold, ${THRESHOLDS.retriedShare * 100} %.`,
    )
    .unit(units.PercentUnit)
    .min(0)
    .max(1)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.retriedShare, color: "red" }]))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(retriedShareExpr(RATE_INTERVAL, ["signal"], signal), "{{signal}}"));
}

export function exportSizeTimeseries() {
  return defaultTimeseries()
    .title("Export size vs 10 KB target")
    .description("P50 and P95 size of one export request body by signal; the dashed line is seed 003's 10 KB per flush target.")
    .unit(units.BytesIEC)
    .thresholds(thresholdLine(EXPORT_SIZE_TARGET_BYTES))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
    .withTarget(promQuery(quantile(0.5, METRICS.telemetryExportBytes, { by: ["signal"], matchers: signal }), "P50 {{signal}}"))
    .withTarget(promQuery(quantile(0.95, METRICS.telemetryExportBytes, { by: ["signal"], matchers: signal }), "P95 {{signal}}"));
}

export function overBudgetStat() {
  const within = sumBy([], rate(METRICS.telemetryExportBytes, { ...signal, le: String(EXPORT_SIZE_TARGET_BYTES) }, RANGE_WINDOW, "bucket"));
  const all = sumBy([], rate(METRICS.telemetryExportBytes, signal, RANGE_WINDOW, "count"));
  return rangeStat()
    .title("Exports over 10 KB")
    .description("Share of export requests over the selected range whose body exceeded the 10 KB per flush target.")
    .unit(units.PercentUnit)
    .thresholds(thresholdLine(0.05))
    .withTarget(promInstant(`1 - ${within} / ${all}`));
}

export function rejectedIpcTimeseries() {
  return defaultTimeseries()
    .title("Rejected IPC payloads")
    .description("IPC payloads from the renderer rejected per second by schema or size validation, by channel.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["channel"], rate(METRICS.ipcRejected)), "{{channel}}"));
}

export function dependencyChecksStat() {
  return defaultStat()
    .title("Dependency checks passing")
    .description("Share of the clients' dependency health checks that passed over the selected range, by dependency (1 = every check of every install passed).")
    .unit(units.PercentUnit)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .colorMode(common.BigValueColorMode.Background)
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: "red" },
        { value: 0.9, color: "orange" },
        { value: 0.99, color: "green" },
      ]),
    )
    .withTarget(promInstant(ratio(METRICS.dependencyChecks, { success: "true" }, { by: ["dependency"], window: RANGE_WINDOW }), "{{dependency}}"));
}

export function dependencyCheckTimeseries() {
  return defaultTimeseries()
    .title("Health check duration P95")
    .description("95th percentile of dependency health check durations, by dependency.")
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.95, METRICS.dependencyCheckDuration, { by: ["dependency"] }), "{{dependency}}"));
}

export function serverForceSampledTimeseries() {
  return defaultTimeseries()
    .title("Server traces force-sampled")
    .description("Traces per second the chat server exported although head sampling (10 %) skipped them, because they ended in error or were slow.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["reason"], rate(METRICS.tracesForceSampled)), "{{reason}}"));
}

export function serverDroppedTimeseries() {
  return defaultTimeseries()
    .title("Server telemetry dropped")
    .description("Telemetry items per second the chat server gave up on (spans evicted from the forced-sampling buffer), by signal and reason.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["signal", "reason"], rate(METRICS.serverTelemetryDropped)), "{{signal}} {{reason}}"));
}

// The gateway's own metrics (the collector's, catalog/metrics/collector.ts): where back-pressure
// shows before clients start dropping. One line per exporter (or receiver) and signal; the
// failure counters only exist after a first failure, so they are drawn against the items sent
// (or accepted) and read 0, not "No data", while nothing fails.

/** GatewayExportQueueFilling's condition, drawn with its threshold. */
export function gatewayQueueFillTimeseries() {
  return defaultTimeseries()
    .title("Gateway export queue fill")
    .description(
      `Share of each exporter's sending queue in use (queue size over capacity, the fullest gateway replica), by exporter and signal; only exporters with a queue report it. Dashed: GatewayExportQueueFilling's threshold, ${THRESHOLDS.gatewayQueueFill * 100} %. Full means the gateway refuses data.`,
    )
    .unit(units.PercentUnit)
    .min(0)
    .max(1)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.gatewayQueueFill, color: "red" }]))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(gatewayQueueFillExpr(["exporter", "data_type"]), "{{exporter}} ({{data_type}})"));
}

/** GatewayExportFailing's condition: any value above 0 is data lost. */
export function gatewaySendFailedTimeseries() {
  return defaultTimeseries()
    .title("Gateway sends given up")
    .description(
      "Items per second the gateway's exporters gave up on after their retries (or on a permanent error), by exporter and signal: that data is lost. GatewayExportFailing pages when this stays above 0 for 5 minutes.",
    )
    .unit(units.OpsPerSecond)
    .min(0)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.gatewaySendFailedPerSecond, color: "red" }]))
    .withTarget(
      promQuery(gatewayRateExpr(COLLECTOR_METRICS.exporterSendFailed, ["exporter"], RATE_INTERVAL, COLLECTOR_METRICS.exporterSent), "{{exporter}} ({{data_type}})"),
    );
}

export function gatewayEnqueueFailedTimeseries() {
  return defaultTimeseries()
    .title("Gateway queue full")
    .description(
      "Items per second an exporter's full sending queue refused, by exporter and signal. The refusal goes back to the sender as a retryable error (the gateway's receivers count it as refused), so clients retry and, past their own queue, drop.",
    )
    .unit(units.OpsPerSecond)
    .min(0)
    .withTarget(
      promQuery(gatewayRateExpr(COLLECTOR_METRICS.exporterEnqueueFailed, ["exporter"], RATE_INTERVAL, COLLECTOR_METRICS.exporterSent), "{{exporter}} ({{data_type}})"),
    );
}

/** GatewayRefusingData's condition. */
export function gatewayRefusedTimeseries() {
  return defaultTimeseries()
    .title("Gateway receivers refusing")
    .description(
      "Items per second the gateway's receivers could not push into their pipelines, by receiver and signal: the memory limiter refusing (the process is near its memory limit) or a full export queue. Senders get a retryable error. GatewayRefusingData warns when this stays above 0 for 10 minutes.",
    )
    .unit(units.OpsPerSecond)
    .min(0)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.gatewayRefusedPerSecond, color: "red" }]))
    .withTarget(promQuery(gatewayRateExpr(COLLECTOR_METRICS.receiverRefused, ["receiver"], RATE_INTERVAL), "{{receiver}} ({{data_type}})"));
}
