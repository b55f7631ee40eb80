// Row: the chat server's WebSocket side: connections, fan-out, disconnects, posted messages.
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS } from "../../catalog/index.ts";
import { rate, sel, sumBy } from "../../queries/promql.ts";
import { promQuery } from "../common/queries.ts";
import { defaultStat, defaultTimeseries } from "../common/styles.ts";

export function connectionsStat() {
  return defaultStat()
    .title("WebSocket connections")
    .description("WebSocket connections open on the chat server now.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy([], sel(METRICS.wsConnectionsActive))));
}

export function connectionsTimeseries() {
  return defaultTimeseries()
    .title("WebSocket connections")
    .description("Open WebSocket connections per server instance.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy(["instance"], sel(METRICS.wsConnectionsActive)), "{{instance}}"));
}

export function messagesOutTimeseries() {
  return defaultTimeseries()
    .title("Events pushed by kind")
    .description("Events pushed to WebSocket subscribers per second (one per subscriber reached), by event kind.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["event"], rate(METRICS.wsMessagesOut)), "{{event}}"));
}

export function disconnectsTimeseries() {
  return defaultTimeseries()
    .title("Disconnects by reason")
    .description("WebSocket connections closed per second, by reason. ping_timeout and error point at network trouble.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["reason"], rate(METRICS.wsDisconnects)), "{{reason}}"));
}

export function messagesPostedTimeseries() {
  return defaultTimeseries()
    .title("Messages posted")
    .description("Chat messages posted over the API per second, accepted or rejected.")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["outcome"], rate(METRICS.messagesPosted)), "{{outcome}}"));
}
