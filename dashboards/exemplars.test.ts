// Issue 12: latency panels link to traces through exemplars. The apps' histograms carry none (the
// JS SDK records no exemplars), so each latency time series also draws the P95 of the spans that
// measure the same operation from the span metrics, asking Prometheus for their exemplars.
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { ALL_SPAN_NAMES, GATEWAY_METRICS, metricByPrometheusName, prometheusNames } from "../catalog/index.ts";
import { flatPanels, manifestPanels } from "../build/panel-queries.ts";
import { interpolate } from "../build/template-vars.ts";
import { DASHBOARDS } from "./index.ts";

interface Target {
  expr?: string;
  exemplar?: boolean;
  hide?: boolean;
}
const all = DASHBOARDS.flatMap((e) => flatPanels(e.dashboard).map((p) => ({ uid: e.dashboard.uid!, p })));
const targets = (p: Panel) => (p.targets ?? []) as Target[];
const SPAN_BUCKETS = prometheusNames(GATEWAY_METRICS.spanLatency).series[0]!;

/** Latency histograms no span measures, so no exemplar can exist for them. */
const WITHOUT_SPANS: Readonly<Record<string, string>> = {
  "GC pause P95": "V8 garbage collections are perf_hooks entries, not spans",
  "Health check duration P95": "the client's health checks record a histogram and no span",
  "Main process uptime": "uptime is how long a process has run, not the duration of an operation",
};

/** A panel reading an app histogram in seconds (its `_bucket` series). */
const readsLatencyHistogram = (p: Panel) =>
  targets(p).some((t) =>
    [...(t.expr ?? "").matchAll(/([a-z_:][a-z0-9_:]*)_bucket\b/g)].some((m) => {
      const decl = metricByPrometheusName(`${m[1]}_bucket`);
      return decl !== undefined && decl.unit === "s" && !("derivedFrom" in decl);
    }),
  );

describe("exemplars on latency panels", () => {
  const latency = all.filter(({ p }) => p.type === "timeseries" && readsLatencyHistogram(p));

  it("every latency time series asks for span exemplars, except those no span measures", () => {
    expect(latency.length).toBeGreaterThanOrEqual(9);
    const without = latency.filter(({ p }) => !targets(p).some((t) => t.exemplar === true && t.expr?.includes(SPAN_BUCKETS)));
    expect(without.map(({ uid, p }) => `${uid} "${p.title}"`).sort()).toEqual(
      latency.filter(({ p }) => p.title! in WITHOUT_SPANS).map(({ uid, p }) => `${uid} "${p.title}"`).sort(),
    );
  });

  it("exemplar queries select spans the catalog declares, of one service and kind", () => {
    const exemplarTargets = all.flatMap(({ uid, p }) => targets(p).filter((t) => t.exemplar === true).map((t) => ({ at: `${uid} "${p.title}"`, t })));
    expect(exemplarTargets.length).toBeGreaterThanOrEqual(8);
    for (const { at, t } of exemplarTargets) {
      expect(t.hide, at).not.toBe(true);
      const expr = interpolate(t.expr ?? "");
      const name = /span_name=~"([^"]+)"/.exec(expr)?.[1];
      expect(name, at).toBeDefined();
      const re = new RegExp(`^(?:${name})$`);
      expect(ALL_SPAN_NAMES.some((n) => re.test(n)), `${at}: ${name} matches no declared span name`).toBe(true);
      expect(expr, at).toMatch(/service=~"(kicktalk|kicktalk-chat-server)"/);
      expect(expr, at).toMatch(/span_kind=~"SPAN_KIND_(SERVER|CLIENT|INTERNAL)"/);
    }
  });

  it("the manifest marks exemplar queries, so the e2e looks for a captured trace behind them", () => {
    const d = DASHBOARDS.find((e) => e.dashboard.uid === "beacon-server-red")!.dashboard;
    const panel = manifestPanels(d).find((p) => p.title === "Latency P50 / P95 / P99")!;
    expect(panel.queries.map((q) => q.exemplar ?? false)).toEqual([false, false, false, true]);
  });

  it("heatmaps stay exemplar-free: a second frame would add bogus rows to a pre-bucketed heatmap", () => {
    for (const { p } of all.filter(({ p }) => p.type === "heatmap")) expect(targets(p).some((t) => t.exemplar === true), p.title).toBe(false);
  });
});
