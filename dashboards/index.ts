import type { DashboardEntry } from "../build/content-types.ts";
import { clientErrors } from "./client-errors/dashboard.ts";
import { clientOverview } from "./client-overview/dashboard.ts";
import { exploreShortcuts } from "./explore/dashboard.ts";
import { linkProcessing } from "./link-processing/dashboard.ts";
import { telemetryPipeline } from "./pipeline/dashboard.ts";
import { serverRed } from "./server/dashboard.ts";
import { sloDashboard } from "./slo/dashboard.ts";

export const DASHBOARDS: readonly DashboardEntry[] = [
  clientOverview(),
  clientErrors(),
  serverRed(),
  linkProcessing(),
  telemetryPipeline(),
  exploreShortcuts(),
  sloDashboard(),
];
