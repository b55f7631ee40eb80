// (4) Link processing, laid out as seed 004's telemetry page.
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { DashboardEntry } from "../../build/content-types.ts";
import { beaconDashboard, buildDashboard } from "../common/dashboard.ts";
import * as links from "./links.ts";

import { LINK_PROCESSING_UID } from "../uids.ts";

export { LINK_PROCESSING_UID };

export function linkProcessing(): DashboardEntry {
  const builder = beaconDashboard({
    uid: LINK_PROCESSING_UID,
    title: "Chat server · Link processing",
    description:
      "Links found in chat messages and fetched for previews (seed 004): links created, processed, pending and failed; links today, this week and the change from last week; links over time; top domains; success rate, average and P95 processing time; the newest failures.",
    tags: ["server", "links"],
    datasources: ["prometheus", "loki"],
    time: { from: "now-7d", to: "now" },
  })
    .withRow(new RowBuilder("Totals"))
    .withPanel(links.linksCreatedStat().span(6).height(4))
    .withPanel(links.processedStat().span(6).height(4))
    .withPanel(links.pendingStat().span(6).height(4))
    .withPanel(links.failedStat().span(6).height(4))
    .withPanel(links.linksTodayStat().span(8).height(4))
    .withPanel(links.linksThisWeekStat().span(8).height(4))
    .withPanel(links.changeFromLastWeekStat().span(8).height(4))
    .withRow(new RowBuilder("Links over time and top domains"))
    .withPanel(links.linksOverTimeTimeseries().span(12).height(9))
    .withPanel(links.topDomainsBarGauge().span(12).height(9))
    .withRow(new RowBuilder("Processing performance"))
    .withPanel(links.successRateStat().span(8).height(4))
    .withPanel(links.avgProcessingStat().span(8).height(4))
    .withPanel(links.p95ProcessingStat().span(8).height(4))
    .withPanel(links.successRateTimeseries().span(8).height(8))
    .withPanel(links.processingTimeTimeseries().span(8).height(8))
    .withPanel(links.failuresByReasonTimeseries().span(8).height(8))
    .withRow(new RowBuilder("Recent errors"))
    .withPanel(links.recentErrorsTable().span(24).height(10));
  return { folder: "server", dashboard: buildDashboard(builder) };
}
