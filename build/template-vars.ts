// Grafana template variables in queries. The grammars cannot parse `$__rate_interval` as a
// duration, and the backends cannot run `$streamer`, so the lint and the e2e runner fill
// them in with the values Grafana would use.

/**
 * Grafana's built-in interval macros, with the value a 1-hour dashboard would give them.
 * `$__interval` is only used by bar panels, whose minimum interval is 1m (BAR_INTERVAL).
 */
export const GRAFANA_MACROS: Readonly<Record<string, string>> = {
  __rate_interval: "1m",
  __interval: "1m",
  __range: "1h",
  __auto: "1m",
};

/**
 * Replaces `$name`, `${name}` and `[[name]]` with values: macros from GRAFANA_MACROS, user
 * variables from `values`, anything else with `fallback` (".*", for =~ matchers: "All").
 */
export function interpolate(expr: string, values: Readonly<Record<string, string>> = {}, fallback = ".*"): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (_m, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c) as string;
    return GRAFANA_MACROS[name] ?? values[name] ?? fallback;
  });
}
