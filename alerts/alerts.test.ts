// Invariants of the alert content, checked on the declarations and on the generated files.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RuleGroup as GrafanaRuleGroup } from "@grafana/grafana-foundation-sdk/alerting";
import { DATASOURCES, FOLDERS } from "../build/content-types.ts";
import { ALERT_RULES, alertFiles, ALERTING_SECRETS, RULE_GROUPS, ruleGroupErrors, runbookUrl, type ContactPointFile, type RuleGroup } from "./index.ts";
import { DEFAULT_RUNBOOK_BASE_URL, runbookBaseUrl } from "./runbook.ts";
import type { PrometheusRuleFile } from "./render/prometheus.ts";

const files = alertFiles();
const file = (path: string): string => {
  const content = files[path];
  if (content === undefined) throw new Error(`alertFiles() has no ${path}`);
  return content;
};

describe("alert declarations", () => {
  it("validate cleanly", () => {
    expect(ruleGroupErrors(RULE_GROUPS)).toEqual([]);
  });

  it.each(ALERT_RULES.map((a) => [a.name, a]))("%s has the standard shape", (name, a) => {
    expect(name).toMatch(/^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/);
    expect(["critical", "warning", "info"]).toContain(a.labels.severity);
    expect(a.labels.service).toMatch(/\S/);
    expect(a.for).toMatch(/^(\d+[smhd])+$/);
    expect(a.annotations.summary).toMatch(/\S/);
    expect(a.annotations.description).toMatch(/\S/);
    expect(a.annotations.runbook_url).toBe(runbookUrl(name));
    expect(Object.keys(a.thresholds).length).toBeGreaterThanOrEqual(a.expr.startsWith("absent_over_time") ? 0 : 1);
    expect(a.annotations.__dashboardUid__).toMatch(/^beacon-/);
    expect(a.annotations.__panelId__).toMatch(/^[1-9]\d*$/);
  });

  it("take the runbook base URL from BEACON_RUNBOOK_BASE_URL, refusing a bad one by name", () => {
    expect(runbookBaseUrl({})).toBe(DEFAULT_RUNBOOK_BASE_URL);
    expect(runbookBaseUrl({ BEACON_RUNBOOK_BASE_URL: "https://wiki.example/runbooks" })).toBe("https://wiki.example/runbooks");
    expect(runbookUrl("ServerAvailabilityErrorBudgetPage", "https://wiki.example/runbooks")).toBe("https://wiki.example/runbooks#serveravailabilityerrorbudgetpage");
    expect(() => runbookBaseUrl({ BEACON_RUNBOOK_BASE_URL: "wiki/runbooks" })).toThrow("BEACON_RUNBOOK_BASE_URL");
    expect(() => runbookBaseUrl({ BEACON_RUNBOOK_BASE_URL: "https://wiki.example/r#x" })).toThrow("#fragment");
  });

  it("rejects an alert linking a panel that does not exist", () => {
    const [good] = RULE_GROUPS as [RuleGroup];
    const [alert] = good.alerts;
    if (alert === undefined) throw new Error("first group has no alert");
    const bad: RuleGroup = { ...good, alerts: [{ ...alert, panel: { dashboardUid: alert.panel.dashboardUid, panelTitle: "No such panel" } }] };
    expect(ruleGroupErrors([bad]).join("\n")).toContain(`alert ${alert.name} links no panel: dashboard ${alert.panel.dashboardUid} has no panel titled "No such panel"`);
  });

  it.each(RULE_GROUPS.flatMap((g) => g.alerts.map((a) => [a.name, g] as const)))("%s has a firing and a quiet promtool case", (name, g) => {
    const cases = g.alertCases.filter((c) => c.alert === name);
    expect(cases.filter((c) => c.fires.length > 0).length).toBeGreaterThanOrEqual(1);
    const quiet = cases.filter((c) => c.fires.length === 0);
    expect(quiet.length).toBeGreaterThanOrEqual(1);
    for (const c of quiet) expect("why" in c && c.why.length > 10).toBe(true);
  });

  it("uses every severity, so every route of the policy tree has a rule behind it", () => {
    expect(new Set(ALERT_RULES.map((a) => a.severity))).toEqual(new Set(["critical", "warning", "info"]));
  });

  it("rejects a group with a misnamed alert, a missing quiet case and an undeclared threshold", () => {
    const [good] = RULE_GROUPS as [RuleGroup];
    const [alert] = good.alerts;
    if (alert === undefined) throw new Error("first group has no alert");
    const bad: RuleGroup = {
      ...good,
      alerts: [{ ...alert, name: "client_errors", condition: { kind: "threshold", query: "vector(1)", op: ">", thresholdName: "nope", threshold: 1 } }],
      alertCases: good.alertCases.filter((c) => c.fires.length > 0).map((c) => ({ ...c, alert: "client_errors" })),
    };
    const errors = ruleGroupErrors([bad]).join("\n");
    expect(errors).toContain('alert "client_errors" is not PascalCase');
    expect(errors).toContain("uses threshold nope, which THRESHOLDS does not declare");
    expect(errors).toContain("alert client_errors has no promtool case where it must stay quiet");
  });
});

