// TraceQL parsed with the official grammar (@grafana/lezer-traceql) into the AST the evaluator
// runs; constructs it does not run are named in `unsupported`, invalid input in `errors`.
// The grammar gives unary `!`/`-` the lowest precedence (`-3.5 && x` parses as `-(3.5 && x)`),
// while Tempo binds them tightest and comparisons before `&&` before `||` (pkg/traceql/expr.y).
// So a field expression's tokens are read off the tree in order and re-associated with Tempo's
// precedence; parenthesised groups stay groups.
import { parser } from "@grafana/lezer-traceql";
import type { SyntaxNode } from "@lezer/common";
import { Abandon, AstBuilder, children } from "./ast-builder.ts";
import { goUnquote } from "./go-syntax.ts";
import { compileRe2, RegexUnsupportedError } from "./re2.ts";
import { INTRINSICS, NIL, type AttributeScope, type SpanKind, type SpanStatus, type TraceqlValue } from "./tempo-otlp-model.ts";

export type ComparisonOp = "=" | "!=" | "=~" | "!~" | ">" | ">=" | "<" | "<=";

export type FieldExpr =
  | { readonly kind: "static"; readonly value: TraceqlValue }
  | { readonly kind: "attribute"; readonly scope: AttributeScope; readonly key: string }
  | { readonly kind: "intrinsic"; readonly name: string }
  | { readonly kind: "compare"; readonly op: ComparisonOp; readonly left: FieldExpr; readonly right: FieldExpr; readonly re?: RegExp }
  | { readonly kind: "logic"; readonly op: "&&" | "||"; readonly left: FieldExpr; readonly right: FieldExpr }
  | { readonly kind: "not" | "negate"; readonly operand: FieldExpr };

export type Aggregate = "count" | "avg" | "min" | "max" | "sum";

export type SpansetExpr =
  | { readonly kind: "filter"; readonly expr?: FieldExpr }
  | { readonly kind: "and" | "or"; readonly left: SpansetExpr; readonly right: SpansetExpr }
  | { readonly kind: "pipe"; readonly input: SpansetExpr; readonly stage: SpansetExpr }
  | { readonly kind: "scalar"; readonly aggregate: Aggregate; readonly field?: FieldExpr; readonly op: ComparisonOp; readonly value: TraceqlValue };

export interface ParsedTraceql {
  readonly expr?: SpansetExpr;
  readonly unsupported: string[];
  readonly errors: string[];
}

const KINDS: readonly SpanKind[] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const STATUSES: readonly SpanStatus[] = ["error", "ok", "unset"];
const COMPARISONS: readonly string[] = ["=", "!=", "=~", "!~", ">", ">=", "<", "<="];
const ARITHMETIC: readonly string[] = ["+", "-", "*", "/", "%", "^"];
/** Binding power of binary operators (Tempo's expr.y, loosest first). */
const PRECEDENCE: Readonly<Record<string, number>> = {
  "||": 1,
  "&&": 2,
  ...Object.fromEntries(COMPARISONS.map((op) => [op, 3])),
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
  "^": 6,
};
const DURATION_NS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };


/** A field expression as a token list: operands, binary operators, unary prefixes. */
type Token = { readonly operand: FieldExpr } | { readonly binary: string } | { readonly prefix: "!" | "-" };

/** A TraceQL duration literal, in nanoseconds. */
export function traceqlDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(text);
  return m ? Number(m[1]) * (DURATION_NS[m[2] as string] as number) : undefined;
}

class Builder extends AstBuilder {
  /** Operands that could not be built (already reported), so the expression is abandoned. */
  private failedOperands = 0;

  // ---- spansets ----

  pipelineExpression(n: SyntaxNode): SpansetExpr {
    const subs = n.getChildren("SpansetPipelineExpression");
    if (subs.length === 2) {
      const [l, r] = subs as [SyntaxNode, SyntaxNode];
      const opText = this.src.slice(l.to, r.from).trim();
      const left = this.attempt(() => this.pipelineExpression(l));
      const right = this.attempt(() => this.pipelineExpression(r));
      const combined = this.combine(opText);
      if (!left || !right) throw new Abandon("operand");
      return combined(left, right);
    }
    if (subs.length === 1) return this.pipelineExpression(subs[0] as SyntaxNode); // ( … )
    const wrapped = n.getChild("WrappedSpansetPipeline");
    const pipeline = wrapped ? wrapped.getChild("SpansetPipeline") : n.getChild("SpansetPipeline");
    if (!pipeline) throw this.invalid(`expected a spanset in \`${this.text(n)}\``);
    return this.spansetPipeline(pipeline);
  }

