// What every Beacon dashboard shares: fixed uid, the "generated" tag, a description, the
// datasource variables it needs, a link menu to the other generated dashboards, and panel ids.
import type { Builder } from "@grafana/grafana-foundation-sdk/cog";
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  type Dashboard,
  type Panel,
  type RowPanel,
  type VariableModel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import type { DsKind } from "./queries.ts";
import { datasourceVariable } from "./variables.ts";

export const GENERATED_TAG = "generated";
/** Every Beacon dashboard carries it; the link menu lists dashboards by it. */
export const BEACON_TAG = "beacon";

export interface DashboardOptions {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** Topic tags besides "generated" and "beacon". */
  readonly tags: readonly string[];
  /** Datasource variables, in the order they appear. */
  readonly datasources: readonly DsKind[];
  readonly variables?: readonly Builder<VariableModel>[];
  readonly time?: { readonly from: string; readonly to: string };
}

export function beaconDashboard(opts: DashboardOptions): DashboardBuilder {
  if (!/^[a-z0-9-]{1,40}$/.test(opts.uid)) throw new Error(`dashboard ${opts.title}: uid "${opts.uid}" must be kebab-case, ≤ 40 chars`);
  if (opts.description.trim() === "") throw new Error(`dashboard ${opts.uid}: description is empty`);
  const builder = new DashboardBuilder(opts.title)
    .uid(opts.uid)
    .description(opts.description)
    .tags([GENERATED_TAG, BEACON_TAG, ...opts.tags])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh("1m")
    .time({ from: opts.time?.from ?? "now-6h", to: opts.time?.to ?? "now" })
    .timezone("browser")
    .link(
      new DashboardLinkBuilder("Beacon dashboards")
        .type(DashboardLinkType.Dashboards)
        .tags([BEACON_TAG])
        .asDropdown(true)
        // Carry the variables across: version, environment, streamer or route stay selected.
        .includeVars(true)
        .keepTime(true),
    );
  for (const kind of opts.datasources) builder.withVariable(datasourceVariable(kind));
  for (const v of opts.variables ?? []) builder.withVariable(v);
  return builder;
}

const isRow = (p: Panel | RowPanel): p is RowPanel => p.type === "row";

/**
 * Builds the dashboard, numbers its panels 1…n in layout order (rows and the panels inside
 * collapsed rows included) and gives targets refIds A, B, …, so ids are stable and unique
 * without each panel function knowing its neighbours.
 */
export function buildDashboard(builder: DashboardBuilder): Dashboard {
  const dashboard = builder.build();
  let id = 0;
  const number = (p: Panel) => {
    p.id = ++id;
    // cog.Dataquery is opaque; every datasource query has a refId.
    (p.targets ?? []).forEach((t, i) => {
      const target = t as { refId?: string };
      target.refId ??= refId(i);
    });
  };
  for (const p of dashboard.panels ?? []) {
    if (isRow(p)) {
      p.id = ++id;
      p.panels.forEach(number);
    } else number(p);
  }
  return dashboard;
}

/** A, B, … Z, AA, AB, …: Grafana's own refId sequence. */
export function refId(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  return index < 26 ? letter : refId(Math.floor(index / 26) - 1) + letter;
}
