// TraceQL lint: the official grammar parses the query; span names must match a declared
// span family, services must exist, span attributes must be declared on some family, and every
// construct must be one the evaluator of captured traces runs.
import { parser } from "@grafana/lezer-traceql";
import type { SyntaxNode } from "@lezer/common";
import { ALL_SPAN_FAMILIES, CLIENT_SERVICE, SERVER_SERVICE } from "../../catalog/index.ts";
import { unsupportedTraceql } from "../../queries/evaluate/index.ts";
import { interpolate } from "../template-vars.ts";

const ALL_NAMES = ALL_SPAN_FAMILIES.flatMap((f) => f.names);
const ALL_ATTRIBUTES = new Set(ALL_SPAN_FAMILIES.flatMap((f) => f.attributes.map((a) => a.key)));
const SERVICES = [CLIENT_SERVICE, SERVER_SERVICE];

export function lintTraceql(rawExpr: string): string[] {
  const expr = interpolate(rawExpr);
  const errors: string[] = [];
  const tree = parser.parse(expr);
  const text = (n: SyntaxNode | null) => (n ? expr.slice(n.from, n.to) : "");
  let syntaxReported = false;

  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError && !syntaxReported) {
        syntaxReported = true;
        errors.push(`syntax error at offset ${ref.from}: …${expr.slice(Math.max(0, ref.from - 20), ref.from + 20)}…`);
      }
      if (ref.name !== "FieldExpression") return;
      const kids = ref.node.getChildren("FieldExpression");
      const op = ref.node.getChild("FieldOp");
      if (kids.length !== 2 || !op) return;
      const [lhs, rhs] = kids as [SyntaxNode, SyntaxNode];
      const field = text(lhs);
      const str = rhs.getChild("Static")?.getChild("String");
      const value = str ? text(str).slice(1, -1) : undefined;
      const o = text(op);
      if (field === "name" && value !== undefined && !rawExpr.includes("$")) {
        const matches = o === "=~" ? ALL_NAMES.some((n) => new RegExp(`^(?:${value})$`).test(n)) : o === "=" ? ALL_NAMES.includes(value) : true;
        if (!matches) errors.push(`span name ${o} "${value}" matches no declared span family`);
      } else if (field === "resource.service.name" && value !== undefined && o === "=" && !SERVICES.includes(value)) {
        errors.push(`unknown service "${value}" (known: ${SERVICES.join(", ")})`);
      } else if (field.startsWith("span.")) {
        const key = field.slice("span.".length);
        if (!ALL_ATTRIBUTES.has(key)) errors.push(`span attribute ${key} is declared on no span family`);
      }
    },
  });
  // Tempo does not run here: every query is evaluated on the captured traces (queries/evaluate),
  // so content may only use what that evaluator runs.
  for (const u of unsupportedTraceql(expr)) errors.push(`not evaluated on the captured traces (queries/evaluate): ${u}`);
  return errors;
}
