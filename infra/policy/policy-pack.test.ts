// The policy pack run the way `pulumi preview --policy-pack infra/policy` runs it: Pulumi's own
// policy-pack runner in a child process, driven over its Analyzer gRPC interface with the
// resources, options, parents and dependencies the program really registers for both example
// stacks on the committed build output. Every policy then rejects a violation planted into one
// of those real resources.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzerResources, startPolicyPack, type AnalyzedResource, type Diagnostic, type PolicyAnalyzer } from "../testing/policy-analyzer.ts";
import { runStackFile } from "../testing/run-program.ts";

let pack: PolicyAnalyzer;
const stacks: Record<string, AnalyzedResource[]> = {};

beforeAll(async () => {
  pack = await startPolicyPack();
  // The self-hosted stack with the query library on, so every resource type is analysed.
  stacks["cloud"] = analyzerResources((await runStackFile("Pulumi.cloud.yaml")).resources);
  stacks["self-hosted"] = analyzerResources((await runStackFile("Pulumi.self-hosted.yaml", { "beacon:queryLibrary": "true" })).resources);
});
afterAll(async () => {
  await pack?.close();
});

const resource = (stack: string, name: string): AnalyzedResource => {
  const r = stacks[stack]?.find((x) => x.name === name);
  if (!r) throw new Error(`${stack}: no resource ${name}`);
  return r;
};
/** The policy and the violation part of each message (the runner prefixes the description). */
const reported = (ds: Diagnostic[]) => ds.map((d) => [d.policyName, d.enforcementLevel, d.message.split("\n").slice(1).join("\n")]);

describe("policy pack through Pulumi's analyzer", () => {
  it("serves the four policies, all mandatory", () => {
    expect(pack.info.name).toBe("beacon");
    expect(pack.info.policies).toEqual([
      { name: "dashboard-uid-and-tags", enforcementLevel: "mandatory" },
      { name: "alert-rule-severity-runbook-for", enforcementLevel: "mandatory" },
      { name: "no-plaintext-secrets", enforcementLevel: "mandatory" },
      { name: "alerting-dependencies", enforcementLevel: "mandatory" },
    ]);
  });

  it.each(["cloud", "self-hosted"])("passes every resource the %s stack registers, one by one and as a stack", async (stack) => {
    const resources = stacks[stack] ?? [];
    expect(resources.length).toBeGreaterThan(50);
    const diagnostics = (await Promise.all(resources.map((r) => pack.analyze(r)))).flat();
    expect(reported(diagnostics)).toEqual([]);
    expect(reported(await pack.analyzeStack(resources))).toEqual([]);
  });
});

describe("each policy rejects a violation planted into a real resource", () => {
  it("dashboard-uid-and-tags: a dashboard without tags, and one without uid", async () => {
    const r = resource("cloud", "content-dashboard-beacon-client-overview");
    const json = JSON.parse(String(r.inputs["configJson"])) as Record<string, unknown>;
    const title = String(json["title"]);
    expect(reported(await pack.analyze({ ...r, inputs: { ...r.inputs, configJson: JSON.stringify({ ...json, tags: [] }) } }))).toEqual([
      ["dashboard-uid-and-tags", "mandatory", `dashboard "${title}": no tags; every dashboard carries at least the "generated" tag`],
    ]);
    const { uid: _uid, ...noUid } = json;
    expect(reported(await pack.analyze({ ...r, inputs: { ...r.inputs, configJson: JSON.stringify(noUid) } }))).toEqual([
      ["dashboard-uid-and-tags", "mandatory", `dashboard "${title}": no uid; set a fixed uid in its module`],
    ]);
  });

  it("alert-rule-severity-runbook-for: a rule without severity, runbook or `for`", async () => {
    const r = resource("self-hosted", "content-rule-group-client-connections");
    const [first, ...rest] = r.inputs["rules"] as { name: string; labels: Record<string, string>; annotations: Record<string, string> }[];
    if (!first) throw new Error("rule group without rules");
    const broken = { ...first, for: "", labels: { service: "kicktalk" }, annotations: { summary: first.annotations["summary"] ?? "" } };
    expect(reported(await pack.analyze({ ...r, inputs: { ...r.inputs, rules: [broken, ...rest] } }))).toEqual([
      ["alert-rule-severity-runbook-for", "mandatory", `rule group client-connections, rule ${first.name}: no severity label; no runbook_url annotation; no \`for\` duration`],
    ]);
  });

  it("no-plaintext-secrets: a contact point block not declared secret, a datasource password in jsonData", async () => {
    const slack = resource("cloud", "content-contact-point-beacon-slack");
    expect(slack.opts.additionalSecretOutputs).toEqual(["slacks"]);
    expect(reported(await pack.analyze({ ...slack, opts: { ...slack.opts, additionalSecretOutputs: [] } }))).toEqual([
      ["no-plaintext-secrets", "mandatory", 'contact point beacon-slack: slacks holds url in plain text; supply it from secret config and list "slacks" in additionalSecretOutputs'],
    ]);
    const loki = resource("cloud", "datasources-loki");
    const jsonData = { ...(JSON.parse(String(loki.inputs["jsonDataEncoded"])) as object), basicAuthPassword: "glc_leaked" };
    expect(reported(await pack.analyze({ ...loki, inputs: { ...loki.inputs, jsonDataEncoded: JSON.stringify(jsonData) } }))).toEqual([
      ["no-plaintext-secrets", "mandatory", "datasource Beacon Loki: jsonData holds basicAuthPassword; credentials belong in secureJsonDataEncoded"],
    ]);
  });

  it("alerting-dependencies: a rule group that does not wait for its datasource, a policy that does not wait for its contact points", async () => {
    const resources = stacks["self-hosted"] ?? [];
    const group = resource("self-hosted", "content-rule-group-client-connections");
    const policy = resource("self-hosted", "content-notification-policy");
    const prometheus = resource("self-hosted", "datasources-prometheus");
    const pager = resource("self-hosted", "content-contact-point-beacon-pager");
    const planted = resources.map((r) =>
      r === group ? { ...r, dependencies: r.dependencies.filter((u) => u !== prometheus.urn) } : r === policy ? { ...r, dependencies: r.dependencies.filter((u) => u !== pager.urn) } : r,
    );
    const diagnostics = (await pack.analyzeStack(planted)).sort((a, b) => a.message.localeCompare(b.message));
    expect(reported(diagnostics)).toEqual([
      ["alerting-dependencies", "mandatory", "rule group client-connections does not depend on datasource beacon-prometheus; add them to its dependsOn"],
      ["alerting-dependencies", "mandatory", "the notification policy does not depend on contact point beacon-pager; add them to its dependsOn"],
    ]);
    expect(diagnostics.map((d) => d.urn)).toEqual([group.urn, policy.urn]);
  });
});
