// The files the build writes under generated/queries/ for the saved queries: the query
// library resources (one Kubernetes-style List) and the Explore URLs keyed by query id.
import type { SavedQuery } from "../build/content-types.ts";
import { DATASOURCE_OF, exploreUrl } from "./explore-url.ts";
import { queryResource } from "./query-library.ts";
import { SAVED_QUERIES } from "./saved-query-list.ts";

export const QUERY_LIBRARY_FILE = "queries/query-library.json";
export const EXPLORE_URLS_FILE = "queries/explore-urls.json";

/** Pretty JSON with object keys sorted (arrays keep their order): byte-stable output. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

export function assertUniqueIds(queries: readonly SavedQuery[]): void {
  const seen = new Set<string>();
  for (const q of queries) {
    if (seen.has(q.id)) throw new Error(`saved query id ${q.id} is declared twice`);
    seen.add(q.id);
  }
}

/** Path relative to generated/ → content. */
export function savedQueryFiles(queries: readonly SavedQuery[] = SAVED_QUERIES): Record<string, string> {
  assertUniqueIds(queries);
  const byId = [...queries].sort((a, b) => a.id.localeCompare(b.id));
  const library = { apiVersion: "v1", kind: "List", items: byId.map((q) => queryResource(q)) };
  const urls = Object.fromEntries(
    byId.map((q) => [q.id, { title: q.title, language: q.language, datasource: DATASOURCE_OF[q.language], url: exploreUrl(q) }]),
  );
  return { [QUERY_LIBRARY_FILE]: stableJson(library), [EXPLORE_URLS_FILE]: stableJson(urls) };
}
