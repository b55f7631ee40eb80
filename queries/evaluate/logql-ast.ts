// LogQL parsed with the official grammar (@grafana/lezer-logql) into the small AST the evaluator
// runs. Every construct the evaluator does not run is named in `unsupported` rather than
// guessed at; malformed input (syntax, strings Go cannot unquote, regexes RE2 rejects,
// durations) is named in `errors`. Node names: https://github.com/grafana/lezer-logql
// (src/logql.grammar), as the installed version produces them.
import { parser } from "@grafana/lezer-logql";
import type { SyntaxNode } from "@lezer/common";
import { Abandon, AstBuilder, children } from "./ast-builder.ts";
import { goParseFloat, goUnquote, humanizeParseBytes, logqlDurationLiteral, promParseDuration } from "./go-syntax.ts";
import { compileRe2, RegexUnsupportedError } from "./re2.ts";

export type MatchOp = "=" | "!=" | "=~" | "!~";
export type CompareOp = ">" | ">=" | "<" | "<=" | "=" | "==" | "!=";

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
  /** For =~ and !~: anchored, `.` matching newlines, as Prometheus' label matchers compile. */
  readonly re?: RegExp;
}

export type LabelFilter =
  | { readonly kind: "match"; readonly matcher: LabelMatcher }
  | { readonly kind: "number" | "duration" | "bytes"; readonly name: string; readonly op: CompareOp; readonly value: number }
  | { readonly kind: "and" | "or"; readonly left: LabelFilter; readonly right: LabelFilter };

/** One alternative of a line filter: `|= "a" or "b"` has two. */
export interface LineNeedle {
  readonly text: string;
  /** For |~ and !~: unanchored, `.` not matching \n (Loki compiles line regexes plainly). */
  readonly re?: RegExp;
}

export type TemplatePart = { readonly text: string } | { readonly label: string } | { readonly line: true };

export type Stage =
  | { readonly kind: "line"; readonly op: "|=" | "!=" | "|~" | "!~"; readonly needles: readonly LineNeedle[] }
  | { readonly kind: "json" }
  | { readonly kind: "logfmt" }
  | { readonly kind: "labelFilter"; readonly filter: LabelFilter }
  | { readonly kind: "lineFormat"; readonly template: readonly TemplatePart[] }
  | { readonly kind: "drop" | "keep"; readonly labels: readonly { readonly name: string; readonly matcher?: LabelMatcher }[] };

export interface LogSelector {
  readonly matchers: readonly LabelMatcher[];
  readonly pipeline: readonly Stage[];
}

export interface Grouping {
  readonly mode: "by" | "without";
  readonly labels: readonly string[];
}

export type RangeFn = "count_over_time" | "rate" | "bytes_over_time" | "bytes_rate" | "sum_over_time" | "avg_over_time" | "min_over_time" | "max_over_time";
export type VectorFn = "sum" | "count" | "avg" | "min" | "max" | "topk" | "bottomk";
export type UnwrapConversion = "float" | "duration" | "duration_seconds" | "bytes";

export type MetricExpr =
  | {
      readonly kind: "range";
      readonly fn: RangeFn;
      readonly selector: LogSelector;
      readonly rangeMs: number;
      readonly unwrap?: { readonly label: string; readonly conversion: UnwrapConversion; readonly postFilters: readonly LabelFilter[] };
      readonly grouping?: Grouping;
    }
  | { readonly kind: "vector"; readonly fn: VectorFn; readonly param?: number; readonly grouping?: Grouping; readonly inner: MetricExpr };

export type LogqlExpr = ({ readonly kind: "log" } & LogSelector) | MetricExpr;

export interface ParsedLogql {
  /** Present when the query has neither errors nor unsupported constructs. */
  readonly expr?: LogqlExpr;
  /** Constructs the evaluator does not run, one description each. */
  readonly unsupported: string[];
  /** What makes the query invalid (Loki would answer 400). */
  readonly errors: string[];
}