  /** The spanset operator between two operands, or an unsupported/invalid report. */
  combine(op: string): (l: SpansetExpr, r: SpansetExpr) => SpansetExpr {
    if (op === "&&") return (left, right) => ({ kind: "and", left, right });
    if (op === "||") return (left, right) => ({ kind: "or", left, right });
    if (op === "|") return (input, stage) => ({ kind: "pipe", input, stage });
    if ([">>", "<<", ">", "<", "~"].includes(op)) throw this.notEvaluated(`the structural operator \`${op}\``);
    if (op.startsWith("!") || op.startsWith("&")) throw this.notEvaluated(`the structural operator \`${op}\``);
    throw this.invalid(`unknown spanset operator \`${op}\``);
  }

  spansetPipeline(n: SyntaxNode): SpansetExpr {
    const body = n.firstChild;
    if (!body) throw this.invalid("empty spanset pipeline");
    switch (body.name) {
      case "SpansetFilter":
        return this.spansetFilter(body);
      case "SpansetExpression":
        return this.spansetExpression(body);
      case "ScalarFilter":
        return this.scalarFilter(body);
      case "GroupOperation":
        throw this.notEvaluated("`by()` grouping");
      case "SelectOperation":
        throw this.notEvaluated("`select()`");
      case "CoalesceOperation":
        throw this.notEvaluated("`coalesce()`");
      case "MetricsOperation":
      case "MetricsAggregatorFunctions":
        throw this.notEvaluated(`the metrics function \`${this.text(body)}\` (TraceQL metrics queries)`);
      default:
        throw this.notEvaluated(`\`${this.text(body)}\``);
    }
  }

  spansetExpression(n: SyntaxNode): SpansetExpr {
    const filters = children(n).filter((c) => c.name === "SpansetExpression" || c.name === "SpansetFilter");
    const build = (c: SyntaxNode) => this.attempt(() => (c.name === "SpansetFilter" ? this.spansetFilter(c) : this.spansetExpression(c)));
    if (filters.length === 0) throw this.invalid(`expected a spanset in \`${this.text(n)}\``);
    if (filters.length === 1) {
      const only = build(filters[0] as SyntaxNode);
      if (!only) throw new Abandon("operand");
      return only;
    }
    const [l, r] = filters as [SyntaxNode, SyntaxNode];
    const left = build(l);
    const right = build(r);
    const combined = this.combine(this.src.slice(l.to, r.from).trim());
    if (!left || !right) throw new Abandon("operand");
    return combined(left, right);
  }

  spansetFilter(n: SyntaxNode): SpansetExpr {
    const fe = n.getChild("FieldExpression");
    if (!fe) return { kind: "filter" };
    const expr = this.fieldExpression(fe);
    if (expr.kind === "static" && expr.value.type !== "boolean") throw this.invalid(`filter \`${this.text(n)}\` does not evaluate to a boolean`);
    return { kind: "filter", expr };
  }

  scalarFilter(n: SyntaxNode): SpansetExpr {
    const [lhs, rhs] = n.getChildren("ScalarExpression") as [SyntaxNode?, SyntaxNode?];
    const opNode = n.getChild("ComparisonOp");
    if (!lhs || !rhs || !opNode) throw this.invalid(`malformed scalar filter \`${this.text(n)}\``);
    const agg = lhs.getChild("Aggregate");
    if (!agg) throw this.notEvaluated(`the scalar expression \`${this.text(lhs)}\` (only count(), avg(), min(), max(), sum() compared with a number)`);
    const value = this.scalarLiteral(rhs);
    const op = this.text(opNode) as ComparisonOp;
    if (op === "=~" || op === "!~") throw this.invalid(`\`${op}\` cannot compare aggregates`);
    const fnNode = agg.getChild("AggregateExpression");
    if (!fnNode) return { kind: "scalar", aggregate: "count", op, value };
    const field = this.fieldExpression(this.child(agg, "FieldExpression"));
    return { kind: "scalar", aggregate: this.text(fnNode) as Aggregate, field, op, value };
  }

