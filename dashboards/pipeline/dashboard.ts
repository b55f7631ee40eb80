// (5) Telemetry pipeline health: queue, exports, drops, retries, payload size, IPC
// validation and dependency checks of the client's telemetry layer, and the gateway's own
// back-pressure figures (queue fill, sends given up, queue full, refusals).
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { LABELS } from "../../catalog/index.ts";
import type { DashboardEntry } from "../../build/content-types.ts";
import { beaconDashboard, buildDashboard } from "../common/dashboard.ts";
import { enumVariable } from "../common/variables.ts";
import * as pipeline from "./pipeline.ts";

import { PIPELINE_UID } from "../uids.ts";

export { PIPELINE_UID };

export function telemetryPipeline(): DashboardEntry {
  const builder = beaconDashboard({
    uid: PIPELINE_UID,
    title: "Telemetry pipeline · Health",
    description:
      "The client's telemetry layer reporting on itself: journal queue, items exported, dropped by reason and retried, export request size against the 10 KB per flush target (seed 003), IPC payloads rejected by validation, dependency health checks, the chat server's forced sampling and drops, and the gateway's own metrics: export queue fill, sends given up, queue full and receivers refusing.",
    tags: ["pipeline", "telemetry", "client"],
    datasources: ["prometheus"],
    variables: [enumVariable("signal", LABELS.TELEMETRY_SIGNAL, "Signal")],
  })
    .withRow(new RowBuilder("At a glance"))
    .withPanel(pipeline.droppedShareStat().span(6).height(5))
    .withPanel(pipeline.overBudgetStat().span(6).height(5))
    .withPanel(pipeline.dependencyChecksStat().span(12).height(5))
    .withRow(new RowBuilder("Flow"))
    .withPanel(pipeline.queueTimeseries().span(12).height(8))
    .withPanel(pipeline.exportedTimeseries().span(12).height(8))
    .withPanel(pipeline.droppedTimeseries().span(12).height(8))
    .withPanel(pipeline.retriesTimeseries().span(12).height(8))
    .withPanel(pipeline.retriedShareTimeseries().span(24).height(8))
    .withRow(new RowBuilder("Payloads and dependencies"))
    .withPanel(pipeline.exportSizeTimeseries().span(12).height(8))
    .withPanel(pipeline.rejectedIpcTimeseries().span(12).height(8))
    .withPanel(pipeline.dependencyCheckTimeseries().span(24).height(8))
    .withRow(new RowBuilder("Chat server telemetry"))
    .withPanel(pipeline.serverForceSampledTimeseries().span(12).height(8))
    .withPanel(pipeline.serverDroppedTimeseries().span(12).height(8))
    .withRow(new RowBuilder("Gateway"))
    .withPanel(pipeline.gatewayQueueFillTimeseries().span(12).height(8))
    .withPanel(pipeline.gatewayRefusedTimeseries().span(12).height(8))
    .withPanel(pipeline.gatewaySendFailedTimeseries().span(12).height(8))
    .withPanel(pipeline.gatewayEnqueueFailedTimeseries().span(12).height(8));
  return { folder: "pipeline", dashboard: buildDashboard(builder) };
}