const RANGE_FNS: Record<string, RangeFn> = {
  CountOverTime: "count_over_time",
  Rate: "rate",
  BytesOverTime: "bytes_over_time",
  BytesRate: "bytes_rate",
  SumOverTime: "sum_over_time",
  AvgOverTime: "avg_over_time",
  MinOverTime: "min_over_time",
  MaxOverTime: "max_over_time",
};
/** Range functions that read an unwrapped value, that count lines, that take by/without. */
const UNWRAP_FNS = new Set<RangeFn>(["sum_over_time", "avg_over_time", "min_over_time", "max_over_time", "rate"]);
const LINE_FNS = new Set<RangeFn>(["count_over_time", "rate", "bytes_over_time", "bytes_rate"]);
const GROUPING_FNS = new Set<RangeFn>(["avg_over_time", "min_over_time", "max_over_time"]);
const VECTOR_FNS: Record<string, VectorFn> = { Sum: "sum", Count: "count", Avg: "avg", Min: "min", Max: "max", Topk: "topk", Bottomk: "bottomk" };
const MATCH_OPS: Record<string, MatchOp> = { Eq: "=", Neq: "!=", Re: "=~", Nre: "!~" };
const COMPARE_OPS: Record<string, CompareOp> = { Gtr: ">", Gte: ">=", Lss: "<", Lte: "<=", Eq: "=", Eql: "==", Neq: "!=" };
const LINE_OPS: Record<string, "|=" | "!=" | "|~" | "!~"> = { PipeExact: "|=", Neq: "!=", PipeMatch: "|~", Nre: "!~" };

/** Items of a left-recursive list node (`Matchers`, `PipelineExpr`, `Labels`, …), in source order. */
function flatten(node: SyntaxNode, item: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of children(node)) {
    if (c.name === node.name) out.push(...flatten(c, item));
    else if (c.name === item) out.push(c);
  }
  return out;
}

class Builder extends AstBuilder {
  string(n: SyntaxNode): string {
    const v = goUnquote(this.text(n));
    if (v === undefined) {
      if (this.text(n).startsWith("'")) throw this.invalid(`single-quoted string ${this.text(n)}: LogQL strings take "…" or \`…\``);
      throw this.invalid(`string ${this.text(n)} is not a valid Go string literal`);
    }
    return v;
  }

  regex(pattern: string, anchored: boolean): RegExp {
    try {
      return compileRe2(pattern, { anchored, dotMatchesNewline: anchored });
    } catch (err) {
      if (err instanceof RegexUnsupportedError) throw this.notEvaluated(err.message);
      throw this.invalid((err as Error).message);
    }
  }

  // ---- expressions ----

  expr(n: SyntaxNode): LogqlExpr {
    const inner = n.getChild("LogExpr") ?? n.getChild("MetricExpr");
    if (!inner) throw this.invalid("empty query");
    if (inner.name === "LogExpr") return { kind: "log", ...this.logExpr(inner) };
    return this.metricExpr(inner);
  }

  logExpr(n: SyntaxNode): LogSelector {
    const nested = n.getChild("LogExpr");
    if (nested) return this.logExpr(nested);
    const selector = this.child(n, "Selector");
    const pipeline = n.getChild("PipelineExpr");
    return this.selector(selector, pipeline ? [pipeline] : []);
  }

  selector(n: SyntaxNode, pipelines: SyntaxNode[]): LogSelector {
    const matchers = this.attempt(() => flatten(this.child(n, "Matchers"), "Matcher").map((m) => this.matcher(m)));
    const stages = pipelines.flatMap((p) => flatten(p, "PipelineStage")).map((s) => this.attempt(() => this.stage(s)));
    if (!matchers || stages.some((s) => s === undefined)) throw new Abandon("selector");
    return { matchers, pipeline: (stages as Stage[][]).flat() };
  }

  matcher(n: SyntaxNode): LabelMatcher {
    const name = this.text(this.child(n, "Identifier"));
    const opNode = children(n).find((c) => MATCH_OPS[c.name]);
    if (!opNode) throw this.invalid(`matcher \`${this.text(n)}\` has no operator`);
    const op = MATCH_OPS[opNode.name] as MatchOp;
    const value = this.string(this.child(n, "String"));
    return op === "=~" || op === "!~" ? { name, op, value, re: this.regex(value, true) } : { name, op, value };
  }

  /** One pipeline stage; consecutive line filters (`|= "a" != "b"`) come as one node and give several. */
  stage(n: SyntaxNode): Stage[] {
    const body = children(n).find((c) => c.name !== "Pipe");
    if (!body) throw this.invalid(`empty pipeline stage \`${this.text(n)}\``);
    if (body.name === "LineFilters") return flatten(body, "LineFilter").map((f) => this.lineFilter(f));
    return [this.singleStage(n, body)];
  }