  scalarLiteral(n: SyntaxNode): TraceqlValue {
    const t = this.text(n).replace(/\s+/g, "");
    const sign = t.startsWith("-") ? -1 : 1;
    const body = t.replace(/^-/, "");
    if (/^\d+(\.\d+)?$/.test(body)) return { type: "number", value: sign * Number(body) };
    const ns = traceqlDuration(body);
    if (ns !== undefined) return { type: "duration", ns: sign * ns };
    throw this.notEvaluated(`the scalar expression \`${this.text(n)}\` (only a number or a duration)`);
  }

  // ---- field expressions ----

  fieldExpression(n: SyntaxNode): FieldExpr {
    const failedBefore = this.failedOperands;
    const tokens = this.tokens(n);
    // Every operand was examined, so all unsupported constructs are reported; now give up.
    if (this.failedOperands > failedBefore) throw new Abandon("operand");
    let pos = 0;
    const operand = (): FieldExpr => {
      const t = tokens[pos++];
      if (!t) throw this.invalid(`incomplete expression \`${this.text(n)}\``);
      if ("prefix" in t) {
        const inner = operand();
        if (t.prefix === "-" && inner.kind === "static" && (inner.value.type === "number" || inner.value.type === "duration")) {
          return { kind: "static", value: inner.value.type === "number" ? { type: "number", value: -inner.value.value } : { type: "duration", ns: -inner.value.ns } };
        }
        return { kind: t.prefix === "!" ? "not" : "negate", operand: inner };
      }
      if ("operand" in t) return t.operand;
      throw this.invalid(`operator \`${t.binary}\` without a left operand in \`${this.text(n)}\``);
    };
    const climb = (minPrec: number): FieldExpr => {
      let left = operand();
      for (;;) {
        const t = tokens[pos];
        if (!t || !("binary" in t)) break;
        const prec = PRECEDENCE[t.binary];
        if (prec === undefined) throw this.notEvaluated(`the operator \`${t.binary}\` in a field expression`);
        if (prec < minPrec) break;
        pos++;
        const right = climb(t.binary === "^" ? prec : prec + 1);
        left = this.binary(t.binary, left, right);
      }
      return left;
    };
    const expr = climb(1);
    if (pos !== tokens.length) throw this.invalid(`cannot read \`${this.text(n)}\``);
    return expr;
  }

  /** The in-order tokens of a FieldExpression tree; a parenthesised group becomes one operand. */
  tokens(n: SyntaxNode): Token[] {
    const kids = children(n);
    const subs = kids.filter((c) => c.name === "FieldExpression");
    const leaf = kids.find((c) => c.name === "Static" || c.name === "IntrinsicField" || c.name === "AttributeField");
    if (leaf) {
      const operand = this.attempt(() => this.primary(leaf));
      if (!operand) this.failedOperands++;
      return [{ operand: operand ?? { kind: "static", value: NIL } }];
    }
    const text = this.text(n).trimStart();
    if (subs.length === 1) {
      const inner = subs[0] as SyntaxNode;
      if (text.startsWith("(")) {
        const group = this.attempt(() => this.fieldExpression(inner));
        if (!group) this.failedOperands++;
        return [{ operand: group ?? { kind: "static", value: NIL } }];
      }
      if (text.startsWith("!") || text.startsWith("-")) return [{ prefix: text[0] as "!" | "-" }, ...this.tokens(inner)];
    }
    if (subs.length === 2) {
      const op = kids.find((c) => c.name === "FieldOp" || c.name === "And" || c.name === "Or");
      const [l, r] = subs as [SyntaxNode, SyntaxNode];
      const opText = op ? this.text(op) : this.src.slice(l.to, r.from).trim();
      return [...this.tokens(l), { binary: opText }, ...this.tokens(r)];
    }
    throw this.invalid(`cannot read the field expression \`${this.text(n)}\``);
  }

  binary(op: string, left: FieldExpr, right: FieldExpr): FieldExpr {
    if (op === "&&" || op === "||") return { kind: "logic", op, left, right };
    if (ARITHMETIC.includes(op)) throw this.notEvaluated(`arithmetic (\`${op}\`) in field expressions`);
    if (!COMPARISONS.includes(op)) throw this.notEvaluated(`the operator \`${op}\``);
    const cmp = op as ComparisonOp;
    const lt = staticType(left);
    const rt = staticType(right);
    if (lt && rt && !matchingOperands(lt, rt)) throw this.invalid(`\`${op}\` compares a ${lt} with a ${rt}: binary operations must operate on the same type`);
    if (cmp === "=~" || cmp === "!~") {
      if (right.kind !== "static" || right.value.type !== "string") throw this.notEvaluated(`\`${op}\` against anything but a string literal`);
      if (lt && lt !== "string") throw this.invalid(`\`${op}\` needs a string on its left, not a ${lt}`);
      try {
        return { kind: "compare", op: cmp, left, right, re: compileRe2(right.value.value, { anchored: true, dotMatchesNewline: true }) };
      } catch (err) {
        if (err instanceof RegexUnsupportedError) throw this.notEvaluated(err.message);
        throw this.invalid((err as Error).message);
      }
    }
    return { kind: "compare", op: cmp, left, right };
  }

