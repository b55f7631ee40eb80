// Matches a method and path against the catalog's SERVER_ROUTES, so the route template that
// labels metrics and names spans is exactly the one the catalog declares, plus protocol's
// ACCOUNT_ROUTES, which the catalog does not declare yet (labelled with their own templates).
import { SERVER_ROUTES } from "../../catalog/index.ts";
import { ACCOUNT_ROUTES } from "../../protocol/index.ts";

const ROUTES = [...SERVER_ROUTES, ...ACCOUNT_ROUTES] as const;
export type Route = (typeof ROUTES)[number][1];
type RouteEntry = (typeof ROUTES)[number];
/** "METHOD /route" of each declared route, e.g. "POST /api/chatrooms/:id/messages". */
export type RouteKey = RouteEntry extends infer E ? (E extends readonly [infer M extends string, infer R extends string] ? `${M} ${R}` : never) : never;

export type RouteMatch =
  | { readonly kind: "matched"; readonly key: RouteKey; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: "method_not_allowed"; readonly route: Route; readonly allow: readonly string[] }
  | { readonly kind: "unmatched" };

/** Ids are short tokens; anything else cannot name a resource and is not matched. */
const PARAM = "([A-Za-z0-9_-]{1,64})";

const COMPILED = ROUTES.map(([method, route]) => ({
  method,
  route,
  names: [...route.matchAll(/:([a-z]+)/g)].map((m) => m[1] as string),
  pattern: new RegExp(`^${route.replace(/:[a-z]+/g, PARAM)}/?$`),
}));

/**
 * HEAD is served by every GET route (RFC 9110 §9.3.2): the GET handler runs and node sends
 * its headers without the body. The route key stays the GET one.
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const asMethod = method === "HEAD" ? "GET" : method;
  let allowed: { route: Route; methods: string[] } | undefined;
  for (const c of COMPILED) {
    const m = c.pattern.exec(path);
    if (m === null) continue;
    if (c.method === asMethod) {
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => (params[name] = m[i + 1] as string));
      return { kind: "matched", key: `${c.method} ${c.route}` as RouteKey, route: c.route, params };
    }
    allowed ??= { route: c.route, methods: [] };
    allowed.methods.push(c.method);
    if (c.method === "GET") allowed.methods.push("HEAD");
  }
  return allowed ? { kind: "method_not_allowed", route: allowed.route, allow: allowed.methods } : { kind: "unmatched" };
}