  singleStage(n: SyntaxNode, body: SyntaxNode): Stage {
    switch (body.name) {
      case "LabelParser": {
        const which = body.firstChild?.name;
        if (which === "Json") return { kind: "json" };
        if (which === "Logfmt") return { kind: "logfmt" };
        throw this.notEvaluated(`the \`| ${this.text(body).split(/\s/)[0]}\` parser`);
      }
      case "LogfmtParser":
        if (body.getChild("LogfmtParserFlags")) throw this.notEvaluated(`\`| logfmt\` flags (${this.text(this.child(body, "LogfmtParserFlags"))})`);
        return { kind: "logfmt" };
      case "JsonExpressionParser":
        throw this.notEvaluated("`| json` with extraction expressions (`| json a=\"x.y\"`)");
      case "LogfmtExpressionParser":
        throw this.notEvaluated("`| logfmt` with extraction expressions");
      case "LabelFilter":
        return { kind: "labelFilter", filter: this.labelFilter(body) };
      case "LineFormatExpr":
        return { kind: "lineFormat", template: this.template(this.string(this.child(body, "String"))) };
      case "DropLabelsExpr":
      case "KeepLabelsExpr": {
        const list = body.name === "DropLabelsExpr" ? ["DropLabels", "DropLabel"] : ["KeepLabels", "KeepLabel"];
        const labels = flatten(this.child(body, list[0] as string), list[1] as string).map((l) => {
          const m = l.getChild("Matcher");
          if (m) {
            const matcher = this.matcher(m);
            return { name: matcher.name, matcher };
          }
          return { name: this.text(this.child(l, "Identifier")) };
        });
        return { kind: body.name === "DropLabelsExpr" ? "drop" : "keep", labels };
      }
      case "LabelFormatExpr":
        throw this.notEvaluated("`| label_format`");
      case "DecolorizeExpr":
        throw this.notEvaluated("`| decolorize`");
      default:
        throw this.notEvaluated(`the pipeline stage \`${this.text(n)}\``);
    }
  }

  lineFilter(f: SyntaxNode): Stage {
    const opNode = this.child(f, "Filter").firstChild;
    const op = opNode ? LINE_OPS[opNode.name] : undefined;
    if (!op) throw this.notEvaluated(`the line filter \`${this.text(f)}\``);
    if (f.getChild("FilterOp")) throw this.notEvaluated(`the ip() line filter \`${this.text(f)}\``);
    const strings = [f.getChild("String"), ...f.getChildren("OrFilter").map((o) => this.child(o, "String"))].filter((s): s is SyntaxNode => s !== null);
    const needles = strings.map((s) => {
      const text = this.string(s);
      return op === "|~" || op === "!~" ? { text, re: this.regex(text, false) } : { text };
    });
    return { kind: "line", op, needles };
  }

  labelFilter(n: SyntaxNode): LabelFilter {
    const kids = children(n);
    const subs = kids.filter((c) => c.name === "LabelFilter");
    if (subs.length === 2) {
      const [l, r] = subs as [SyntaxNode, SyntaxNode];
      // The comma is an anonymous token, so it is read from the text between the operands.
      const joiner = this.src.slice(l.to, r.from).trim().toLowerCase();
      if (joiner !== "and" && joiner !== "or" && joiner !== ",") throw this.invalid(`label filters \`${this.text(n)}\` need and, or or a comma between them`);
      return { kind: joiner === "or" ? "or" : "and", left: this.labelFilter(l), right: this.labelFilter(r) };
    }
    if (subs.length === 1) return this.labelFilter(subs[0] as SyntaxNode); // ( … )
    const body = kids[0];
    if (!body) throw this.invalid("empty label filter");
    switch (body.name) {
      case "Matcher":
        return { kind: "match", matcher: this.matcher(body) };
      case "NumberFilter": {
        const { name, op } = this.comparison(body);
        const literal = this.text(this.child(body, "LiteralExpr")).replace(/\s+/g, "");
        const value = goParseFloat(literal);
        if (value === undefined) throw this.invalid(`unable to parse literal as a float: ${literal}`);
        return { kind: "number", name, op, value };
      }
      case "UnitFilter": {
        const inner = body.firstChild as SyntaxNode;
        const { name, op } = this.comparison(inner);
        if (inner.name === "DurationFilter") {
          const lit = this.text(this.child(inner, "Duration"));
          const seconds = logqlDurationLiteral(lit);
          if (seconds === undefined) throw this.invalid(`invalid duration ${lit}`);
          return { kind: "duration", name, op, value: seconds };
        }
        const lit = this.text(this.child(inner, "Bytes"));
        const bytes = humanizeParseBytes(lit);
        if (bytes === undefined) throw this.invalid(`invalid byte size ${lit}`);
        return { kind: "bytes", name, op, value: bytes };
      }
      case "IpLabelFilter":
        throw this.notEvaluated(`the ip() label filter \`${this.text(body)}\``);
      default:
        throw this.notEvaluated(`the label filter \`${this.text(n)}\``);
    }
  }

