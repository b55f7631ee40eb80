// Adds the release variables' matchers to every selector of a catalog metric in a panel's PromQL:
// `m{a="b"}` → `m{a="b", deployment_environment_name=~"$environment", service_version=~"$version"}`.
// Recording rules are left alone (they aggregate the labels away); "All" is `.*`, which also
// matches series that lack the labels, so nothing disappears until a value is picked.
import { ALL_GATEWAY_METRICS, ALL_METRICS, ENVIRONMENT_LABEL, prometheusNames, VERSION_LABEL } from "../../catalog/index.ts";
import { RELEASE_VARIABLES } from "./variables.ts";

export const RELEASE_MATCHERS = `${ENVIRONMENT_LABEL}=~"$${RELEASE_VARIABLES.environment}", ${VERSION_LABEL}=~"$${RELEASE_VARIABLES.version}"`;

/** Every series name of the catalog (app and derived metrics), longest first so prefixes lose. */
const SERIES = [...new Set([...ALL_METRICS, ...ALL_GATEWAY_METRICS].flatMap((m) => prometheusNames(m).series))].sort((a, b) => b.length - a.length);
const SELECTOR = new RegExp(`(?<![\\w:"])(${SERIES.join("|")})(?![\\w:(])(\\{[^}]*\\})?`, "g");

export function withReleaseMatchers(expr: string): string {
  return expr.replace(SELECTOR, (_m, name: string, braces?: string) => {
    if (braces === undefined) return `${name}{${RELEASE_MATCHERS}}`;
    const inner = braces.slice(1, -1).trim();
    return `${name}{${inner === "" ? "" : `${inner}, `}${RELEASE_MATCHERS}}`;
  });
}
