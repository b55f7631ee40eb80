// Row: chat messages sent and received (seed 000 phases 2 and 6).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS } from "../../catalog/index.ts";
import { increase, perMinute, quantile, rate, ratio, RANGE_WINDOW, sumBy } from "../../queries/promql.ts";
import { promQuery } from "../common/queries.ts";
import { defaultStat, defaultTimeseries } from "../common/styles.ts";
import { matchVar } from "../common/variables.ts";

const streamer = { streamer_name: matchVar("streamer") };

export function messagesSentStat() {
  return defaultStat()
    .title("Messages sent")
    .description("Chat messages users sent over the selected time range (successful or not).")
    .unit(units.Short)
    .withTarget(promQuery(sumBy([], increase(METRICS.messagesSent, streamer, RANGE_WINDOW))));
}

export function messagesPerMinuteTimeseries() {
  return defaultTimeseries()
    .title("Messages sent / received per minute")
    .description("Chat messages per minute across clients: sent by users and received over WebSocket, for the selected streamers.")
    .unit(units.CountsPerMinute)
    .withTarget(promQuery(perMinute(sumBy([], rate(METRICS.messagesSent, streamer))), "sent"))
    .withTarget(promQuery(perMinute(sumBy([], rate(METRICS.messagesReceived, streamer))), "received"));
}

export function sendDurationTimeseries() {
  return defaultTimeseries()
    .title("Message send duration P50 / P90 / P95")
    .description("From Enter in the editor to the server's acknowledgement, successful sends only.")
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.5, METRICS.messageSendDuration, { matchers: { success: "true" } }), "P50"))
    .withTarget(promQuery(quantile(0.9, METRICS.messageSendDuration, { matchers: { success: "true" } }), "P90"))
    .withTarget(promQuery(quantile(0.95, METRICS.messageSendDuration, { matchers: { success: "true" } }), "P95"));
}

export function sendFailureRatioTimeseries() {
  return defaultTimeseries()
    .title("Message send failures")
    .description("Share of sent messages that failed (success=\"false\"), by message type.")
    .unit(units.PercentUnit)
    .min(0)
    .withTarget(promQuery(ratio(METRICS.messagesSent, { success: "false" }, { by: ["message_type"], base: streamer }), "{{message_type}}"));
}
