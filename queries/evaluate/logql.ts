// Evaluates LogQL over captured log entries, answering as Loki's HTTP API would
// (https://grafana.com/docs/loki/latest/reference/loki-http-api/): query_range gives streams for
// a log query and a matrix for a metric query, query gives a vector. Semantics follow Loki's
// pkg/logql (engine.go, log/pipeline.go, log/labels.go, log/label_filter.go,
// log/metrics_extraction.go) and the LogQL docs (https://grafana.com/docs/loki/latest/query/).
import {
  parseLogql,
  type Grouping,
  type LabelFilter,
  type LabelMatcher,
  type LogSelector,
  type MetricExpr,
  type Stage,
} from "./logql-ast.ts";
import { formatSampleValue, goParseDurationOrError, goParseFloat, goParseFloatError, humanizeParseBytesOrError } from "./go-syntax.ts";
import { parseJsonLine, parseLogfmtLine, type LokiEntry } from "./loki-otlp-model.ts";

export type Labels = Record<string, string>;

export interface StreamsResult {
  resultType: "streams";
  /** Each stream: its labels (index labels + structured metadata + parsed labels, as Loki returns
   * them without the categorize-labels flag) and its entries, newest first. */
  result: { stream: Labels; values: [tsNs: string, line: string][] }[];
}
export interface MatrixResult {
  resultType: "matrix";
  result: { metric: Labels; values: [epochSeconds: number, value: string][] }[];
}
export interface VectorResult {
  resultType: "vector";
  result: { metric: Labels; value: [epochSeconds: number, value: string] }[];
}

/** Any answer of the two entry points. */
export type LogqlResult = StreamsResult | MatrixResult | VectorResult;

export interface LogqlRangeOptions {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  /** Most entries a log query returns (Loki's default 100). */
  readonly limit?: number;
}
export interface LogqlInstantOptions {
  readonly timeMs: number;
}

/** Loki's default `limit` for log queries. */
const DEFAULT_LIMIT = 100;
/** Loki (like Prometheus) refuses more points per series than this. */
const MAX_POINTS = 11_000;
const ERROR_LABEL = "__error__";
const ERROR_DETAILS_LABEL = "__error_details__";

/** Descriptions of the constructs in `query` the evaluator does not evaluate; [] = fully evaluated. */
export function unsupportedLogql(query: string): string[] {
  return parseLogql(query).unsupported;
}

function compile(query: string) {
  const parsed = parseLogql(query);
  if (parsed.errors.length > 0) throw new Error(`LogQL ${JSON.stringify(query)} is invalid: ${parsed.errors.join("; ")}`);
  if (!parsed.expr) throw new Error(`LogQL ${JSON.stringify(query)} is not evaluated: ${parsed.unsupported.join("; ")}`);
  return parsed.expr;
}

const msToNs = (ms: number) => BigInt(Math.round(ms)) * 1_000_000n;

// ---- labels of one entry going through a pipeline (Loki's LabelsBuilder) ----

class EntryLabels {
  private readonly stream: Map<string, string>;
  private readonly metadata = new Map<string, string>();
  private readonly parsed = new Map<string, string>();
  private readonly deleted = new Set<string>();
  error: string | undefined;
  errorDetails: string | undefined;

  constructor(entry: LokiEntry) {
    this.stream = new Map(Object.entries(entry.labels));
    // Structured metadata named like a stream label is renamed (LabelsBuilder.Add).
    for (const [k, v] of Object.entries(entry.metadata)) this.metadata.set(this.stream.has(k) ? `${k}_extracted` : k, v);
  }

  /** LabelsBuilder.Get: metadata, then parsed labels, then stream labels not deleted. */
  get(name: string): string | undefined {
    if (name === ERROR_LABEL) return this.error;
    if (name === ERROR_DETAILS_LABEL) return this.errorDetails;
    return this.metadata.get(name) ?? this.parsed.get(name) ?? (this.deleted.has(name) ? undefined : this.stream.get(name));
  }

