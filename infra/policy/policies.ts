// Policies that fail `pulumi preview --policy-pack infra/policy` on content this project must
// not ship: a dashboard without uid or tags, an alert without severity, runbook or `for`, a
// credential that would be stored in plain text, alerting that could be created before what it
// names. Each reports what and where.
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { SENSITIVE_FIELDS, type ContactPointBlock } from "../contact-point-args.ts";

export const TYPES = {
  dashboard: "grafana:oss/dashboard:Dashboard",
  ruleGroup: "grafana:alerting/ruleGroup:RuleGroup",
  contactPoint: "grafana:alerting/contactPoint:ContactPoint",
  dataSource: "grafana:oss/dataSource:DataSource",
  muteTiming: "grafana:alerting/muteTiming:MuteTiming",
  notificationPolicy: "grafana:alerting/notificationPolicy:NotificationPolicy",
} as const;

export const SEVERITIES = ["critical", "warning", "info"] as const;

/** Prometheus-style duration, as Grafana accepts for `for`: 5m, 1h30m, 0s. */
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
/** Setting names that hold a credential in contact point integrations Grafana knows. */
const CREDENTIAL_KEY = /(^url$|webhook|token|key$|password|secret|credentials)/i;

function parseJson(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const dashboardUidAndTags: ResourceValidationPolicy = {
  name: "dashboard-uid-and-tags",
  description: "Every dashboard has a fixed uid (links, alerts and the drift check rely on it) and tags (search, the `generated` marker).",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    if (args.type !== TYPES.dashboard) return;
    const json = parseJson(args.props["configJson"]);
    if (json === undefined) {
      report(`dashboard ${args.name}: configJson is not a JSON object`);
      return;
    }
    const title = typeof json["title"] === "string" ? `"${json["title"]}"` : args.name;
    if (typeof json["uid"] !== "string" || json["uid"].trim() === "") report(`dashboard ${title}: no uid; set a fixed uid in its module`);
    const tags = json["tags"];
    if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => typeof t === "string" && t !== "")) report(`dashboard ${title}: no tags; every dashboard carries at least the "generated" tag`);
  },
};

interface RuleProps {
  name?: string;
  uid?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  record?: unknown;
}

export const alertRuleMetadata: ResourceValidationPolicy = {
  name: "alert-rule-severity-runbook-for",
  description: "Every alert rule has a severity label (critical, warning or info), a runbook_url annotation and a `for` duration.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    if (args.type !== TYPES.ruleGroup) return;
    const rules = (args.props["rules"] ?? []) as RuleProps[];
    for (const rule of rules) {
      if (rule.record) continue; // recording rules are not alerts: no severity, runbook or `for`
      const problems: string[] = [];
      const severity = rule.labels?.["severity"];
      if (!severity) problems.push("no severity label");
      else if (!(SEVERITIES as readonly string[]).includes(severity)) problems.push(`severity "${severity}" is not one of ${SEVERITIES.join(", ")}`);
      const runbook = rule.annotations?.["runbook_url"];
      if (!runbook) problems.push("no runbook_url annotation");
      else if (!/^https?:\/\//.test(runbook)) problems.push(`runbook_url "${runbook}" is not an http(s) URL`);
      if (!rule.for) problems.push("no `for` duration");
      else if (!DURATION.test(rule.for)) problems.push(`\`for\` "${rule.for}" is not a duration`);
      if (problems.length > 0) report(`rule group ${String(args.props["name"] ?? args.name)}, rule ${rule.name ?? rule.uid ?? "?"}: ${problems.join("; ")}`);
    }
  },
};

/** Credential-bearing fields present in one contact point block. */
function credentialFields(block: string, items: unknown): string[] {
  if (!Array.isArray(items)) return [];
  const known = SENSITIVE_FIELDS[block as ContactPointBlock] as readonly string[] | undefined;
  const found = new Set<string>();
  for (const item of items as Record<string, unknown>[]) {
    for (const [field, value] of Object.entries(item ?? {})) {
      if (value === undefined || value === null || value === "") continue;
      const credential = known ? known.includes(field) : CREDENTIAL_KEY.test(field);
      if (credential) found.add(field);
      if (field === "settings" && typeof value === "object") {
        for (const key of Object.keys(value as object)) if (CREDENTIAL_KEY.test(key)) found.add(`settings.${key}`);
      }
    }
  }
  return [...found].sort();
}

