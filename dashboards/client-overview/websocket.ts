// Row: chat WebSocket connections (seed 000 phase 2).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS } from "../../catalog/index.ts";
import { increase, rate, RANGE_WINDOW, sel, sumBy } from "../../queries/promql.ts";
import { promQuery } from "../common/queries.ts";
import { defaultBarsTimeseries, defaultStat, defaultTimeseries } from "../common/styles.ts";
import { matchVar } from "../common/variables.ts";

const streamer = { streamer_name: matchVar("streamer") };

export function activeConnectionsStat() {
  return defaultStat()
    .title("Active WebSocket connections")
    .description("Chat WebSocket connections open now, across all clients and the selected streamers.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy([], sel(METRICS.websocketConnectionsActive, streamer))));
}

export function activeConnectionsTimeseries() {
  return defaultTimeseries()
    .title("Active WebSocket connections by streamer")
    .description("Open chat WebSocket connections per streamer_name (capped label: past 25 streamers per client they show as 'other').")
    .unit(units.Short)
    .withTarget(promQuery(sumBy(["streamer_name", "source"], sel(METRICS.websocketConnectionsActive, streamer)), "{{streamer_name}} ({{source}})"));
}

export function reconnectsStat() {
  return defaultStat()
    .title("Reconnects")
    .description("WebSocket reconnection attempts over the selected time range, for the selected streamers.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy([], increase(METRICS.websocketReconnections, streamer, RANGE_WINDOW))));
}

export function reconnectsTimeseries() {
  return defaultBarsTimeseries()
    .title("WebSocket reconnects over time")
    .description("Reconnection attempts per interval, by reason. A burst across many clients points at the server or network, one streamer at that room.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy(["reason"], increase(METRICS.websocketReconnections, streamer)), "{{reason}}"));
}

export function connectionErrorsTimeseries() {
  return defaultTimeseries()
    .title("Connection errors by type")
    .description("Failed or abnormally closed connections per second, by error_type and service (kick or 7tv).")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["error_type", "source"], rate(METRICS.connectionErrors)), "{{error_type}} ({{source}})"));
}
