// (1) Client overview: every panel seed 000 recommends, one module per row.
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { LABELS, METRICS } from "../../catalog/index.ts";
import type { DashboardEntry } from "../../build/content-types.ts";
import { beaconDashboard, buildDashboard } from "../common/dashboard.ts";
import { enumVariable, labelValuesVariable } from "../common/variables.ts";
import * as api from "./api.ts";
import * as emotes from "./emotes.ts";
import * as ipc from "./ipc.ts";
import * as messages from "./messages.ts";
import * as resources from "./resources.ts";
import * as store from "./store.ts";
import * as updater from "./updater.ts";
import * as websocket from "./websocket.ts";

import { CLIENT_OVERVIEW_UID } from "../uids.ts";

export { CLIENT_OVERVIEW_UID };

export function clientOverview(): DashboardEntry {
  const builder = beaconDashboard({
    uid: CLIENT_OVERVIEW_UID,
    title: "KickTalk client · Overview",
    description:
      "Health of the KickTalk Electron client fleet: WebSocket connections, messages, API latency, memory, windows, emotes, state store mutations, IPC, input latency and updates (seed 000's recommended panels).",
    tags: ["client", "kicktalk", "electron"],
    datasources: ["prometheus"],
    variables: [
      labelValuesVariable("streamer", METRICS.websocketConnectionsActive, "streamer_name", "Streamer"),
      enumVariable("endpoint", LABELS.API_ENDPOINT, "API endpoint"),
    ],
  })
    .withRow(new RowBuilder("At a glance"))
    .withPanel(websocket.activeConnectionsStat().span(6).height(4))
    .withPanel(messages.messagesSentStat().span(6).height(4))
    .withPanel(resources.openWindowsStat().span(6).height(4))
    .withPanel(websocket.reconnectsStat().span(6).height(4))
    .withRow(new RowBuilder("WebSocket"))
    .withPanel(websocket.activeConnectionsTimeseries().span(8).height(8))
    .withPanel(websocket.reconnectsTimeseries().span(8).height(8))
    .withPanel(websocket.connectionErrorsTimeseries().span(8).height(8))
    .withPanel(websocket.connectionErrorsPerConnectionTimeseries().span(12).height(8))
    .withPanel(websocket.reconnectsPerConnectionTimeseries().span(12).height(8))
    .withRow(new RowBuilder("Messages"))
    .withPanel(messages.messagesPerMinuteTimeseries().span(8).height(8))
    .withPanel(messages.sendDurationTimeseries().span(8).height(8))
    .withPanel(messages.sendFailureRatioTimeseries().span(8).height(8))
    .withRow(new RowBuilder("Chat API"))
    .withPanel(api.apiLatencyP95Timeseries().span(12).height(8))
    .withPanel(api.apiRequestsTimeseries().span(12).height(8))
    .withPanel(api.apiFailureRatioTimeseries().span(24).height(8))
    .withPanel(api.apiLatencyHeatmap().span(24).height(8))
    .withRow(new RowBuilder("Resources"))
    .withPanel(resources.memoryTimeseries().span(12).height(8))
    .withPanel(resources.domNodesTimeseries().span(12).height(8))
    .withPanel(resources.openWindowsTimeseries().span(8).height(8))
    .withPanel(resources.cpuTimeseries().span(8).height(8))
    .withPanel(resources.activeHandlesTimeseries().span(8).height(8))
    .withPanel(resources.gcTimeseries().span(8).height(8))
    .withPanel(resources.gcPauseTimeseries().span(8).height(8))
    .withPanel(resources.uptimeTimeseries().span(8).height(8))
    .withPanel(resources.heapOverFreshTimeseries().span(12).height(8))
    .withPanel(resources.installsReportingTimeseries().span(12).height(8))
    .withRow(new RowBuilder("Emotes, state store, IPC and input"))
    .withPanel(emotes.cacheHitRatioTimeseries().span(12).height(8))
    .withPanel(emotes.renderDurationTimeseries().span(12).height(8))
    .withPanel(emotes.renderDurationHeatmap().span(12).height(8))
    .withPanel(store.mutationsPerMinuteTimeseries().span(12).height(8))
    .withPanel(ipc.ipcRateTimeseries().span(12).height(8))
    .withPanel(ipc.ipcErrorsTimeseries().span(12).height(8))
    .withPanel(ipc.ipcDurationTimeseries().span(12).height(8))
    .withPanel(ipc.inputLatencyTimeseries().span(12).height(8))
    .withRow(new RowBuilder("Updates"))
    .withPanel(updater.updaterEventsTimeseries().span(24).height(8));
  return { folder: "client", dashboard: buildDashboard(builder) };
}
