// (3) Chat server: HTTP RED per route and WebSocket health.
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { LABELS } from "../../catalog/index.ts";
import type { DashboardEntry } from "../../build/content-types.ts";
import { beaconDashboard, buildDashboard } from "../common/dashboard.ts";
import { enumVariable } from "../common/variables.ts";
import * as http from "./http.ts";
import * as websocket from "./websocket.ts";

import { SERVER_UID } from "../uids.ts";

export { SERVER_UID };

export function serverRed(): DashboardEntry {
  const builder = beaconDashboard({
    uid: SERVER_UID,
    title: "Chat server · RED and WebSocket",
    description:
      "The chat server's HTTP API in RED terms (request rate, 5xx ratio, latency percentiles per route template) and the health of its WebSocket side (connections, fan-out, disconnects, posted messages), with the 5xx access log.",
    tags: ["server", "red", "websocket"],
    datasources: ["prometheus", "loki"],
    variables: [enumVariable("route", LABELS.HTTP_ROUTE, "Route")],
  })
    .withRow(new RowBuilder("At a glance"))
    .withPanel(http.requestRateStat().span(6).height(4))
    .withPanel(http.errorRatioStat().span(6).height(4))
    .withPanel(http.latencyP95Stat().span(6).height(4))
    .withPanel(websocket.connectionsStat().span(6).height(4))
    .withRow(new RowBuilder("HTTP"))
    .withPanel(http.requestsByRouteTimeseries().span(12).height(8))
    .withPanel(http.requestsByStatusTimeseries().span(12).height(8))
    .withPanel(http.errorRatioByRouteTimeseries().span(12).height(8))
    .withPanel(http.latencyTimeseries().span(12).height(8))
    .withPanel(http.latencyByRouteTimeseries().span(12).height(8))
    .withPanel(http.latencyHeatmap().span(12).height(8))
    .withRow(new RowBuilder("WebSocket"))
    .withPanel(websocket.connectionsTimeseries().span(12).height(8))
    .withPanel(websocket.messagesOutTimeseries().span(12).height(8))
    .withPanel(websocket.disconnectsTimeseries().span(12).height(8))
    .withPanel(websocket.messagesPostedTimeseries().span(12).height(8))
    .withRow(new RowBuilder("Errors"))
    .withPanel(http.serverErrorLogs().span(24).height(10));
  return { folder: "server", dashboard: buildDashboard(builder) };
}