export const noPlaintextSecrets: ResourceValidationPolicy = {
  name: "no-plaintext-secrets",
  description:
    "Credentials never reach state in plain text: contact point blocks holding a URL, token or key are secrets (additionalSecretOutputs), and datasource credentials live in secureJsonData.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    if (args.type === TYPES.contactPoint) {
      // The policy SDK hands policies unwrapped values, so secret-ness of an input is not
      // visible here; the program's marker for it is additionalSecretOutputs on the block.
      const declared = new Set(args.opts.additionalSecretOutputs ?? []);
      for (const [block, items] of Object.entries(args.props)) {
        if (block === "name" || block === "orgId") continue;
        const fields = credentialFields(block, items);
        if (fields.length > 0 && !declared.has(block)) {
          report(`contact point ${String(args.props["name"] ?? args.name)}: ${block} holds ${fields.join(", ")} in plain text; supply it from secret config and list "${block}" in additionalSecretOutputs`);
        }
      }
    }
    if (args.type === TYPES.dataSource) {
      const json = parseJson(args.props["jsonDataEncoded"]) ?? {};
      const leaked = Object.keys(json).filter((k) => /password|token|secret|apikey|credentials/i.test(k));
      if (leaked.length > 0) report(`datasource ${String(args.props["name"] ?? args.name)}: jsonData holds ${leaked.join(", ")}; credentials belong in secureJsonDataEncoded`);
    }
  },
};

interface RoutingProps {
  contactPoint?: string;
  muteTimings?: string[];
  activeTimings?: string[];
  policies?: RoutingProps[];
}
interface RuleGroupRuleProps {
  name?: string;
  datas?: { datasourceUid?: string }[];
  notificationSettings?: RoutingProps;
}

/** Names Grafana resolves at write time: they must exist first, so the resource must depend on them. */
function routingNames(r: RoutingProps | undefined, into: { contactPoints: Set<string>; muteTimings: Set<string> }): void {
  if (r === undefined) return;
  if (r.contactPoint) into.contactPoints.add(r.contactPoint);
  for (const m of [...(r.muteTimings ?? []), ...(r.activeTimings ?? [])]) into.muteTimings.add(m);
  for (const child of r.policies ?? []) routingNames(child, into);
}

export const alertingDependencies: StackValidationPolicy = {
  name: "alerting-dependencies",
  description:
    "Rule groups and the notification policy refer to datasources, contact points and mute timings by uid or name only; each one the stack manages must be a dependency, or `pulumi up` may create the reference before its target.",
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const index = (type: string, key: string) => new Map(args.resources.filter((r) => r.type === type).map((r) => [String(r.props[key]), r] as const));
    const contactPoints = index(TYPES.contactPoint, "name");
    const muteTimings = index(TYPES.muteTiming, "name");
    const datasources = index(TYPES.dataSource, "uid");
    const check = (r: PolicyResource, what: string, names: { contactPoints: Set<string>; muteTimings: Set<string>; datasources: Set<string> }) => {
      const deps = new Set(r.dependencies.map((d) => d.urn));
      const missing = [
        ...[...names.datasources].filter((n) => datasources.has(n) && !deps.has(datasources.get(n)!.urn)).map((n) => `datasource ${n}`),
        ...[...names.contactPoints].filter((n) => contactPoints.has(n) && !deps.has(contactPoints.get(n)!.urn)).map((n) => `contact point ${n}`),
        ...[...names.muteTimings].filter((n) => muteTimings.has(n) && !deps.has(muteTimings.get(n)!.urn)).map((n) => `mute timing ${n}`),
      ];
      if (missing.length > 0) report(`${what} does not depend on ${missing.join(", ")}; add them to its dependsOn`, r.urn);
    };
    for (const r of args.resources) {
      if (r.type === TYPES.ruleGroup) {
        const names = { contactPoints: new Set<string>(), muteTimings: new Set<string>(), datasources: new Set<string>() };
        for (const rule of (r.props["rules"] ?? []) as RuleGroupRuleProps[]) {
          for (const d of rule.datas ?? []) if (d.datasourceUid) names.datasources.add(d.datasourceUid);
          routingNames(rule.notificationSettings, names);
        }
        check(r, `rule group ${String(r.props["name"] ?? r.name)}`, names);
      }
      if (r.type === TYPES.notificationPolicy) {
        const names = { contactPoints: new Set<string>(), muteTimings: new Set<string>(), datasources: new Set<string>() };
        routingNames(r.props as RoutingProps, names);
        check(r, "the notification policy", names);
      }
    }
  },
};

export const POLICIES: (ResourceValidationPolicy | StackValidationPolicy)[] = [dashboardUidAndTags, alertRuleMetadata, noPlaintextSecrets, alertingDependencies];
