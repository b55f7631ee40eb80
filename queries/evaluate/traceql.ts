// Evaluates TraceQL over captured spans, answering as Tempo's search API (GET /api/search,
// https://grafana.com/docs/tempo/latest/api_docs/#search) would. A query is evaluated one trace
// at a time: each pipeline element turns the trace's spansets into spansets (Tempo's
// pkg/traceql/ast_execute.go), and a trace matches when a non-empty spanset is left.
import type { FlatSpan } from "./otlp-records.ts";
import { parseTraceql, type FieldExpr, type SpansetExpr } from "./traceql-ast.ts";
import { attributeValue, INTRINSICS, NIL, ROOT_SPAN_NOT_YET_RECEIVED, tempoTraceId, traceContexts, type TraceContext, type TraceqlValue } from "./tempo-otlp-model.ts";

export interface TraceqlSearchOptions {
  readonly startMs: number;
  readonly endMs: number;
  /** Most traces returned (Tempo's default 20). */
  readonly limit?: number;
  /** Spans listed per spanset (`spss`, Tempo's default 3); `matched` counts them all. */
  readonly spss?: number;
}

export interface TempoSearchSpan {
  spanID: string;
  name: string;
  startTimeUnixNano: string;
  durationNanos: string;
}

export interface TempoSearchTrace {
  /** Hex, without leading zeros, as Tempo writes it. */
  traceID: string;
  rootServiceName: string;
  /** Absent when the root span was not captured, as Tempo omits it. */
  rootTraceName?: string;
  startTimeUnixNano: string;
  durationMs: number;
  spanSets: { spans: TempoSearchSpan[]; matched: number }[];
}

export interface TempoSearchResponse {
  traces: TempoSearchTrace[];
}

const DEFAULT_LIMIT = 20;
const DEFAULT_SPSS = 3;

/** Descriptions of the constructs in `query` the evaluator does not evaluate; [] = fully evaluated. */
export function unsupportedTraceql(query: string): string[] {
  return parseTraceql(query).unsupported;
}

type Spanset = readonly FlatSpan[];

const TRUE: TraceqlValue = { type: "boolean", value: true };
const FALSE: TraceqlValue = { type: "boolean", value: false };
const bool = (b: boolean) => (b ? TRUE : FALSE);

function valueOf(e: FieldExpr, span: FlatSpan, trace: TraceContext): TraceqlValue {
  switch (e.kind) {
    case "static":
      return e.value;
    case "attribute":
      return attributeValue(span, e.scope, e.key);
    case "intrinsic":
      return (INTRINSICS[e.name] as (typeof INTRINSICS)[string]).get(span, trace);
    case "not": {
      const v = valueOf(e.operand, span, trace);
      return v.type === "boolean" ? bool(!v.value) : FALSE;
    }
    case "negate": {
      const v = valueOf(e.operand, span, trace);
      if (v.type === "number") return { type: "number", value: -v.value };
      if (v.type === "duration") return { type: "duration", ns: -v.ns };
      return NIL;
    }
    case "logic": {
      const l = valueOf(e.left, span, trace);
      const r = valueOf(e.right, span, trace);
      const lb = l.type === "boolean" && l.value;
      const rb = r.type === "boolean" && r.value;
      return bool(e.op === "&&" ? lb && rb : lb || rb);
    }
    case "compare":
      return bool(compareExpr(e, span, trace));
  }
}

const isNilLiteral = (e: FieldExpr) => e.kind === "static" && e.value.type === "nil";

function compareExpr(e: Extract<FieldExpr, { kind: "compare" }>, span: FlatSpan, trace: TraceContext): boolean {
  const l = valueOf(e.left, span, trace);
  const r = valueOf(e.right, span, trace);
  // `x = nil` / `x != nil` test presence. Otherwise a missing value matches nothing, `!=`
  // included: Tempo's storage layer only returns spans that have the attribute.
  if (isNilLiteral(e.left) || isNilLiteral(e.right)) {
    const present = (isNilLiteral(e.left) ? r : l).type !== "nil";
    if (e.op === "=") return !present;
    if (e.op === "!=") return present;
    return false;
  }
  return compareValues(e.op, l, r, e.re);
}

/** One comparison of two present values; values of different types never match. */
function compareValues(op: string, l: TraceqlValue, r: TraceqlValue, re: RegExp | undefined): boolean {
  if (l.type === "nil" || r.type === "nil") return false;
  if (l.type === "array") {
    // Arrays match element-wise: any element for positive operators, none for != and !~.
    const negative = op === "!=" || op === "!~";
    return negative ? l.items.every((i) => compareValues(op, i, r, re)) : l.items.some((i) => compareValues(op, i, r, re));
  }
  if (op === "=~" || op === "!~") return l.type === "string" && (re as RegExp).test(l.value) === (op === "=~");
  const num = (v: TraceqlValue) => (v.type === "number" ? v.value : v.type === "duration" ? v.ns : undefined);
  const ln = num(l);
  const rn = num(r);
  let a: string | number | boolean;
  let b: string | number | boolean;
  if (ln !== undefined && rn !== undefined) {
    a = ln;
    b = rn;
  } else if (l.type === r.type && (l.type === "string" || l.type === "boolean" || l.type === "status" || l.type === "kind")) {
    a = (l as { value: string | boolean }).value;
    b = (r as { value: string | boolean }).value;
    if (l.type !== "string" && op !== "=" && op !== "!=") return false; // only strings and numbers are ordered
  } else {
    return false;
  }
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    default:
      return a <= b;
  }
}