  primary(n: SyntaxNode): FieldExpr {
    switch (n.name) {
      case "Static":
        return { kind: "static", value: this.staticValue(n) };
      case "IntrinsicField": {
        const name = this.text(n);
        if (!INTRINSICS[name]) throw this.notEvaluated(`the intrinsic \`${name}\``);
        return { kind: "intrinsic", name };
      }
      default: {
        const scopeNode = n.firstChild && n.firstChild.name !== "Identifier" ? n.firstChild : null;
        const key = unquoteAttribute(this.text(this.child(n, "Identifier")));
        if (!scopeNode) return { kind: "attribute", scope: "unscoped", key };
        if (scopeNode.name === "Span") return { kind: "attribute", scope: "span", key };
        if (scopeNode.name === "Resource") return { kind: "attribute", scope: "resource", key };
        throw this.notEvaluated(`the \`${this.text(scopeNode)}.\` attribute scope`);
      }
    }
  }

  staticValue(n: SyntaxNode): TraceqlValue {
    const kid = n.firstChild;
    const text = this.text(n);
    switch (kid?.name) {
      case "String": {
        const v = goUnquote(text);
        if (v === undefined) throw this.invalid(`string ${text} is not a valid Go string literal`);
        return { type: "string", value: v };
      }
      case "Integer":
      case "Float":
        return { type: "number", value: Number(text) };
      case "Duration": {
        const ns = traceqlDuration(text);
        if (ns === undefined) throw this.invalid(`invalid duration ${text}`);
        return { type: "duration", ns };
      }
      case "TemplateVariable":
        throw this.notEvaluated(`the template variable ${text} (interpolate it first)`);
    }
    if (text === "true" || text === "false") return { type: "boolean", value: text === "true" };
    if (text === "nil") return NIL;
    if ((STATUSES as readonly string[]).includes(text)) return { type: "status", value: text as SpanStatus };
    if ((KINDS as readonly string[]).includes(text)) return { type: "kind", value: text as SpanKind };
    throw this.notEvaluated(`the value \`${text}\``);
  }
}

/** `span."a b".c` style identifiers: quoted parts lose their quotes (only \" and \\ escape). */
function unquoteAttribute(id: string): string {
  return id.replace(/"((?:[^"\\]|\\.)*)"/g, (_m, inner: string) => inner.replace(/\\(["\\])/g, "$1"));
}

/** The type known before evaluation: literals and intrinsics; attributes are only known per span. */
function staticType(e: FieldExpr): TraceqlValue["type"] | undefined {
  if (e.kind === "static") return e.value.type;
  if (e.kind === "intrinsic") return INTRINSICS[e.name]?.type;
  if (e.kind === "compare" || e.kind === "logic" || e.kind === "not") return "boolean";
  return undefined;
}

/** Tempo's isMatchingOperand: same type, both numeric (numbers and durations), or nil. */
function matchingOperands(a: string, b: string): boolean {
  const numeric = (t: string) => t === "number" || t === "duration";
  return a === b || (numeric(a) && numeric(b)) || a === "nil" || b === "nil";
}

/** Parses a TraceQL query (Grafana variables already interpolated). Never throws. */
export function parseTraceql(query: string): ParsedTraceql {
  const b = new Builder(query);
  const tree = parser.parse(query);
  b.syntaxErrors(tree);
  if (tree.topNode.getChild("WithHint")) b.notEvaluated("query hints (`with (...)`)");
  const top = tree.topNode.getChild("SpansetPipelineExpression");
  if (!top) return { unsupported: b.unsupported, errors: b.errors.length ? b.errors : ["empty query"] };
  const expr = b.build(() => b.pipelineExpression(top));
  return expr ? { expr, unsupported: [], errors: [] } : { unsupported: b.unsupported, errors: b.errors };
}
