// What every Beacon dashboard shares: fixed uid, the "generated" tag, a description, the
// datasource variables it needs, a link menu to the other generated dashboards, and panel ids.
import type { Builder } from "@grafana/grafana-foundation-sdk/cog";
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  type Dashboard,
  type Panel,
  type RowPanel,
  type VariableModel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { addExploreLinks } from "./explore-links.ts";
import { DS_VARS, type DsKind } from "./queries.ts";
import { datasourceVariable, releaseAnnotationExpr, releaseVariables, RELEASE_VARIABLES } from "./variables.ts";
import { withReleaseMatchers } from "./release-filter.ts";
import { DS } from "./queries.ts";

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
  // Every dashboard: environment and version (the panels' selectors get their matchers in
  // buildDashboard), and each new release as an annotation.
  for (const v of releaseVariables()) builder.withVariable(v);
  for (const v of opts.variables ?? []) builder.withVariable(v);
  builder.annotation(
    new AnnotationQueryBuilder()
      .name("Releases")
      .datasource(DS.prometheus)
      .enable(true)
      .iconColor("purple")
      .expr(releaseAnnotationExpr())
      .step("1m")
      .titleFormat("Release {{service_version}}")
      .textFormat("{{job}} {{service_version}} in {{deployment_environment_name}}")
      .tagKeys("job,service_version,deployment_environment_name"),
  );
  return builder;
}

const isRow = (p: Panel | RowPanel): p is RowPanel => p.type === "row";

/**
 * Builds the dashboard, adds Explore data links to time series and tables (explore-links.ts),
 * numbers its panels 1…n in layout order (rows and the panels inside
 * collapsed rows included) and gives targets refIds A, B, …, so ids are stable and unique
 * without each panel function knowing its neighbours.
 */
export function buildDashboard(builder: DashboardBuilder): Dashboard {
  const dashboard = builder.build();
  const templating = dashboard.templating?.list ?? [];
  const variables = templating.filter((v) => v.type !== "datasource").map((v) => v.name);
  const hasReleaseVars = Object.values(RELEASE_VARIABLES).every((name) => templating.some((v) => v.name === name));
  const datasources = templating.filter((v) => v.type === "datasource").map((v) => (Object.entries(DS_VARS).find(([, name]) => name === v.name)?.[0] ?? "") as DsKind);
  let id = 0;
  const number = (p: Panel) => {
    p.id = ++id;
    // cog.Dataquery is opaque; every datasource query has a refId.
    (p.targets ?? []).forEach((t, i) => {
      const target = t as { refId?: string; expr?: string; datasource?: { type?: string } };
      target.refId ??= refId(i);
      // Environment and version filter every Prometheus panel (release variables).
      const isProm = (target.datasource?.type ?? p.datasource?.type) === "prometheus";
      if (isProm && typeof target.expr === "string" && hasReleaseVars) target.expr = withReleaseMatchers(target.expr);
    });
    // Time series and tables open their queries (and a table's trace) in Explore.
    addExploreLinks(p, variables, datasources);
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