/** An aggregate over a spanset (count(), avg(x), …); undefined when no span has a number. */
function aggregate(e: Extract<SpansetExpr, { kind: "scalar" }>, set: Spanset, trace: TraceContext): TraceqlValue | undefined {
  if (e.aggregate === "count") return { type: "number", value: set.length };
  const values = set.map((s) => valueOf(e.field as FieldExpr, s, trace)).filter((v) => v.type === "number" || v.type === "duration");
  if (values.length === 0) return undefined;
  const nums = values.map((v) => (v.type === "number" ? v.value : (v as { ns: number }).ns));
  const sum = nums.reduce((a, b) => a + b, 0);
  const result = e.aggregate === "sum" ? sum : e.aggregate === "avg" ? sum / nums.length : nums.reduce((a, b) => (e.aggregate === "min" ? Math.min(a, b) : Math.max(a, b)));
  return values[0]?.type === "duration" ? { type: "duration", ns: result } : { type: "number", value: result };
}

/** A pipeline element applied to spansets (Tempo: each element maps []Spanset → []Spanset). */
function evaluate(e: SpansetExpr, input: readonly Spanset[], trace: TraceContext): Spanset[] {
  switch (e.kind) {
    case "filter":
      return input.map((set) => set.filter((s) => !e.expr || isTrue(valueOf(e.expr, s, trace)))).filter((set) => set.length > 0);
    case "pipe":
      return evaluate(e.stage, evaluate(e.input, input, trace), trace);
    case "and":
    case "or": {
      const out: Spanset[] = [];
      for (const set of input) {
        const left = evaluate(e.left, [set], trace);
        const right = evaluate(e.right, [set], trace);
        const hit = e.kind === "and" ? left.length > 0 && right.length > 0 : left.length > 0 || right.length > 0;
        if (hit) out.push(unique([...left.flat(), ...right.flat()], set));
      }
      return out;
    }
    case "scalar":
      return input.filter((set) => {
        const v = aggregate(e, set, trace);
        return v !== undefined && compareValues(e.op, v, e.value, undefined);
      });
  }
}

const isTrue = (v: TraceqlValue) => v.type === "boolean" && v.value;

/** The spans of `spans` once each, in the order of `order`. */
function unique(spans: readonly FlatSpan[], order: Spanset): Spanset {
  const keep = new Set(spans);
  return order.filter((s) => keep.has(s));
}

export function evaluateTraceql(query: string, spans: readonly FlatSpan[], opts: TraceqlSearchOptions): TempoSearchResponse {
  const parsed = parseTraceql(query);
  if (parsed.errors.length > 0) throw new Error(`TraceQL ${JSON.stringify(query)} is invalid: ${parsed.errors.join("; ")}`);
  if (!parsed.expr) throw new Error(`TraceQL ${JSON.stringify(query)} is not evaluated: ${parsed.unsupported.join("; ")}`);
  if (opts.endMs < opts.startMs) throw new Error("invalid start and end parameter: end must be after start");
  const expr = parsed.expr;
  const fromNs = BigInt(Math.round(opts.startMs)) * 1_000_000n;
  const toNs = BigInt(Math.round(opts.endMs)) * 1_000_000n;
  const spss = opts.spss ?? DEFAULT_SPSS;
  const traces: TempoSearchTrace[] = [];
  for (const trace of traceContexts(spans)) {
    if (trace.startNs > toNs || trace.endNs < fromNs) continue; // the trace must overlap the range
    const spansets = evaluate(expr, [trace.spans], trace);
    if (spansets.length === 0) continue;
    const t: TempoSearchTrace = {
      traceID: tempoTraceId(trace.traceId),
      rootServiceName: rootService(trace),
      startTimeUnixNano: trace.startNs.toString(),
      // Tempo truncates to whole milliseconds (uint32(nanos / 1e6)).
      durationMs: Number((trace.endNs - trace.startNs) / 1_000_000n),
      spanSets: spansets.map((set) => ({
        matched: set.length,
        spans: set.slice(0, spss).map((s) => ({
          spanID: s.spanId.toLowerCase(),
          name: s.name,
          startTimeUnixNano: s.startTimeUnixNano,
          durationNanos: (BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)).toString(),
        })),
      })),
    };
    if (trace.root) t.rootTraceName = trace.root.name;
    traces.push(t);
  }
  // Most recent first, as Tempo sorts search results.
  traces.sort((a, b) => (BigInt(a.startTimeUnixNano) > BigInt(b.startTimeUnixNano) ? -1 : BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? 1 : a.traceID < b.traceID ? -1 : 1));
  return { traces: traces.slice(0, opts.limit ?? DEFAULT_LIMIT) };
}

function rootService(trace: TraceContext): string {
  const v = (INTRINSICS["trace:rootService"] as (typeof INTRINSICS)[string]).get(trace.spans[0] as FlatSpan, trace);
  return v.type === "string" ? v.value : ROOT_SPAN_NOT_YET_RECEIVED;
}
