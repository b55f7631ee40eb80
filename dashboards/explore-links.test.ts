// Issue 12: time series and tables link into Explore — their own queries, and a table's trace and
// the logs of that trace — keeping the dashboard's variables and time range. Checked on the
// generated dashboards (what Grafana loads), with the links' placeholders filled in as Grafana would.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { GENERATED_DIR, type Manifest } from "../build/manifest.ts";
import { flatPanels } from "../build/panel-queries.ts";
import { parseExploreUrl } from "../queries/explore-url.ts";
import { REPO_ROOT } from "../stack/runner/tools.ts";
import { LINKED_PANEL_TYPES, withVariableFormat } from "./common/explore-links.ts";

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, GENERATED_DIR, "manifest.json"), "utf8")) as Manifest;
const dashboards = manifest.dashboards.map((d) => JSON.parse(readFileSync(join(REPO_ROOT, GENERATED_DIR, d.file), "utf8")) as Dashboard);
interface Link {
  title: string;
  url: string;
}
interface Target {
  refId?: string;
  expr?: string;
  query?: string;
  hide?: boolean;
  datasource?: { uid?: string };
}
const linksOf = (p: Panel) => (p.fieldConfig?.defaults?.links ?? []) as unknown as Link[];
const at = (d: Dashboard, p: Panel) => `${d.uid} "${p.title}"`;

/** Grafana's fill-in of a clicked link: time range in epoch ms, variables at "All", the row's trace id. */
const FILLED: Readonly<Record<string, string>> = { __from: "1700000000000", __to: "1700003600000", datasource: "prom-uid", loki: "loki-uid", tempo: "tempo-uid", "__data.fields.trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "__data.fields.traceID": "4bf92f3577b34da6a3ce929d0e0e4736" };
const fill = (url: string) => url.replace(/\$\{([^}:]+)(?::(\w+))?\}/g, (_m, name: string) => FILLED[name] ?? ".*");

describe("Explore data links", () => {
  const linked = dashboards.flatMap((d) => flatPanels(d).filter((p) => LINKED_PANEL_TYPES.has(p.type)).map((p) => ({ d, p })));

  it("every time series and table opens its own queries in Explore, on the dashboard's datasource and time range", () => {
    expect(linked.length).toBeGreaterThan(60);
    for (const { d, p } of linked) {
      const targets = ((p.targets ?? []) as Target[]).filter((t) => t.hide !== true);
      const explore = linksOf(p).filter((l) => l.title.startsWith("Explore: "));
      expect(explore.length, at(d, p)).toBeGreaterThan(0);
      const queries = explore.flatMap((l) => {
        // Raw placeholders in the URL: Grafana fills them in when the link is clicked.
        expect(l.url, at(d, p)).toContain("${__from}");
        const { panes, schemaVersion } = parseExploreUrl(fill(l.url));
        expect(schemaVersion).toBe(1);
        const pane = Object.values(panes)[0]!;
        expect(pane.range, at(d, p)).toEqual({ from: FILLED["__from"], to: FILLED["__to"] });
        expect(["prom-uid", "loki-uid", "tempo-uid"], at(d, p)).toContain(pane.datasource);
        return pane.queries as unknown as Target[];
      });
      expect(queries.map((q) => q.refId), at(d, p)).toEqual(targets.map((t) => t.refId));
      const variables = (d.templating?.list ?? []).filter((v) => v.type !== "datasource").map((v) => v.name);
      // The expression is the panel's, each dashboard variable filled in (here "All": .*).
      expect(queries.map((q) => q.expr ?? q.query), at(d, p)).toEqual(targets.map((t) => fill(withVariableFormat(t.expr ?? t.query ?? "", variables))));
    }
  });

  it("variables reach Explore with their selected values, Grafana's own macros stay for Explore", () => {
    expect(withVariableFormat('rate(x{route=~"$route", a=~"${streamer}"}[$__rate_interval])', ["route", "streamer"])).toBe('rate(x{route=~"${route:regex}", a=~"${streamer:regex}"}[$__rate_interval])');
    const server = dashboards.find((d) => d.uid === "beacon-server-red")!;
    const panel = flatPanels(server).find((p) => p.title === "Requests by route")!;
    const url = linksOf(panel)[0]!.url;
    expect(url).toContain("${route:regex}");
    expect(decodeURIComponent(url)).toContain("[$__rate_interval]");
  });

  it("tables with a trace id link to the trace and to the logs of that trace", () => {
    const withTrace = linked.filter(({ p }) => linksOf(p).some((l) => l.title === "Trace in Explore"));
    expect(withTrace.map(({ d, p }) => at(d, p))).toContain('beacon-client-errors "Recent errors"');
    expect(withTrace.filter(({ d }) => d.uid === "beacon-explore-shortcuts").length).toBeGreaterThan(0);
    for (const { d, p } of withTrace) {
      const trace = parseExploreUrl(fill(linksOf(p).find((l) => l.title === "Trace in Explore")!.url));
      expect((Object.values(trace.panes)[0]!.queries[0] as Target).query, at(d, p)).toBe(FILLED["__data.fields.trace_id"]);
      const logs = linksOf(p).find((l) => l.title === "Logs of this trace in Explore");
      if (d.templating?.list?.some((v) => v.name === "loki")) {
        const q = Object.values(parseExploreUrl(fill(logs!.url)).panes)[0]!.queries[0] as Target;
        expect(q.expr, at(d, p)).toBe(`{service_name=~"kicktalk|kicktalk-chat-server"} | trace_id="${FILLED["__data.fields.trace_id"]}"`);
      }
    }
  });
});