  /**
   * A parser's label. One named like a stream label or structured metadata becomes
   * `<name>_extracted`; a name already extracted keeps its first value (Loki's parsers test,
   * pkg/logql/internal/logqltest/testdata/parsers.logqltest).
   */
  setParsed(name: string, value: string): void {
    const target = this.stream.has(name) || this.metadata.has(name) ? `${name}_extracted` : name;
    if (!this.parsed.has(target)) this.parsed.set(target, value);
  }

  setError(error: string, details: string): void {
    this.error = error;
    this.errorDetails = details;
  }

  delete(name: string): void {
    if (name === ERROR_LABEL) this.error = undefined;
    else if (name === ERROR_DETAILS_LABEL) this.errorDetails = undefined;
    else {
      this.metadata.delete(name);
      this.parsed.delete(name);
      this.deleted.add(name);
    }
  }

  /** The label set Loki returns: parsed labels over metadata over stream labels. */
  result(): Labels {
    const out: Labels = {};
    for (const [k, v] of this.stream) if (!this.deleted.has(k)) out[k] = v;
    for (const [k, v] of this.metadata) out[k] = v;
    for (const [k, v] of this.parsed) out[k] = v;
    if (this.error !== undefined) out[ERROR_LABEL] = this.error;
    if (this.errorDetails !== undefined) out[ERROR_DETAILS_LABEL] = this.errorDetails;
    return sortedLabels(out);
  }
}

function sortedLabels(l: Labels): Labels {
  return Object.fromEntries(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Prometheus' text form `{a="1", b="2"}`; sorting by it is how Loki orders streams. */
function labelsString(l: Labels): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ")}}`;
}

/** Prometheus labels.Compare: label by label, name then value; a prefix sorts first. */
function compareLabels(a: Labels, b: Labels): number {
  const ea = Object.entries(a);
  const eb = Object.entries(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
    const [ka, va] = ea[i] as [string, string];
    const [kb, vb] = eb[i] as [string, string];
    if (ka !== kb) return ka < kb ? -1 : 1;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return ea.length - eb.length;
}

// ---- matching ----

function matches(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case "=":
      return value === m.value;
    case "!=":
      return value !== m.value;
    case "=~":
      return (m.re as RegExp).test(value);
    case "!~":
      return !(m.re as RegExp).test(value);
  }
}

/** Loki refuses selectors that every stream could match (`{a=~".*"}`). */
function checkSelector(matchers: readonly LabelMatcher[]): void {
  const narrowing = matchers.some((m) => (m.op === "=" && m.value !== "") || (m.op === "=~" && !(m.re as RegExp).test("")));
  if (!narrowing) {
    throw new Error(
      "queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will",
    );
  }
}

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case "!=":
      return a !== b;
    default:
      return a === b; // = and ==
  }
}

/** A label value as a number, the way Loki's filters and unwrap conversions read it; or Go's error. */
function convert(kind: "number" | "duration" | "bytes", raw: string): number | Error {
  if (kind === "duration") return goParseDurationOrError(raw);
  if (kind === "bytes") return humanizeParseBytesOrError(raw);
  return goParseFloat(raw) ?? new Error(goParseFloatError(raw));
}

/**
 * label_filter.go: string matchers see an absent label as ""; numeric ones drop the line, and
 * keep it with `__error__="LabelFilterErr"` when the value does not convert. `and` binds tighter
 * than `or` (as the grammar nests them; Loki PR #23902 corrected the docs' "left to right").
 */
function filterMatches(f: LabelFilter, labels: EntryLabels): boolean {
  switch (f.kind) {
    case "and": {
      const left = filterMatches(f.left, labels);
      const right = filterMatches(f.right, labels); // Loki evaluates both sides of `and`
      return left && right;
    }
    case "or":
      return filterMatches(f.left, labels) || filterMatches(f.right, labels);
    case "match":
      return matches(f.matcher, labels.get(f.matcher.name) ?? "");
    default: {
      if (labels.error !== undefined) return true; // an earlier error: only string filters may drop the line
      const raw = labels.get(f.name);
      if (raw === undefined) return false;
      const value = convert(f.kind, raw);
      if (value instanceof Error) {
        labels.setError("LabelFilterErr", value.message);
        return true;
      }
      return compare(f.op, value, f.value);
    }
  }
}

