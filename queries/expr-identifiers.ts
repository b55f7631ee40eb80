// Simple extraction of the names a PromQL or LogQL expression refers to, for tests that
// check generated content against the catalog. Not a parser: `npm run lint` parses every
// expression with the official grammars; this only has to find the metric names that the
// query builders produce (and a hand-typed one slipping in).

const PROMQL_KEYWORDS = new Set([
  "sum", "avg", "max", "min", "count", "topk", "bottomk", "quantile", "stddev", "stdvar", "group", "count_values",
  "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
]);

/** Metric names an expression selects: identifiers outside strings, matchers, ranges and grouping clauses that are not function calls. */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    // `offset 1w`: a duration, not a metric named `w`.
    .replace(/\boffset\s+-?[0-9a-zA-Z_$]+/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?!\s*\()/g)) {
    const word = m[0];
    const after = stripped.slice(m.index + word.length);
    if (/^[a-zA-Z0-9_:]/.test(after) || /^\s*\(/.test(after)) continue; // part of a longer word, or a call
    if (PROMQL_KEYWORDS.has(word) || /^(Inf|NaN)$/i.test(word)) continue;
    names.add(word);
  }
  return [...names].sort();
}

/** `service_name` values a LogQL stream selector picks (`=` or a `|`-separated `=~`). */
export function logqlServices(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\{service_name(=~|=)"([^"]*)"\}/g)) for (const s of m[2]!.split("|")) names.add(s);
  return [...names].sort();
}

/** Template variables (`$name`, `${name}`) used in an expression, Grafana's `$__…` excluded. */
export function templateVariables(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) if (!m[1]!.startsWith("__")) names.add(m[1]!);
  return [...names].sort();
}

/** Every `label op "…$var…"` matcher: the operator each template variable is used with. */
export function variableMatchers(expr: string): { label: string; op: string; value: string }[] {
  const out: { label: string; op: string; value: string }[] = [];
  for (const m of expr.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*\$[^"]*)"/g)) {
    out.push({ label: m[1]!, op: m[2]!, value: m[3]! });
  }
  return out;
}
