// The policy pack's rules, called the way the policy engine calls them, on passing and
// failing resources. Fixture content is the passing baseline.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { alertRuleMetadata, dashboardUidAndTags, noPlaintextSecrets, POLICIES, TYPES } from "./policies.ts";

const FIXTURES = path.join("infra", "test-fixtures", "generated");

function validate(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, additionalSecretOutputs: string[] = []): string[] {
  const violations: string[] = [];
  const args = { type, props, name: "r", urn: `urn:pulumi:test::beacon::${type}::r`, opts: { additionalSecretOutputs } } as unknown as ResourceValidationArgs;
  const validators = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
  for (const v of validators) void v(args, (message: string) => violations.push(message));
  return violations;
}

const fixtureDashboard = () => JSON.parse(readFileSync(path.join(FIXTURES, "dashboards", "beacon-client-overview.json"), "utf8")) as Record<string, unknown>;
const fixtureRules = () =>
  (JSON.parse(readFileSync(path.join(FIXTURES, "alerts", "grafana", "beacon-server.json"), "utf8")) as { rules: { title: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }[] }).rules.map(
    (r) => ({ name: r.title, for: r.for, labels: { ...r.labels }, annotations: { ...r.annotations } }),
  );

describe("policy pack", () => {
  it("is mandatory, so a violation fails the preview", () => {
    expect(POLICIES.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["dashboard-uid-and-tags", "mandatory"],
      ["alert-rule-severity-runbook-for", "mandatory"],
      ["no-plaintext-secrets", "mandatory"],
      ["alerting-dependencies", "mandatory"],
    ]);
  });
});

describe("dashboard-uid-and-tags", () => {
  it("passes a generated dashboard", () => {
    expect(validate(dashboardUidAndTags, TYPES.dashboard, { configJson: JSON.stringify(fixtureDashboard()) })).toEqual([]);
  });

  it("fails a dashboard without uid", () => {
    const { uid: _uid, ...rest } = fixtureDashboard();
    expect(validate(dashboardUidAndTags, TYPES.dashboard, { configJson: JSON.stringify(rest) })).toEqual(['dashboard "Beacon · Client overview": no uid; set a fixed uid in its module']);
  });

  it("fails a dashboard with no or empty tags", () => {
    const { tags: _tags, ...rest } = fixtureDashboard();
    expect(validate(dashboardUidAndTags, TYPES.dashboard, { configJson: JSON.stringify(rest) })).toHaveLength(1);
    expect(validate(dashboardUidAndTags, TYPES.dashboard, { configJson: JSON.stringify({ ...rest, tags: [] }) })[0]).toMatch(/no tags/);
  });

  it("ignores other resource types", () => {
    expect(validate(dashboardUidAndTags, TYPES.ruleGroup, { configJson: "{}" })).toEqual([]);
  });
});

describe("alert-rule-severity-runbook-for", () => {
  it("passes the generated rules", () => {
    expect(validate(alertRuleMetadata, TYPES.ruleGroup, { name: "beacon-server", rules: fixtureRules() })).toEqual([]);
  });

  it("fails a rule without severity, runbook_url or for, naming each", () => {
    const [rule] = fixtureRules();
    if (!rule) throw new Error("fixture has no rule");
    const broken = { ...rule, for: "", labels: { team: "beacon" }, annotations: { summary: "x" } };
    expect(validate(alertRuleMetadata, TYPES.ruleGroup, { name: "beacon-server", rules: [broken] })).toEqual([
      "rule group beacon-server, rule ServerApiErrorRateHigh: no severity label; no runbook_url annotation; no `for` duration",
    ]);
  });

  it("fails an unknown severity, a non-URL runbook and a malformed duration", () => {
    const [rule] = fixtureRules();
    if (!rule) throw new Error("fixture has no rule");
    const broken = { ...rule, for: "five minutes", labels: { severity: "page" }, annotations: { runbook_url: "see wiki" } };
    const [violation] = validate(alertRuleMetadata, TYPES.ruleGroup, { name: "g", rules: [broken] });
    expect(violation).toMatch(/severity "page" is not one of critical, warning, info; runbook_url "see wiki" is not an http\(s\) URL; `for` "five minutes" is not a duration/);
  });

  it("leaves recording rules alone", () => {
    expect(validate(alertRuleMetadata, TYPES.ruleGroup, { name: "g", rules: [{ name: "level:metric:rate5m", record: { metric: "level:metric:rate5m", from: "A" } }] })).toEqual([]);
  });
});

describe("no-plaintext-secrets", () => {
  const slack = { name: "beacon-slack", slacks: [{ recipient: "#alerts", url: "https://hooks.slack.example/x" }] };

  it("passes a contact point whose credential-bearing block is secret", () => {
    expect(validate(noPlaintextSecrets, TYPES.contactPoint, slack, ["slacks"])).toEqual([]);
  });

  it("fails a contact point with a plain-text webhook URL, naming block and field", () => {
    expect(validate(noPlaintextSecrets, TYPES.contactPoint, slack)).toEqual([
      'contact point beacon-slack: slacks holds url in plain text; supply it from secret config and list "slacks" in additionalSecretOutputs',
    ]);
  });

  it("fails pagerduty keys, webhook credentials and credentials in free-form settings of other integrations", () => {
    const props = {
      name: "pager",
      pagerduties: [{ integrationKey: "k", severity: "critical" }],
      webhooks: [{ url: "https://x", basicAuthPassword: "p" }],
      telegrams: [{ chatId: "1", token: "t" }],
      discords: [{ url: "https://d", settings: { webhook_secret: "s" } }],
    };
    const violations = validate(noPlaintextSecrets, TYPES.contactPoint, props, ["webhooks"]);
    expect(violations).toHaveLength(3);
    expect(violations.join("\n")).toMatch(/pagerduties holds integrationKey/);
    expect(violations.join("\n")).toMatch(/telegrams holds token/);
    expect(violations.join("\n")).toMatch(/discords holds settings\.webhook_secret, url/);
  });

  it("passes an email contact point: addresses are not credentials", () => {
    expect(validate(noPlaintextSecrets, TYPES.contactPoint, { name: "mail", emails: [{ addresses: ["a@example.com"], subject: "s" }] })).toEqual([]);
  });

  it("fails datasource credentials in jsonData and passes them in secureJsonData", () => {
    expect(validate(noPlaintextSecrets, TYPES.dataSource, { name: "p", jsonDataEncoded: JSON.stringify({ httpMethod: "POST", basicAuthPassword: "x" }) })).toEqual([
      "datasource p: jsonData holds basicAuthPassword; credentials belong in secureJsonDataEncoded",
    ]);
    expect(validate(noPlaintextSecrets, TYPES.dataSource, { name: "p", jsonDataEncoded: JSON.stringify({ httpMethod: "POST" }), secureJsonDataEncoded: JSON.stringify({ basicAuthPassword: "x" }) })).toEqual([]);
  });
});