interface Processed {
  readonly line: string;
  readonly labels: EntryLabels;
}

/** Runs a pipeline over one entry; undefined when a stage drops it. */
function runPipeline(entry: LokiEntry, pipeline: readonly Stage[]): Processed | undefined {
  let line = entry.line;
  const labels = new EntryLabels(entry);
  for (const stage of pipeline) {
    switch (stage.kind) {
      case "line": {
        const hit = stage.needles.map((n) => (n.re ? n.re.test(line) : line.includes(n.text)));
        const positive = stage.op === "|=" || stage.op === "|~";
        if (positive ? !hit.some(Boolean) : hit.some(Boolean)) return undefined;
        break;
      }
      case "json":
      case "logfmt": {
        const parsed = stage.kind === "json" ? parseJsonLine(line) : parseLogfmtLine(line);
        for (const [k, v] of parsed.labels) labels.setParsed(k, v);
        if (parsed.error !== undefined) labels.setError("JSONParserErr", parsed.error);
        break;
      }
      case "labelFilter":
        if (!filterMatches(stage.filter, labels)) return undefined;
        break;
      case "lineFormat": {
        const current = line;
        line = stage.template.map((p) => ("text" in p ? p.text : "label" in p ? (labels.get(p.label) ?? "") : current)).join("");
        break;
      }
      case "drop":
        for (const d of stage.labels) {
          if (!d.matcher || matches(d.matcher, labels.get(d.name) ?? "")) labels.delete(d.name);
        }
        break;
      case "keep": {
        const current = labels.result();
        for (const [name, value] of Object.entries(current)) {
          if (name === ERROR_LABEL || name === ERROR_DETAILS_LABEL) continue;
          const kept = stage.labels.some((k) => k.name === name && (!k.matcher || matches(k.matcher, value)));
          if (!kept) labels.delete(name);
        }
        break;
      }
    }
  }
  return { line, labels };
}

/**
 * Entries of the streams the selector picks, through the pipeline. Loki answers an entry stored
 * twice (same stream, timestamp, line and structured metadata) once; entries that differ only in
 * metadata stay distinct (Loki's deduplication.logqltest).
 */
