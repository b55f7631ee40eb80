// Resolves the panel an alert names (dashboard uid + panel title) to the panel id the build
// gives it, so every alert carries Grafana's `__dashboardUid__` and `__panelId__` annotations:
// the alert's page in Grafana then shows the panel, and the notification links to it.
import { DASHBOARDS } from "../dashboards/index.ts";
import { flatPanels } from "../build/panel-queries.ts";
import type { PanelRef } from "./types.ts";

let index: Map<string, Map<string, number[]>> | undefined;

/** dashboard uid → panel title → ids (more than one id means the title is ambiguous). */
function panelIndex(): Map<string, Map<string, number[]>> {
  if (index) return index;
  index = new Map();
  for (const { dashboard } of DASHBOARDS) {
    const byTitle = new Map<string, number[]>();
    for (const p of flatPanels(dashboard)) byTitle.set(p.title ?? "", [...(byTitle.get(p.title ?? "") ?? []), p.id ?? 0]);
    index.set(dashboard.uid ?? "", byTitle);
  }
  return index;
}

/** The panel's id, or a reason it cannot be linked. */
export function resolvePanel(ref: PanelRef): { id: number } | { problem: string } {
  const byTitle = panelIndex().get(ref.dashboardUid);
  if (byTitle === undefined) return { problem: `dashboard ${ref.dashboardUid} does not exist` };
  const ids = byTitle.get(ref.panelTitle) ?? [];
  if (ids.length === 0) return { problem: `dashboard ${ref.dashboardUid} has no panel titled "${ref.panelTitle}"` };
  if (ids.length > 1) return { problem: `dashboard ${ref.dashboardUid} has ${ids.length} panels titled "${ref.panelTitle}"` };
  return { id: ids[0] as number };
}

/** Grafana's annotations linking an alert to its panel. */
export function panelAnnotations(ref: PanelRef): { __dashboardUid__: string; __panelId__: string } {
  const r = resolvePanel(ref);
  if ("problem" in r) throw new Error(`alert panel link: ${r.problem}`);
  return { __dashboardUid__: ref.dashboardUid, __panelId__: String(r.id) };
}
