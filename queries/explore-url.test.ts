// Explore URLs in the panes format decode back to exactly the saved query.
import { describe, expect, it } from "vitest";
import { DATASOURCES } from "../build/content-types.ts";
import { DATASOURCE_OF, DEFAULT_RANGE, PANE_ID, exploreUrl, parseExploreUrl } from "./explore-url.ts";
import { SAVED_QUERIES } from "./saved-queries.ts";

describe("exploreUrl", () => {
  it("decodes back to the query, its datasource and the range for every saved query", () => {
    for (const q of SAVED_QUERIES) {
      const url = exploreUrl(q);
      expect(url.startsWith("/explore?schemaVersion=1&panes="), q.id).toBe(true);
      const parsed = parseExploreUrl(url);
      expect(parsed.schemaVersion).toBe(1);
      expect(parsed.orgId).toBe(1);
      const ds = DATASOURCES[DATASOURCE_OF[q.language]];
      expect(parsed.panes, q.id).toEqual({
        [PANE_ID]: {
          datasource: ds.uid,
          range: DEFAULT_RANGE,
          queries: [expect.objectContaining({ refId: "A", datasource: { type: ds.type, uid: ds.uid }, [q.language === "traceql" ? "query" : "expr"]: q.expr })],
        },
      });
    }
  });

  it("sets queryType where the datasource needs it", () => {
    const trace = SAVED_QUERIES.find((q) => q.language === "traceql")!;
    const logs = SAVED_QUERIES.find((q) => q.language === "logql")!;
    expect(parseExploreUrl(exploreUrl(trace)).panes[PANE_ID]!.queries[0]).toMatchObject({ queryType: "traceql" });
    expect(parseExploreUrl(exploreUrl(logs)).panes[PANE_ID]!.queries[0]).toMatchObject({ queryType: "range" });
  });

  it("percent-encodes everything Markdown or a URL parser could misread", () => {
    for (const q of SAVED_QUERIES) expect(exploreUrl(q), q.id).toMatch(/^[A-Za-z0-9\-_.~%/?=&]+$/);
  });

  it("keeps a ${var} datasource raw so a text panel can interpolate it", () => {
    const q = SAVED_QUERIES.find((s) => s.language === "traceql")!;
    const url = exploreUrl(q, { datasourceUid: "${tempo}", range: { from: "now-6h", to: "now" }, orgId: 2 });
    expect(url.split("${tempo}")).toHaveLength(3); // pane datasource and query datasource
    const parsed = parseExploreUrl(url.replaceAll("${tempo}", "my-tempo"));
    expect(parsed.orgId).toBe(2);
    expect(parsed.panes[PANE_ID]).toMatchObject({ datasource: "my-tempo", range: { from: "now-6h", to: "now" } });
    expect(parsed.panes[PANE_ID]!.queries[0]).toMatchObject({ datasource: { type: "tempo", uid: "my-tempo" }, query: q.expr });
  });

  it("names what is wrong with a URL that is not Explore's", () => {
    expect(() => parseExploreUrl("/d/abc")).toThrow(/not an Explore URL/);
    expect(() => parseExploreUrl("/explore?orgId=1")).toThrow(/no panes/);
  });
});
