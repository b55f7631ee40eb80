// Row: chat messages sent and received (seed 000 phases 2 and 6).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS, SPAN_FAMILIES } from "../../catalog/index.ts";
import { SUCCESSFUL, THRESHOLDS } from "../../alerts/groups/client-messaging.ts";
import { increase, orZero, perMinute, quantile, rate, ratio, RANGE_WINDOW, sumBy } from "../../queries/promql.ts";
import { promInstant, promQuery, spanExemplarQuery } from "../common/queries.ts";
import { DASHED_THRESHOLDS, defaultTimeseries, ownedThresholds, rangeStat } from "../common/styles.ts";
import { matchVar } from "../common/variables.ts";

const streamer = { streamer_name: matchVar("streamer") };

export function messagesSentStat() {
  return rangeStat()
    .title("Messages sent")
    .description("Chat messages users sent over the selected time range (successful or not).")
    .unit(units.Short)
    .withTarget(promInstant(orZero(sumBy([], increase(METRICS.messagesSent, streamer, RANGE_WINDOW)))));
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
    .description(
      `From Enter in the editor to the server's acknowledgement, successful sends only (dashed: ClientMessageSendSlow's P95 threshold, ${THRESHOLDS.sendP95Seconds} s).`,
    )
    .unit(units.Seconds)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.sendP95Seconds, color: "red" }]))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(quantile(0.5, METRICS.messageSendDuration, { matchers: SUCCESSFUL }), "P50"))
    .withTarget(promQuery(quantile(0.9, METRICS.messageSendDuration, { matchers: SUCCESSFUL }), "P90"))
    .withTarget(promQuery(quantile(0.95, METRICS.messageSendDuration, { matchers: SUCCESSFUL }), "P95"))
    // lexical:send spans Enter to the acknowledgement, like the histogram (failed sends too).
    .withTarget(spanExemplarQuery(SPAN_FAMILIES.lexical, { names: "lexical:send" }));
}

export function sendFailureRatioTimeseries() {
  return defaultTimeseries()
    .title("Message send failures")
    .description("Share of sent messages that failed (success=\"false\"), by message type.")
    .unit(units.PercentUnit)
    .min(0)
    .withTarget(promQuery(ratio(METRICS.messagesSent, { success: "false" }, { by: ["message_type"], base: streamer }), "{{message_type}}"));
}
