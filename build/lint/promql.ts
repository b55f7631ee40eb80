// PromQL lint: the official grammar parses the expression, then every metric, matcher and
// grouping label it names must exist in the catalog (or be a recording rule).
import { parser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";
import { metricByPrometheusName, RESOURCE_LABELS, type MetricDecl } from "../../catalog/index.ts";
import { interpolate } from "../template-vars.ts";

export interface PromqlContext {
  /** Recording rules by name; their output labels are not checked. */
  readonly recordingRules: ReadonlySet<string>;
}

const unquote = (s: string) => (s.startsWith('"') || s.startsWith("'") || s.startsWith("`") ? s.slice(1, -1) : s);
const hasTemplate = (s: string) => s.includes("$");

export function lintPromql(rawExpr: string, ctx: PromqlContext): string[] {
  const expr = interpolate(rawExpr);
  const errors: string[] = [];
  const tree = parser.parse(expr);
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const metricsUsed: MetricDecl[] = [];
  let syntaxReported = false;

  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError && !syntaxReported) {
        syntaxReported = true;
        errors.push(`syntax error at offset ${ref.from}: …${expr.slice(Math.max(0, ref.from - 20), ref.from + 20)}…`);
      }
      if (ref.name !== "VectorSelector") return;
      const node = ref.node;
      const id = node.getChild("Identifier");
      const name = id ? text(id) : undefined;
      const decl = name !== undefined ? metricByPrometheusName(name) : undefined;
      if (name !== undefined && decl === undefined && !ctx.recordingRules.has(name)) {
        errors.push(`unknown metric ${name}: not in the catalog nor a recording rule`);
      }
      if (decl) metricsUsed.push(decl);
      const matchers = node.getChild("LabelMatchers");
      for (const m of matchers?.getChildren("UnquotedLabelMatcher") ?? []) {
        const labelNode = m.getChild("LabelName");
        const label = labelNode ? text(labelNode) : "";
        const op = text(m.getChild("MatchOp") as SyntaxNode);
        const valueNode = m.getChild("StringLiteral");
        const value = valueNode ? unquote(text(valueNode)) : "";
        if (name === undefined && label === "__name__") continue;
        if (!decl) continue; // recording rule or unknown metric: reported above
        const declared = decl.labels.find((l) => l.name === label);
        const allowed = declared !== undefined || (RESOURCE_LABELS as readonly string[]).includes(label) || (label === "le" && name?.endsWith("_bucket"));
        if (!allowed) errors.push(`metric ${name} has no label ${label} (declared: ${decl.labels.map((l) => l.name).join(", ") || "none"})`);
        if (declared?.kind === "enum" && (op === "=" || op === "!=") && !hasTemplate(rawExprValue(rawExpr, value)) && !declared.values.includes(value)) {
          errors.push(`metric ${name}: ${label}="${value}" is not a declared value (${declared.values.join(", ")})`);
        }
      }
    },
  });

  const labelsInUse = new Set<string>([...RESOURCE_LABELS, "le"]);
  for (const m of metricsUsed) for (const l of m.labels) labelsInUse.add(l.name);
  const anyRecording = [...ctx.recordingRules].some((r) => expr.includes(r));
  tree.iterate({
    enter: (ref) => {
      if (ref.name !== "GroupingLabels") return;
      for (const l of ref.node.getChildren("LabelName")) {
        const label = text(l);
        if (!labelsInUse.has(label) && !anyRecording) errors.push(`grouping label ${label} is on none of the metrics in the expression`);
      }
    },
  });
  return errors;
}

/** Interpolation replaced template values with ".*"; enum checks must skip those matchers. */
function rawExprValue(rawExpr: string, value: string): string {
  return value === ".*" && rawExpr.includes("$") ? "$" : value;
}
