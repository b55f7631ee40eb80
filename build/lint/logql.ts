// LogQL lint: the official grammar parses the query; stream selectors may only use the
// labels Loki indexes, label filters only structured metadata some event declares, and every
// construct must be one the evaluator of captured logs runs.
import { parser } from "@grafana/lezer-logql";
import type { SyntaxNode } from "@lezer/common";
import { CLIENT_SERVICE, LOG_STREAM_LABELS, SERVER_SERVICE } from "../../catalog/index.ts";
import { unsupportedLogql } from "../../queries/evaluate/index.ts";
import { logFieldsOf } from "../../queries/logql.ts";
import { interpolate } from "../template-vars.ts";

const SERVICES = [CLIENT_SERVICE, SERVER_SERVICE];
/** Pipeline stages that create labels from the line: after them any name may be filtered. */
const PARSER_STAGES = new Set(["JsonExpressionParser", "LogfmtParser", "LogfmtExpressionParser", "LabelParser", "Unpack", "Json", "Logfmt", "Regexp", "Pattern"]);

const unquote = (s: string) => s.slice(1, -1);

/** Nodes named `name` anywhere under `node` (the grammar nests lists recursively). */
function descendants(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const cursor = node.cursor();
  const end = node.to;
  if (!cursor.firstChild()) return out;
  do {
    if (cursor.from >= end) break;
    if (cursor.name === name) out.push(cursor.node);
  } while (cursor.next() && cursor.from < end);
  return out;
}

export function lintLogql(rawExpr: string): string[] {
  const expr = interpolate(rawExpr);
  const errors: string[] = [];
  const tree = parser.parse(expr);
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const services = new Set<string>();
  let hasParser = false;
  let syntaxReported = false;

  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError && !syntaxReported) {
        syntaxReported = true;
        errors.push(`syntax error at offset ${ref.from}: …${expr.slice(Math.max(0, ref.from - 20), ref.from + 20)}…`);
      }
      if (PARSER_STAGES.has(ref.name)) hasParser = true;
      if (ref.name !== "Selector") return;
      for (const m of descendants(ref.node, "Matcher")) {
        const label = text(m.getChild("Identifier") as SyntaxNode);
        const value = unquote(text(m.getChild("String") as SyntaxNode));
        if (!(LOG_STREAM_LABELS as readonly string[]).includes(label)) {
          errors.push(`stream selector label ${label} is not indexed (stream labels: ${LOG_STREAM_LABELS.join(", ")}); filter it after a | instead`);
        }
        if (label === "service_name") {
          if (SERVICES.includes(value)) services.add(value);
          else if (!rawExpr.includes("$")) errors.push(`unknown service_name "${value}" (known: ${SERVICES.join(", ")})`);
          else SERVICES.forEach((s) => services.add(s));
        }
      }
    },
  });
  if (services.size === 0) errors.push("no service_name in the stream selector");
  // Loki does not run here: every query is evaluated on the captured logs (queries/evaluate),
  // so content may only use what that evaluator runs.
  for (const u of unsupportedLogql(expr)) errors.push(`not evaluated on the captured logs (queries/evaluate): ${u}`);
  if (hasParser) return errors;

  const fields = new Set<string>(LOG_STREAM_LABELS);
  for (const s of services) for (const f of logFieldsOf(s)) fields.add(f);
  tree.iterate({
    enter: (ref) => {
      if (ref.name === "LabelFilter") {
        for (const id of descendants(ref.node, "Identifier")) {
          const f = text(id);
          if (!fields.has(f)) errors.push(`label filter on ${f}: no log event of ${[...services].join(", ")} has that field`);
        }
      }
      if (ref.name === "Grouping") {
        for (const id of descendants(ref.node, "Identifier")) {
          const f = text(id);
          if (!fields.has(f)) errors.push(`grouping by ${f}: no log event of ${[...services].join(", ")} has that field`);
        }
      }
    },
  });
  return errors;
}
