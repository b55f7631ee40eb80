// Build-time checks on the declarations, naming the group and rule at fault. The build
// calls assertValidRuleGroups() before writing anything; the tests call ruleGroupErrors().
import { isQuietCase } from "./define.ts";
import { SEVERITIES } from "./labels.ts";
import { resolvePanel } from "./panel-links.ts";
import type { RuleGroup } from "./types.ts";

const PASCAL_CASE = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/;
/** level:metric:operation, each part a Prometheus name fragment (recording rule convention). */
const RECORDING_NAME = /^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*:[a-z0-9_]+$/;
const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

export function ruleGroupErrors(groups: readonly RuleGroup[]): string[] {
  const errors: string[] = [];
  const seenAlerts = new Map<string, string>();
  const seenGroups = new Set<string>();
  for (const g of groups) {
    const at = `alerts/groups/${g.name}.ts`;
    if (!KEBAB.test(g.name)) errors.push(`${at}: group name "${g.name}" is not kebab-case`);
    if (seenGroups.has(g.name)) errors.push(`${at}: group name "${g.name}" is used twice`);
    seenGroups.add(g.name);
    if (!DURATION.test(g.interval)) errors.push(`${at}: interval "${g.interval}" is not a duration`);
    for (const a of g.alerts) {
      if (!PASCAL_CASE.test(a.name)) errors.push(`${at}: alert "${a.name}" is not PascalCase <Component><Symptom>`);
      const other = seenAlerts.get(a.name);
      if (other !== undefined) errors.push(`${at}: alert ${a.name} is also declared in ${other}`);
      seenAlerts.set(a.name, at);
      if (!(SEVERITIES as readonly string[]).includes(a.severity)) errors.push(`${at}: alert ${a.name} has severity "${a.severity}"`);
      if (!DURATION.test(a.for)) errors.push(`${at}: alert ${a.name} has no valid \`for\` ("${a.for}")`);
      if (a.summary.trim() === "" || a.summary.includes("{{")) errors.push(`${at}: alert ${a.name} needs a short, untemplated summary`);
      const description = a.description("$value");
      if (!description.includes("{{") && a.condition.kind !== "absent") errors.push(`${at}: alert ${a.name} has an untemplated description`);
      if (a.condition.kind === "threshold" && !(a.condition.thresholdName in g.thresholds)) {
        errors.push(`${at}: alert ${a.name} uses threshold ${a.condition.thresholdName}, which THRESHOLDS does not declare`);
      }
      for (const name of Object.keys(a.alsoUses ?? {})) {
        if (!(name in g.thresholds)) errors.push(`${at}: alert ${a.name} uses threshold ${name}, which THRESHOLDS does not declare`);
      }
      const panel = resolvePanel(a.panel);
      if ("problem" in panel) errors.push(`${at}: alert ${a.name} links no panel: ${panel.problem}`);
      const cases = g.alertCases.filter((c) => c.alert === a.name);
      if (!cases.some((c) => c.fires.length > 0)) errors.push(`${at}: alert ${a.name} has no promtool case where it fires`);
      if (!cases.some((c) => c.fires.length === 0)) errors.push(`${at}: alert ${a.name} has no promtool case where it must stay quiet`);
    }
    for (const c of g.alertCases) {
      if (!g.alerts.some((a) => a.name === c.alert)) errors.push(`${at}: a promtool case names ${c.alert}, which the group does not declare`);
      if (isQuietCase(c) && c.why.trim() === "") errors.push(`${at}: a quiet case of ${c.alert} does not say why`);
    }
    for (const r of g.recordings) {
      if (!RECORDING_NAME.test(r.record)) errors.push(`${at}: recording rule "${r.record}" is not level:metric:operation`);
      if (!g.recordingCases.some((c) => c.record === r.record)) errors.push(`${at}: recording rule ${r.record} has no promql_expr_test case`);
    }
    for (const c of g.recordingCases) {
      if (!g.recordings.some((r) => r.record === c.record)) errors.push(`${at}: a promql_expr_test names ${c.record}, which the group does not record`);
    }
  }
  return errors;
}

export function assertValidRuleGroups(groups: readonly RuleGroup[]): void {
  const errors = ruleGroupErrors(groups);
  if (errors.length > 0) throw new Error(`invalid alert rules:\n  ${errors.join("\n  ")}`);
}
