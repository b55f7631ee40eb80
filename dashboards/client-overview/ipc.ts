// Row: renderer → main IPC (seed 000 phase 1) and editor input latency (phase 6).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS, SPAN_FAMILIES } from "../../catalog/index.ts";
import { quantile, rate, sumBy, topkOverRange } from "../../queries/promql.ts";
import { promQuery, spanExemplarQuery } from "../common/queries.ts";
import { defaultTimeseries } from "../common/styles.ts";

export function ipcRateTimeseries() {
  return defaultTimeseries()
    .title("IPC calls by outcome")
    .description("IPC invocations from the renderer per second: handled (ok), handler threw (error), payload rejected by validation.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["outcome"], rate(METRICS.ipcCalls)), "{{outcome}}"));
}

export function ipcErrorsTimeseries() {
  return defaultTimeseries()
    .title("IPC errors by channel")
    .description("IPC invocations per second that threw or were rejected, by channel.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["channel", "outcome"], rate(METRICS.ipcCalls, { outcome: { op: "=~", value: "error|rejected" } })), "{{channel}} {{outcome}}"));
}

export function ipcDurationTimeseries() {
  return defaultTimeseries()
    .title("IPC handling P95 (slowest channels)")
    .description(
      "95th percentile of the time main spends handling one IPC invocation, for the five channels slowest over the whole range (ranked once, at its end: a per-step topk would draw more than five lines).",
    )
    .unit(units.Seconds)
    .withTarget(promQuery(topkOverRange(5, ["channel"], quantile(0.95, METRICS.ipcDuration, { by: ["channel"] })), "{{channel}}"))
    .withTarget(spanExemplarQuery(SPAN_FAMILIES.ipc));
}

export function inputLatencyTimeseries() {
  return defaultTimeseries()
    .title("Input latency P95 by interaction")
    .description(
      "95th percentile of UX timings by interaction: in the editor, keydown to suggestion visible, emote/mention insertion and Enter to acknowledged send; chatroom_switch, a chatroom tab clicked to that room's messages painted.",
    )
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.95, METRICS.inputLatency, { by: ["interaction"] }), "{{interaction}}"))
    // The editor spans of the measured interactions (keydown is not one).
    .withTarget(spanExemplarQuery(SPAN_FAMILIES.lexical, { names: "lexical:(suggestion|insert-emote|insert-mention|send)" }));
}
