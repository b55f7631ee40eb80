// PromQL built from catalog declarations, so a metric or label name is written once (in the
// catalog) and a query can only name what is declared. Label names and enum values are
// checked here when the query is built; `npm run lint` re-checks every finished expression.
import { prometheusNames, RESOURCE_LABELS, type MetricDecl } from "../catalog/index.ts";

export type MatchOp = "=" | "!=" | "=~" | "!~";
export type MatcherValue = string | { readonly op: MatchOp; readonly value: string };
export type Matchers = Readonly<Record<string, MatcherValue>>;
export type HistogramPart = "bucket" | "sum" | "count";

/** Grafana's rate window: at least four scrape intervals, whatever the panel's resolution. */
export const RATE_INTERVAL = "$__rate_interval";

export class QueryBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueryBuildError";
  }
}

const isTemplate = (v: string) => v.includes("$");
const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

function renderMatchers(metric: MetricDecl, matchers: Matchers, part?: HistogramPart): string {
  const parts: string[] = [];
  for (const [name, raw] of Object.entries(matchers)) {
    const { op, value } = typeof raw === "string" ? { op: "=" as const, value: raw } : raw;
    const label = metric.labels.find((l) => l.name === name);
    const known = label !== undefined || (RESOURCE_LABELS as readonly string[]).includes(name) || (name === "le" && part === "bucket");
    if (!known) throw new QueryBuildError(`metric ${metric.name} has no label ${name}`);
    if (label?.kind === "enum" && (op === "=" || op === "!=") && !isTemplate(value) && !label.values.includes(value)) {
      throw new QueryBuildError(`metric ${metric.name}: ${name}="${value}" is not one of ${label.values.join(", ")}`);
    }
    parts.push(`${name}${op}"${escape(value)}"`);
  }
  return parts.length === 0 ? "" : `{${parts.join(", ")}}`;
}

/** The series name of a metric in Prometheus; `part` picks a histogram's series. */
export function seriesName(metric: MetricDecl, part?: HistogramPart): string {
  const names = prometheusNames(metric);
  if (names.type === "histogram") {
    if (part === undefined) throw new QueryBuildError(`metric ${metric.name} is a histogram: choose bucket, sum or count`);
    return `${names.family}_${part}`;
  }
  if (part !== undefined) throw new QueryBuildError(`metric ${metric.name} is not a histogram`);
  return names.family;
}

/** An instant vector selector: `name{label="value"}`. */
export function sel(metric: MetricDecl, matchers: Matchers = {}, part?: HistogramPart): string {
  return `${seriesName(metric, part)}${renderMatchers(metric, matchers, part)}`;
}

export function rate(metric: MetricDecl, matchers: Matchers = {}, window = RATE_INTERVAL, part?: HistogramPart): string {
  return `rate(${sel(metric, matchers, part)}[${window}])`;
}

export function increase(metric: MetricDecl, matchers: Matchers = {}, window = RATE_INTERVAL, part?: HistogramPart): string {
  return `increase(${sel(metric, matchers, part)}[${window}])`;
}

function byClause(labels: readonly string[]): string {
  return labels.length === 0 ? "" : ` by (${labels.join(", ")})`;
}

export function sumBy(labels: readonly string[], expr: string): string {
  return `sum${byClause(labels)} (${expr})`;
}

/** `histogram_quantile(q, sum by (le, …) (rate(m_bucket{…}[w])))`. */
export function quantile(q: number, metric: MetricDecl, opts: { by?: readonly string[]; matchers?: Matchers; window?: string } = {}): string {
  const by = ["le", ...(opts.by ?? [])];
  return `histogram_quantile(${q}, ${sumBy(by, rate(metric, opts.matchers, opts.window, "bucket"))})`;
}

/** Mean of a histogram over the window: rate(sum) / rate(count). */
export function mean(metric: MetricDecl, opts: { by?: readonly string[]; matchers?: Matchers; window?: string } = {}): string {
  const by = opts.by ?? [];
  return `${sumBy(by, rate(metric, opts.matchers, opts.window, "sum"))} / ${sumBy(by, rate(metric, opts.matchers, opts.window, "count"))}`;
}

