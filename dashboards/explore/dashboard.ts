// (6) Explore shortcuts: every saved query as an Explore link, and TraceQL searches live.
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { DashboardEntry, QueryLanguage } from "../../build/content-types.ts";
import { SAVED_QUERIES } from "../../queries/saved-queries.ts";
import { beaconDashboard, buildDashboard } from "../common/dashboard.ts";
import * as shortcuts from "./shortcuts.ts";

import { EXPLORE_UID } from "../uids.ts";

export { EXPLORE_UID };

const ofLanguage = (language: QueryLanguage) => SAVED_QUERIES.filter((q) => q.language === language);

export function exploreShortcuts(): DashboardEntry {
  const builder = beaconDashboard({
    uid: EXPLORE_UID,
    title: "Explore shortcuts · Saved queries",
    description:
      "Every saved Explore query of Beacon: seed 000's trace searches (ipc, ws, lexical, store, updater, window, emote, zustand, startup and the server's spans), LogQL for errors, links and trace correlation, and PromQL shortcuts, each one click from Explore; trace searches also run live below.",
    tags: ["explore", "saved-queries"],
    datasources: ["prometheus", "loki", "tempo"],
    time: { from: "now-1h", to: "now" },
  })
    .withRow(new RowBuilder("Explore links"))
    .withPanel(shortcuts.exploreLinksText("traceql", ofLanguage("traceql")).span(24).height(12))
    .withPanel(shortcuts.exploreLinksText("logql", ofLanguage("logql")).span(12).height(9))
    .withPanel(shortcuts.exploreLinksText("promql", ofLanguage("promql")).span(12).height(9))
    .withRow(new RowBuilder("Trace searches"));
  for (const q of ofLanguage("traceql")) builder.withPanel(shortcuts.traceSearchTable(q).span(12).height(7));
  return { folder: "explore", dashboard: buildDashboard(builder) };
}
