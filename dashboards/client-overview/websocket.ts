// Row: chat WebSocket connections (seed 000 phase 2).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS } from "../../catalog/index.ts";
import { openConnections, perConnectionPerMinute, THRESHOLDS, CONNECTIONS_SAMPLE_S } from "../../alerts/groups/client-connections.ts";
import { BAR_WINDOW, increase, orZero, rate, RANGE_WINDOW, RATE_INTERVAL, sumBy } from "../../queries/promql.ts";
import { promInstant, promQuery } from "../common/queries.ts";
import { DASHED_THRESHOLDS, defaultBarsTimeseries, defaultStat, defaultTimeseries, ownedThresholds, rangeStat } from "../common/styles.ts";
import { matchVar } from "../common/variables.ts";

const streamer = { streamer_name: matchVar("streamer") };

export function activeConnectionsStat() {
  return defaultStat()
    .title("Active WebSocket connections")
    .description(
      `Chat WebSocket connections open across all clients, for the selected streamers: an estimate. Each renderer window observes its open connections per streamer every ${CONNECTIONS_SAMPLE_S} s; observed connections per second times ${CONNECTIONS_SAMPLE_S} s is the mean per window times the windows reporting. Clients with telemetry off are not counted.`,
    )
    .unit(units.Short)
    .decimals(0)
    .withTarget(promQuery(openConnections([], RATE_INTERVAL, streamer)));
}

export function activeConnectionsTimeseries() {
  return defaultTimeseries()
    .title("Active WebSocket connections by streamer")
    .description(
      `Open chat WebSocket connections per streamer_name across clients, estimated from the per-window observations every ${CONNECTIONS_SAMPLE_S} s (observed sum per second × ${CONNECTIONS_SAMPLE_S} s). Capped label: past 25 streamers per client they show as 'other'.`,
    )
    .unit(units.Short)
    .withTarget(promQuery(openConnections(["streamer_name", "source"], RATE_INTERVAL, streamer), "{{streamer_name}} ({{source}})"));
}

export function reconnectsStat() {
  return rangeStat()
    .title("Reconnects")
    .description("WebSocket reconnection attempts over the selected time range, for the selected streamers (0 when there were none).")
    .unit(units.Short)
    .withTarget(promInstant(orZero(sumBy([], increase(METRICS.websocketReconnections, streamer, RANGE_WINDOW)))));
}

export function reconnectsTimeseries() {
  return defaultBarsTimeseries()
    .title("WebSocket reconnects over time")
    .description("Reconnection attempts per interval, by reason. A burst across many clients points at the server or network, one streamer at that room.")
    .unit(units.Short)
    .withTarget(promQuery(sumBy(["reason"], increase(METRICS.websocketReconnections, streamer, BAR_WINDOW)), "{{reason}}"));
}

export function connectionErrorsTimeseries() {
  return defaultTimeseries()
    .title("Connection errors by type")
    .description("Failed or abnormally closed connections per second, by error_type and service (kick or 7tv).")
    .unit(units.OpsPerSecond)
    .withTarget(promQuery(sumBy(["error_type", "source"], rate(METRICS.connectionErrors)), "{{error_type}} ({{source}})"));
}

/** ClientConnectionErrorRateHigh's condition, drawn with its threshold. */
export function connectionErrorsPerConnectionTimeseries() {
  return defaultTimeseries()
    .title("Connection errors per connection")
    .description(
      `Connection errors per open connection per minute, by service: what ClientConnectionErrorRateHigh judges (dashed: its threshold, ${THRESHOLDS.errorsPerConnectionPerMinute}).`,
    )
    .unit(units.Short)
    .min(0)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.errorsPerConnectionPerMinute, color: "red" }]))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(perConnectionPerMinute(METRICS.connectionErrors, RATE_INTERVAL, ["source"]), "{{source}}"));
}

/** ClientReconnectStorm's condition, drawn with its threshold. */
export function reconnectsPerConnectionTimeseries() {
  return defaultTimeseries()
    .title("Reconnects per connection")
    .description(
      `Reconnects per open connection per minute, by service: what ClientReconnectStorm judges (dashed: its threshold, ${THRESHOLDS.reconnectsPerConnectionPerMinute}).`,
    )
    .unit(units.Short)
    .min(0)
    .thresholds(ownedThresholds([{ value: THRESHOLDS.reconnectsPerConnectionPerMinute, color: "red" }]))
    .thresholdsStyle(DASHED_THRESHOLDS())
    .withTarget(promQuery(perConnectionPerMinute(METRICS.websocketReconnections, RATE_INTERVAL, ["source"]), "{{source}}"));
}