function select(entries: readonly LokiEntry[], sel: LogSelector, fromNs: bigint, toNs: bigint, toInclusive: boolean): (Processed & { tsNs: bigint })[] {
  checkSelector(sel.matchers);
  const seen = new Set<string>();
  const out: (Processed & { tsNs: bigint })[] = [];
  for (const e of entries) {
    if (e.tsNs < fromNs || e.tsNs > toNs || (!toInclusive && e.tsNs === toNs)) continue;
    if (!sel.matchers.every((m) => matches(m, e.labels[m.name] ?? ""))) continue;
    const key = `${labelsString(sortedLabels(e.labels))}\u0000${labelsString(sortedLabels(e.metadata))}\u0000${e.tsNs}\u0000${e.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = runPipeline(e, sel.pipeline);
    if (p) out.push({ ...p, tsNs: e.tsNs });
  }
  return out;
}

// ---- log queries ----

function logQuery(sel: LogSelector, entries: readonly LokiEntry[], opts: LogqlRangeOptions): StreamsResult {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  // query_range reads log entries in [start, end), newest first (direction=backward).
  const hits = select(entries, sel, msToNs(opts.startMs), msToNs(opts.endMs), false).sort((a, b) => (a.tsNs > b.tsNs ? -1 : a.tsNs < b.tsNs ? 1 : 0));
  const streams = new Map<string, { stream: Labels; values: [string, string][] }>();
  for (const h of hits.slice(0, limit)) {
    const stream = h.labels.result();
    const key = labelsString(stream);
    const s = streams.get(key) ?? { stream, values: [] };
    s.values.push([h.tsNs.toString(), h.line]);
    streams.set(key, s);
  }
  const result = [...streams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  return { resultType: "streams", result };
}

// ---- metric queries ----

interface Sample {
  readonly tsNs: bigint;
  readonly value: number;
}
interface Series {
  readonly metric: Labels;
  readonly samples: Sample[];
}
type Vector = { metric: Labels; value: number }[];

function grouped(l: Labels, g: Grouping | undefined): Labels {
  if (!g) return {};
  const out: Labels = {};
  for (const [k, v] of Object.entries(l)) {
    if ((g.mode === "by") === g.labels.includes(k)) out[k] = v;
  }
  return out;
}

/** The samples a range aggregation reads, per series (metrics_extraction.go). */
function extractSeries(expr: Extract<MetricExpr, { kind: "range" }>, entries: readonly LokiEntry[], fromNs: bigint, toNs: bigint): Series[] {
  const series = new Map<string, Series>();
  for (const p of select(entries, expr.selector, fromNs, toNs, true)) {
    let value: number;
    if (expr.unwrap) {
      const raw = p.labels.get(expr.unwrap.label) ?? "";
      const conversion = expr.unwrap.conversion;
      const parsed = convert(conversion === "float" ? "number" : conversion === "bytes" ? "bytes" : "duration", raw);
      if (parsed instanceof Error) p.labels.setError("SampleExtractionErr", parsed.message);
      value = parsed instanceof Error ? 0 : parsed;
      if (!expr.unwrap.postFilters.every((f) => filterMatches(f, p.labels))) continue;
    } else {
      value = expr.fn === "bytes_over_time" || expr.fn === "bytes_rate" ? Buffer.byteLength(p.line, "utf8") : 1;
    }
    let metric = p.labels.result();
    const error = metric[ERROR_LABEL];
    if (error !== undefined && error !== "") {
      throw new Error(
        `pipeline error: '${error}' for series: '${labelsString(metric)}'. Use a label filter to intentionally skip this error. (e.g | __error__!="${error}"). To skip all potential errors you can match empty errors.(e.g __error__="")`,
      );
    }
    if (expr.unwrap) {
      // The unwrapped label leaves the series (LabelExtractorWithStages groups it away).
      const g = expr.grouping ?? { mode: "without" as const, labels: [] };
      metric = grouped(metric, g.mode === "without" ? { mode: "without", labels: [...g.labels, expr.unwrap.label] } : g);
    }
    const key = labelsString(metric);
    const s = series.get(key) ?? { metric, samples: [] };
    s.samples.push({ tsNs: p.tsNs, value });
    series.set(key, s);
  }
  for (const s of series.values()) s.samples.sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
  return [...series.values()];
}

function rangeValue(fn: string, values: number[], rangeSeconds: number): number {
  switch (fn) {
    case "count_over_time":
      return values.length;
    case "rate": // lines per second, or with unwrap the values' sum per second
      return values.reduce((a, b) => a + b, 0) / rangeSeconds;
    case "bytes_over_time":
    case "sum_over_time":
      return values.reduce((a, b) => a + b, 0);
    case "bytes_rate":
      return values.reduce((a, b) => a + b, 0) / rangeSeconds;
    case "avg_over_time":
      return values.reduce((a, b) => a + b, 0) / values.length;
    case "min_over_time":
      return values.reduce((a, b) => Math.min(a, b));
    default:
      return values.reduce((a, b) => Math.max(a, b)); // max_over_time
  }
}

/** A range aggregation at instant t: samples in (t − range, t] (Loki's range vector window). */
function rangeAt(expr: Extract<MetricExpr, { kind: "range" }>, series: readonly Series[], tNs: bigint): Vector {
  const fromNs = tNs - msToNs(expr.rangeMs);
  const out: Vector = [];
  for (const s of series) {
    const values = s.samples.slice(firstAfter(s.samples, fromNs), firstAfter(s.samples, tNs)).map((x) => x.value);
    if (values.length > 0) out.push({ metric: s.metric, value: rangeValue(expr.fn, values, expr.rangeMs / 1000) });
  }
  return out;
}

/** Index of the first sample later than `ns` in time-sorted samples (binary search). */
function firstAfter(samples: readonly Sample[], ns: bigint): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as Sample).tsNs <= ns) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Vector aggregations, as PromQL defines them (Loki reuses the semantics). */
function aggregate(expr: Extract<MetricExpr, { kind: "vector" }>, input: Vector): Vector {
  const groups = new Map<string, { metric: Labels; items: Vector }>();
  for (const item of input) {
    const metric = grouped(item.metric, expr.grouping);
    const key = labelsString(metric);
    const g = groups.get(key) ?? { metric, items: [] };
    g.items.push(item);
    groups.set(key, g);
  }
  const out: Vector = [];
  for (const { metric, items } of groups.values()) {
    const values = items.map((i) => i.value);
    switch (expr.fn) {
      case "sum":
        out.push({ metric, value: values.reduce((a, b) => a + b, 0) });
        break;
      case "count":
        out.push({ metric, value: values.length });
        break;
      case "avg":
        out.push({ metric, value: values.reduce((a, b) => a + b, 0) / values.length });
        break;
      case "min":
        out.push({ metric, value: values.reduce((a, b) => Math.min(a, b)) });
        break;
      case "max":
        out.push({ metric, value: values.reduce((a, b) => Math.max(a, b)) });
        break;
      case "topk":
      case "bottomk": {
        // Keeps whole series; ties broken by labels so results are stable.
        const sign = expr.fn === "topk" ? -1 : 1;
        const ranked = [...items].sort((a, b) => sign * (a.value - b.value) || compareLabels(a.metric, b.metric));
        out.push(...ranked.slice(0, expr.param as number));
        break;
      }
    }
  }
  return out;
}

/** Evaluates a metric expression at several instants, selecting and extracting once. */
function metricEvaluator(expr: MetricExpr, entries: readonly LokiEntry[], firstNs: bigint, lastNs: bigint): (tNs: bigint) => Vector {
  if (expr.kind === "range") {
    const series = extractSeries(expr, entries, firstNs - msToNs(expr.rangeMs), lastNs);
    return (t) => rangeAt(expr, series, t);
  }
  const inner = metricEvaluator(expr.inner, entries, firstNs, lastNs);
  return (t) => aggregate(expr, inner(t));
}

export function evaluateLogqlRange(query: string, entries: readonly LokiEntry[], opts: LogqlRangeOptions): StreamsResult | MatrixResult {
  if (!(opts.stepMs > 0)) throw new Error(`step must be positive, got ${opts.stepMs} ms`);
  if (opts.endMs < opts.startMs) throw new Error("end timestamp must not be before start time");
  const expr = compile(query);
  if (expr.kind === "log") return logQuery(expr, entries, opts);
  const points = Math.floor((opts.endMs - opts.startMs) / opts.stepMs) + 1;
  if (points > MAX_POINTS) throw new Error(`exceeded maximum resolution of ${MAX_POINTS} points per timeseries. Try decreasing the query resolution (?step=XX)`);
  const at = metricEvaluator(expr, entries, msToNs(opts.startMs), msToNs(opts.startMs + (points - 1) * opts.stepMs));
  const series = new Map<string, { metric: Labels; values: [number, string][] }>();
  for (let i = 0; i < points; i++) {
    const tMs = opts.startMs + i * opts.stepMs;
    for (const { metric, value } of at(msToNs(tMs))) {
      const key = labelsString(metric);
      const s = series.get(key) ?? { metric, values: [] };
      s.values.push([tMs / 1000, formatSampleValue(value)]);
      series.set(key, s);
    }
  }
  return { resultType: "matrix", result: [...series.values()].sort((a, b) => compareLabels(a.metric, b.metric)) };
}

export function evaluateLogqlInstant(query: string, entries: readonly LokiEntry[], opts: LogqlInstantOptions): VectorResult {
  const expr = compile(query);
  if (expr.kind === "log") throw new Error("log queries are not supported as an instant query type, please change your query to a range query type");
  const t = msToNs(opts.timeMs);
  const vector = metricEvaluator(expr, entries, t, t)(t);
  return {
    resultType: "vector",
    result: vector.sort((a, b) => compareLabels(a.metric, b.metric)).map(({ metric, value }) => ({ metric, value: [opts.timeMs / 1000, formatSampleValue(value)] })),
  };
}