  comparison(n: SyntaxNode): { name: string; op: CompareOp } {
    const opNode = children(n).find((c) => COMPARE_OPS[c.name]);
    if (!opNode) throw this.invalid(`comparison \`${this.text(n)}\` has no operator`);
    return { name: this.text(this.child(n, "Identifier")), op: COMPARE_OPS[opNode.name] as CompareOp };
  }

  /** line_format's Go template, restricted to text, `{{.label}}` and `{{__line__}}`. */
  template(t: string): TemplatePart[] {
    const parts: TemplatePart[] = [];
    const re = /\{\{-?\s*(.*?)\s*-?\}\}/gs;
    let last = 0;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      if (m[0].startsWith("{{-") || m[0].endsWith("-}}")) throw this.notEvaluated("whitespace-trimming `{{- … -}}` in line_format");
      if (m.index > last) parts.push({ text: t.slice(last, m.index) });
      const action = m[1] as string;
      if (/^\.[A-Za-z_][A-Za-z0-9_]*$/.test(action)) parts.push({ label: action.slice(1) });
      else if (action === "__line__") parts.push({ line: true });
      else throw this.notEvaluated(`the line_format template action \`{{${action}}}\` (only {{.label}} and {{__line__}} are evaluated)`);
      last = m.index + m[0].length;
    }
    if (t.slice(last).includes("{{")) throw this.invalid(`unclosed action in line_format template ${JSON.stringify(t)}`);
    if (last < t.length) parts.push({ text: t.slice(last) });
    return parts;
  }

  metricExpr(n: SyntaxNode): MetricExpr {
    const body = n.firstChild;
    if (!body) throw this.invalid("empty metric expression");
    switch (body.name) {
      case "MetricExpr":
        return this.metricExpr(body); // ( … )
      case "RangeAggregationExpr":
        return this.rangeAggregation(body);
      case "VectorAggregationExpr":
        return this.vectorAggregation(body);
      case "BinOpExpr": {
        const op = children(body).find((c) => !["Expr", "BinOpModifier"].includes(c.name));
        // Operands are examined for their own constructs; a literal operand is part of the operator.
        for (const e of body.getChildren("Expr")) if (!e.getChild("MetricExpr")?.getChild("LiteralExpr")) this.attempt(() => this.expr(e));
        throw this.notEvaluated(`the binary operator \`${op ? this.text(op) : "?"}\` between expressions`);
      }
      case "LiteralExpr":
        throw this.notEvaluated("a literal number as a query");
      case "VectorExpr":
        throw this.notEvaluated("`vector()`");
      case "LabelReplaceExpr":
        throw this.notEvaluated("`label_replace()`");
      default:
        throw this.notEvaluated(`the expression \`${this.text(body)}\``);
    }
  }

  rangeAggregation(n: SyntaxNode): MetricExpr {
    const opNode = this.child(n, "RangeOp").firstChild as SyntaxNode;
    const fn = RANGE_FNS[opNode.name];
    const grouping = n.getChild("Grouping");
    const parsedGrouping = grouping ? this.attempt(() => this.grouping(grouping)) : undefined;
    const parts = this.attempt(() => this.logRange(this.child(n, "LogRangeExpr")));
    if (!fn) throw this.notEvaluated(`the range aggregation \`${this.text(opNode)}\``);
    if (n.getChild("Number")) throw this.invalid(`${fn} takes no parameter`);
    if (!parts || (grouping && !parsedGrouping)) throw new Abandon("range");
    // RangeAggregationExpr.validate in Loki's pkg/logql/syntax/ast.go, for the functions evaluated here.
    if (grouping && !GROUPING_FNS.has(fn)) throw this.invalid(`grouping not allowed for ${fn} aggregation`);
    if (parts.unwrap && !UNWRAP_FNS.has(fn)) throw this.invalid(`invalid aggregation ${fn} with unwrap`);
    if (!parts.unwrap && !LINE_FNS.has(fn)) throw this.invalid(`invalid aggregation ${fn} without unwrap`);
    return {
      kind: "range",
      fn,
      selector: parts.selector,
      rangeMs: parts.rangeMs,
      ...(parts.unwrap ? { unwrap: parts.unwrap } : {}),
      ...(parsedGrouping ? { grouping: parsedGrouping } : {}),
    };
  }

  logRange(n: SyntaxNode): { selector: LogSelector; rangeMs: number; unwrap?: { label: string; conversion: UnwrapConversion; postFilters: LabelFilter[] } } {
    const nested = n.getChild("LogRangeExpr");
    if (nested) return this.logRange(nested);
    if (n.getChild("OffsetExpr") || n.getChild("Offset")) throw this.notEvaluated("the `offset` modifier");
    const range = this.text(this.child(this.child(n, "Range"), "Duration"));
    const rangeMs = promParseDuration(range);
    if (rangeMs === undefined || rangeMs <= 0) throw this.invalid(`invalid range [${range}]`);
    const selector = this.selector(this.child(n, "Selector"), n.getChildren("PipelineExpr"));
    const unwrapNode = n.getChild("UnwrapExpr");
    return unwrapNode ? { selector, rangeMs, unwrap: this.unwrap(unwrapNode) } : { selector, rangeMs };
  }

  unwrap(n: SyntaxNode): { label: string; conversion: UnwrapConversion; postFilters: LabelFilter[] } {
    const nested = n.getChild("UnwrapExpr");
    if (nested) {
      const inner = this.unwrap(nested);
      return { ...inner, postFilters: [...inner.postFilters, this.labelFilter(this.child(n, "LabelFilter"))] };
    }
    const conv = n.getChild("ConvOp")?.firstChild?.name;
    const conversions: Record<string, UnwrapConversion> = { BytesConv: "bytes", DurationConv: "duration", DurationSecondsConv: "duration_seconds" };
    return { label: this.text(this.child(n, "Identifier")), conversion: conv ? (conversions[conv] ?? "float") : "float", postFilters: [] };
  }

  grouping(n: SyntaxNode): Grouping {
    const mode = n.getChild("Without") ? "without" : "by";
    const list = n.getChild("Labels");
    return { mode, labels: list ? flatten(list, "Identifier").map((l) => this.text(l)) : [] };
  }

  vectorAggregation(n: SyntaxNode): MetricExpr {
    const opNode = this.child(n, "VectorOp").firstChild as SyntaxNode;
    const fn = VECTOR_FNS[opNode.name];
    const groupings = n.getChildren("Grouping");
    const grouping = groupings[0] ? this.attempt(() => this.grouping(groupings[0] as SyntaxNode)) : undefined;
    const inner = this.attempt(() => this.metricExpr(this.child(n, "MetricExpr")));
    if (!fn) throw this.notEvaluated(`the vector aggregation \`${this.text(opNode)}\``);
    const paramNode = n.getChild("Number");
    const param = paramNode ? Number(this.text(paramNode)) : undefined;
    if ((fn === "topk" || fn === "bottomk") && (param === undefined || !Number.isInteger(param) || param < 1)) {
      throw this.invalid(`${fn} needs a positive integer parameter, got ${paramNode ? this.text(paramNode) : "none"}`);
    }
    if (fn !== "topk" && fn !== "bottomk" && paramNode) throw this.invalid(`${fn} takes no parameter`);
    if (!inner) throw new Abandon("vector");
    return { kind: "vector", fn, inner, ...(param !== undefined ? { param } : {}), ...(grouping ? { grouping } : {}) };
  }
}

/** Parses a LogQL query (Grafana variables already interpolated). Never throws. */
export function parseLogql(query: string): ParsedLogql {
  const b = new Builder(query);
  const tree = parser.parse(query);
  b.syntaxErrors(tree);
  const top = tree.topNode.getChild("Expr");
  if (!top) return { unsupported: b.unsupported, errors: b.errors.length ? b.errors : ["empty query"] };
  const expr = b.build(() => b.expr(top));
  return expr ? { expr, unsupported: [], errors: [] } : { unsupported: b.unsupported, errors: b.errors };
}