describe("generated files", () => {
  it("are the expected set of paths", () => {
    const expected = [
      "alerting/contact-points.json",
      "alerting/mute-timings.json",
      "alerting/notification-policy.json",
      "provisioning/alerting/beacon.yaml",
      ...RULE_GROUPS.flatMap((g) => [
        `alerting/rule-groups/${g.name}.json`,
        `prometheus/rules/${g.name}.rules.yaml`,
        `prometheus/tests/${g.name}.test.yaml`,
      ]),
    ].sort();
    expect(Object.keys(files).sort()).toEqual(expected);
  });

  it("are byte-identical when built twice", () => {
    expect(alertFiles()).toEqual(files);
  });

  it("describe the same alerts in Grafana groups and Prometheus rule files", () => {
    for (const g of RULE_GROUPS) {
      const grafana = JSON.parse(file(`alerting/rule-groups/${g.name}.json`)) as GrafanaRuleGroup;
      const prom = parse(file(`prometheus/rules/${g.name}.rules.yaml`)) as PrometheusRuleFile;
      const promAlerts = prom.groups.flatMap((pg) => pg.rules).filter((r) => r.alert !== undefined);
      const grafanaRules = grafana.rules ?? [];
      expect(grafanaRules.map((r) => r.title)).toEqual(promAlerts.map((r) => r.alert));
      for (const rule of grafanaRules) {
        const p = promAlerts.find((r) => r.alert === rule.title);
        const summary = ALERT_RULES.find((a) => a.name === rule.title);
        expect(rule.for).toBe(p?.for);
        expect(rule.labels).toEqual(p?.labels);
        expect(rule.annotations?.summary).toBe(p?.annotations?.summary);
        expect(rule.annotations?.runbook_url).toBe(p?.annotations?.runbook_url);
        expect(p?.expr).toBe(summary?.expr);
        const queryA = rule.data.find((d) => d.refId === "A")?.model as { expr?: string } | undefined;
        expect(queryA?.expr).toBe(summary?.grafanaQuery);
      }
    }
  });

  it("shape each Grafana rule as query A → reduce B → threshold C on the fixed datasource and folder", () => {
    for (const g of RULE_GROUPS) {
      const grafana = JSON.parse(file(`alerting/rule-groups/${g.name}.json`)) as GrafanaRuleGroup;
      expect(grafana.folderUid).toBe(FOLDERS.alerts.uid);
      expect(grafana.title).toBe(g.name);
      for (const rule of grafana.rules ?? []) {
        expect(rule.condition).toBe("C");
        expect(rule.folderUID).toBe(FOLDERS.alerts.uid);
        expect(rule.uid?.length).toBeLessThanOrEqual(40);
        const [a, b, c] = rule.data;
        expect(a?.datasourceUid).toBe(DATASOURCES.prometheus.uid);
        expect(b?.model).toMatchObject({ type: "reduce", expression: "A" });
        expect(c?.model).toMatchObject({ type: "threshold", expression: "B" });
        expect(rule.annotations?.description).not.toContain("$value ");
        const absent = ALERT_RULES.find((x) => x.name === rule.title)?.expr.startsWith("absent_over_time");
        // Absent-data rules alert on no data; the others treat an empty result as healthy.
        expect(rule.noDataState).toBe(absent ? "Alerting" : "OK");
      }
    }
  });

  it("keep secrets out: contact points name env-style secrets, provisioning references them as $NAME", () => {
    const points = JSON.parse(file("alerting/contact-points.json")) as ContactPointFile[];
    const secrets = points.flatMap((p) => p.integrations.flatMap((i) => Object.values(i.secureSettings)));
    expect(new Set(secrets)).toEqual(new Set(Object.values(ALERTING_SECRETS)));
    for (const s of secrets) expect(s).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(new Set(points.flatMap((p) => p.integrations.map((i) => i.type)))).toEqual(new Set(["email", "slack", "pagerduty", "webhook"]));
    const provisioning = parse(file("provisioning/alerting/beacon.yaml")) as {
      apiVersion: number;
      contactPoints: { receivers: { type: string; settings: Record<string, unknown> }[] }[];
    };
    expect(provisioning.apiVersion).toBe(1);
    const slack = provisioning.contactPoints.flatMap((c) => c.receivers).find((r) => r.type === "slack");
    expect(slack?.settings.url).toBe(`$${ALERTING_SECRETS.slackWebhookUrl}`);
  });

  it("route by severity, muting warnings and info in the maintenance window", () => {
    const policy = JSON.parse(file("alerting/notification-policy.json")) as {
      group_by: string[];
      routes: { receiver: string; object_matchers: string[][]; mute_time_intervals?: string[] }[];
    };
    const mute = JSON.parse(file("alerting/mute-timings.json")) as { name: string }[];
    const points = JSON.parse(file("alerting/contact-points.json")) as ContactPointFile[];
    expect(policy.group_by).toEqual(["alertname", "service"]);
    const bySeverity = Object.fromEntries(policy.routes.map((r) => [r.object_matchers[0]?.[2], r]));
    expect(bySeverity.critical?.mute_time_intervals).toBeUndefined();
    expect(bySeverity.warning?.mute_time_intervals).toEqual([mute[0]?.name]);
    for (const r of policy.routes) expect(points.map((p) => p.name)).toContain(r.receiver);
  });

  it("have a runbook section for every alert in docs/runbooks.md", () => {
    const runbooks = readFileSync(fileURLToPath(new URL("../docs/runbooks.md", import.meta.url)), "utf8");
    for (const a of ALERT_RULES) expect(runbooks).toContain(`\n## ${a.name}\n`);
  });
});