/**
 * Share of a counter's rate matching `part` over the rate of all of it (0–1). While no series
 * matches `part` (no 5xx yet: the counter is created on first use) the numerator is 0 × the
 * denominator, so a healthy service shows 0 and not "No data".
 */
export function ratio(metric: MetricDecl, part: Matchers, opts: { by?: readonly string[]; base?: Matchers; window?: string } = {}): string {
  const by = opts.by ?? [];
  const base = opts.base ?? {};
  const all = sumBy(by, rate(metric, base, opts.window));
  return `(${sumBy(by, rate(metric, { ...base, ...part }, opts.window))} or 0 * ${all}) / ${all}`;
}

/**
 * `expr or vector(0)` for an aggregate without grouping: a count that has not happened yet is
 * 0, not "No data" (counters only exist once first incremented).
 */
export function orZero(expr: string): string {
  return `(${expr}) or vector(0)`;
}

/**
 * The same expression with every range evaluated over `window` at the end of the dashboard's
 * range (`[window] @ end()`): a ranking that is fixed for the whole graph, so `topk` draws k
 * lines and not k per step.
 */
export function atEnd(expr: string, window = "$__range"): string {
  return expr.replace(/\[[^\]]+\]/g, () => `[${window}] @ end()`);
}

/**
 * The same expression `by` earlier: every range reads `offset by` (`[1h]` → `[1h] offset 1w`), so
 * `increase(m[$__range])` becomes the same stretch of time a week before.
 */
export function earlier(expr: string, by: string): string {
  return expr.replace(/\[[^\]]+\]/g, (range) => `${range} offset ${by}`);
}

/** `expr`, drawn only for the k series that rank highest by `rank` over the whole range. */
export function topkOverRange(k: number, by: readonly string[], expr: string, rank: string = atEnd(expr)): string {
  return `${expr} and on (${by.join(", ")}) ${topk(k, rank)}`;
}

/** Grafana's step for bars of counts per interval; bar panels set a minimum interval (BAR_INTERVAL). */
export const BAR_WINDOW = "$__interval";

/** Grafana's whole-dashboard range: stat panels summarise the selected time range. */
export const RANGE_WINDOW = "$__range";

export type Aggregation = "sum" | "avg" | "max" | "min" | "count";

/** `avg by (type) (expr)`; sumBy is this with "sum". */
export function aggBy(op: Aggregation, labels: readonly string[], expr: string): string {
  return `${op}${byClause(labels)} (${expr})`;
}

/** The k largest series of `expr` (PromQL and LogQL share this syntax). */
export function topk(k: number, expr: string): string {
  return `topk(${k}, ${expr})`;
}

/** Range-vector functions over one metric (`deriv(m[30m])`, `absent_over_time(m[10m])`). */
export type RangeFunction =
  | "absent_over_time"
  | "last_over_time"
  | "avg_over_time"
  | "max_over_time"
  | "min_over_time"
  | "deriv"
  | "delta"
  | "changes"
  | "resets";

export function overTime(fn: RangeFunction, metric: MetricDecl, matchers: Matchers = {}, window = RATE_INTERVAL, part?: HistogramPart): string {
  return `${fn}(${sel(metric, matchers, part)}[${window}])`;
}

/** `clamp_min(expr, min)`: a divisor that is never below `min` (keeps ratios finite). */
export function clampMin(expr: string, min: number): string {
  return `clamp_min(${expr}, ${min})`;
}

/** `quantile by (…) (φ, expr)`: the φ-quantile across series, e.g. the median client. */
export function quantileBy(q: number, labels: readonly string[], expr: string): string {
  return `quantile${byClause(labels)} (${q}, ${expr})`;
}

/** Per-second rate expression scaled to per minute (seed 000 panels count per minute). */
export function perMinute(expr: string): string {
  return `(${expr}) * 60`;
}
