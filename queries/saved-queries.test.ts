// The saved Explore queries: complete (one search per span family), catalog-only names,
// and emitted as query library resources and files that are byte-stable.
import { describe, expect, it } from "vitest";
import { ALL_SPAN_FAMILIES, CLIENT_SERVICE, SERVER_SERVICE, SPAN_FAMILIES, metricByPrometheusName } from "../catalog/index.ts";
import { DATASOURCES } from "../build/content-types.ts";
import type { SavedQuery } from "../build/content-types.ts";
import { logqlServices, promqlMetricNames, variableMatchers } from "./expr-identifiers.ts";
import { DATASOURCE_OF, parseExploreUrl } from "./explore-url.ts";
import { QUERY_KIND, QUERY_LIBRARY_API_VERSION, queryResource, type QueryResource } from "./query-library.ts";
import { EXPLORE_URLS_FILE, QUERY_LIBRARY_FILE, SAVED_QUERIES, savedQueryFiles } from "./saved-queries.ts";
import { spansOf } from "./traceql.ts";

const byId = (id: string) => SAVED_QUERIES.find((q) => q.id === id);

describe("saved queries", () => {
  it("have unique kebab-case ids, a title, a description and tags", () => {
    const ids = SAVED_QUERIES.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const q of SAVED_QUERIES) {
      expect(q.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(q.title.trim(), q.id).toBeTruthy();
      expect(q.description.trim(), q.id).toBeTruthy();
      expect(q.tags.length, q.id).toBeGreaterThan(0);
    }
  });

  it("search every span family of the catalog with one TraceQL query", () => {
    for (const f of ALL_SPAN_FAMILIES) {
      const matching = SAVED_QUERIES.filter((q) => q.language === "traceql" && q.expr === spansOf(f));
      expect(matching.map((q) => q.id), f.family).toHaveLength(1);
    }
  });

  it("include seed 000's trace searches as real TraceQL", () => {
    expect(byId("traces-ipc")?.expr).toBe(`{ resource.service.name = "${CLIENT_SERVICE}" && name =~ "ipc:.*" }`);
    expect(byId("traces-main-startup-boot")?.expr).toBe(`{ resource.service.name = "${CLIENT_SERVICE}" && name = "main_startup_boot" }`);
    for (const f of ["ws", "lexical", "store", "updater", "window", "emote", "zustand"] as const) {
      expect(byId(`traces-${f}`)?.expr, f).toBe(spansOf(SPAN_FAMILIES[f]));
    }
  });

  it("name only catalog metrics in PromQL and catalog services in LogQL", () => {
    for (const q of SAVED_QUERIES.filter((q) => q.language === "promql")) {
      const names = promqlMetricNames(q.expr);
      expect(names.length, q.id).toBeGreaterThan(0);
      for (const n of names) expect(metricByPrometheusName(n), `${q.id}: ${n}`).toBeDefined();
    }
    for (const q of SAVED_QUERIES.filter((q) => q.language === "logql")) {
      const services = logqlServices(q.expr);
      expect(services.length, q.id).toBeGreaterThan(0);
      for (const s of services) expect([CLIENT_SERVICE, SERVER_SERVICE], q.id).toContain(s);
    }
  });

  it("use template variables only in regex matchers", () => {
    for (const q of SAVED_QUERIES) for (const m of variableMatchers(q.expr)) expect(["=~", "!~"], `${q.id}: ${m.label}`).toContain(m.op);
    expect(byId("logs-of-trace")?.expr).toContain('trace_id=~"$trace_id"');
  });
});

describe("query library resources", () => {
  it("follow the queries.grafana.app/v1 Query shape with the query as the target's properties", () => {
    for (const q of SAVED_QUERIES) {
      const r = queryResource(q);
      expect(r.apiVersion).toBe(QUERY_LIBRARY_API_VERSION);
      expect(r.kind).toBe(QUERY_KIND);
      expect(r.metadata.name).toBe(q.id);
      expect(r.spec.title).toBe(q.title);
      expect(r.spec.targets).toHaveLength(1);
      const props = r.spec.targets[0]!.properties;
      expect(props[q.language === "traceql" ? "query" : "expr"], q.id).toBe(q.expr);
      expect(props.datasource).toEqual({ type: DATASOURCES[DATASOURCE_OF[q.language]].type, uid: DATASOURCES[DATASOURCE_OF[q.language]].uid });
    }
  });

  it("declare the template variables a query needs, and no built-in macros", () => {
    expect(queryResource(byId("logs-of-trace")!).spec.vars).toEqual([{ key: "trace_id", defaultValues: [".*"] }]);
    expect(queryResource(byId("metrics-ws-reconnects-by-reason")!).spec.vars).toEqual([]); // only $__rate_interval
  });

  it("reject an id that cannot be a resource name", () => {
    const bad: SavedQuery = { ...SAVED_QUERIES[0]!, id: "Not_A_Name" };
    expect(() => queryResource(bad)).toThrow(/Not_A_Name/);
  });
});

describe("savedQueryFiles", () => {
  const files = savedQueryFiles();

  it("writes the query library and the Explore URLs under queries/", () => {
    expect(Object.keys(files).sort()).toEqual([EXPLORE_URLS_FILE, QUERY_LIBRARY_FILE].sort());
    const library = JSON.parse(files[QUERY_LIBRARY_FILE]!) as { kind: string; items: QueryResource[] };
    expect(library.kind).toBe("List");
    expect(library.items.map((r) => r.metadata.name)).toEqual(SAVED_QUERIES.map((q) => q.id).sort());
    const urls = JSON.parse(files[EXPLORE_URLS_FILE]!) as Record<string, { url: string; language: string }>;
    expect(Object.keys(urls)).toEqual(SAVED_QUERIES.map((q) => q.id).sort());
    for (const q of SAVED_QUERIES) {
      const pane = Object.values(parseExploreUrl(urls[q.id]!.url).panes)[0]!;
      expect(pane.queries[0]![q.language === "traceql" ? "query" : "expr"], q.id).toBe(q.expr);
    }
  });

  it("is byte-stable, with sorted keys and a trailing newline", () => {
    expect(savedQueryFiles()).toEqual(files);
    for (const content of Object.values(files)) {
      expect(content.endsWith("}\n")).toBe(true);
      const sortedKeys = (v: unknown): boolean =>
        Array.isArray(v)
          ? v.every(sortedKeys)
          : v !== null && typeof v === "object"
            ? Object.keys(v).join() === Object.keys(v).sort().join() && Object.values(v).every(sortedKeys)
            : true;
      expect(sortedKeys(JSON.parse(content))).toBe(true);
    }
  });

  it("refuses two queries with one id", () => {
    const q = SAVED_QUERIES[0]!;
    expect(() => savedQueryFiles([q, { ...q, title: "again" }])).toThrow(new RegExp(q.id));
  });
});
