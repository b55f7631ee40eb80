// The program for target "self-hosted" (the docker-compose Grafana that nothing file-provisions),
// run under Pulumi's mocks against the fixture build output: datasources, alerting content, their
// wiring, and the resource options that order and protect them.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DATASOURCES, FOLDERS } from "../build/content-types.ts";
import { byName as find, countsByType, dependencyNames, FIXTURE_DIR, isSecretInput, nativeRun, ofType, plain, runProgram, type ProgramRun } from "./testing/run-program.ts";

const CONFIG = {
  "beacon:target": "self-hosted",
  "beacon:generatedDir": FIXTURE_DIR,
  "beacon:grafanaAuth": "admin:admin",
  "beacon:slackWebhookUrl": "https://hooks.slack.example/T000/B000/XXX",
  "beacon:pagerdutyIntegrationKey": "pd-fake-key",
  "beacon:alertWebhookUrl": "https://alerts.example/hook",
};
const SECRET_KEYS = ["beacon:grafanaAuth", "beacon:slackWebhookUrl", "beacon:pagerdutyIntegrationKey", "beacon:alertWebhookUrl"];

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram(CONFIG, SECRET_KEYS);
});

const byName = (name: string) => find(run, name);
const jsonInput = (name: string, key: string) => JSON.parse(String(plain(byName(name).inputs[key]))) as Record<string, unknown>;

describe("target self-hosted", () => {
  it("creates no cloud resources and one provider for the existing Grafana, with secret credentials", () => {
    expect(run.resources.filter((r) => r.type.startsWith("grafana:cloud/"))).toEqual([]);
    const providers = ofType(run, "pulumi:providers:grafana");
    expect(providers.map((p) => p.name)).toEqual(["self-hosted-grafana-provider"]);
    expect(providers[0]?.inputs["url"]).toBe("http://localhost:3001");
    expect(isSecretInput(providers[0]?.inputs["auth"])).toBe(true);
    for (const r of run.resources.filter((x) => x.custom && x.type.startsWith("grafana:"))) {
      expect(r.provider?.split("::")[3], r.name).toBe("self-hosted-grafana-provider");
    }
  });

  it("creates Prometheus, Loki, Tempo and Alertmanager with the fixed uids and the docker-compose URLs", () => {
    expect(ofType(run, "grafana:oss/dataSource:DataSource")).toHaveLength(4);
    for (const key of ["prometheus", "loki", "tempo", "alertmanager"] as const) {
      const r = byName(`datasources-${key}`);
      expect(r.parentType).toBe("beacon:infra:Datasources");
      expect(r.inputs).toMatchObject({ uid: DATASOURCES[key].uid, type: DATASOURCES[key].type, name: DATASOURCES[key].name, basicAuthEnabled: false });
      expect(r.inputs["secureJsonDataEncoded"]).toBeUndefined();
    }
    expect(byName("datasources-prometheus").inputs["url"]).toBe("http://prometheus:9090");
    expect(byName("datasources-loki").inputs["url"]).toBe("http://loki:3100");
    expect(byName("datasources-tempo").inputs["url"]).toBe("http://tempo:3200");
    expect(byName("datasources-alertmanager").inputs["url"]).toBe("http://alertmanager:9093");
  });

  it("correlates the datasources as build/datasources.ts declares: exemplars and logs to traces, traces to logs, service graph", () => {
    expect(jsonInput("datasources-prometheus", "jsonDataEncoded")["exemplarTraceIdDestinations"]).toEqual([{ name: "trace_id", datasourceUid: DATASOURCES.tempo.uid }]);
    expect(jsonInput("datasources-loki", "jsonDataEncoded")["derivedFields"]).toEqual([
      expect.objectContaining({ matcherType: "label", matcherRegex: "trace_id", datasourceUid: DATASOURCES.tempo.uid }),
    ]);
    const tempo = jsonInput("datasources-tempo", "jsonDataEncoded");
    expect(tempo["tracesToLogsV2"]).toMatchObject({ datasourceUid: DATASOURCES.loki.uid });
    expect(String((tempo["tracesToLogsV2"] as { query: string }).query)).toContain("${__trace.traceId}");
    expect(tempo["serviceMap"]).toEqual({ datasourceUid: DATASOURCES.prometheus.uid });
  });

  it("creates the manifest's folders under Content with their fixed uids", () => {
    const folders = ofType(run, "grafana:oss/folder:Folder");
    expect(folders.map((f) => [f.inputs["uid"], f.inputs["title"]]).sort()).toEqual(
      [FOLDERS.alerts, FOLDERS.client, FOLDERS.server].map((f) => [f.uid, f.title]).sort(),
    );
    for (const f of folders) expect(f.parentType).toBe("beacon:infra:Content");
  });

  it("creates one rule group per generated group, in the alerts folder, with the rules unchanged", () => {
    const manifest = JSON.parse(readFileSync(path.join(FIXTURE_DIR, "manifest.json"), "utf8")) as { ruleGroups: { title: string; file: string }[] };
    const groups = ofType(run, "grafana:alerting/ruleGroup:RuleGroup");
    expect(groups.map((g) => g.inputs["name"]).sort()).toEqual(manifest.ruleGroups.map((g) => g.title).sort());
    for (const g of manifest.ruleGroups) {
      const file = JSON.parse(readFileSync(path.join(FIXTURE_DIR, g.file), "utf8")) as { folderUid: string; interval: number; rules: { uid: string; for: string; labels: object; annotations: object; data: { model: object }[] }[] };
      const r = byName(`content-rule-group-${g.title}`);
      expect(r.parentType).toBe("beacon:infra:Content");
      expect(r.inputs).toMatchObject({ folderUid: file.folderUid, intervalSeconds: file.interval });
      const rules = r.inputs["rules"] as { uid: string; for: string; labels: object; annotations: object; datas: { model: string }[] }[];
      expect(rules.map((x) => x.uid)).toEqual(file.rules.map((x) => x.uid));
      rules.forEach((rule, i) => {
        const src = file.rules[i];
        expect(rule).toMatchObject({ for: src?.for, labels: src?.labels, annotations: src?.annotations });
        expect(rule.datas.map((d) => JSON.parse(d.model))).toEqual(src?.data.map((d) => d.model));
      });
    }
  });

  it("builds contact points from typed blocks, every credential-bearing block a secret", () => {
    const slack = byName("content-contact-point-beacon-slack").inputs;
    expect(slack["settings"]).toBeUndefined();
    // Pulumi lifts a secret to the whole property that contains it: the block is encrypted in state.
    expect(isSecretInput(slack["slacks"])).toBe(true);
    expect(plain(slack["slacks"])).toEqual([{ recipient: "#beacon-alerts", title: "{{ .CommonLabels.alertname }}", url: CONFIG["beacon:slackWebhookUrl"] }]);
    const pager = byName("content-contact-point-beacon-pager").inputs;
    expect(isSecretInput(pager["pagerduties"])).toBe(true);
    expect(plain(pager["pagerduties"])).toEqual([{ severity: "critical", class: "beacon", integrationKey: CONFIG["beacon:pagerdutyIntegrationKey"] }]);
    expect(isSecretInput(pager["webhooks"])).toBe(true);
    expect(plain(pager["webhooks"])).toEqual([{ httpMethod: "POST", maxAlerts: 10, url: CONFIG["beacon:alertWebhookUrl"] }]);
    const email = byName("content-contact-point-beacon-email").inputs["emails"];
    expect(isSecretInput(email)).toBe(false);
    expect(email).toEqual([{ addresses: ["oncall@example.com", "beacon-team@example.com"], singleEmail: true, subject: "[Beacon] {{ .CommonLabels.alertname }}" }]);
  });

  it("creates the notification policy tree and the mute timing it references", () => {
    const policy = byName("content-notification-policy").inputs;
    expect(policy).toMatchObject({
      contactPoint: "beacon-email",
      groupBies: ["grafana_folder", "alertname"],
      policies: [
        { contactPoint: "beacon-pager", matchers: [{ label: "severity", match: "=", value: "critical" }], continue: true, policies: [{ contactPoint: "beacon-slack" }] },
        { contactPoint: "beacon-slack", muteTimings: ["beacon-release-window"] },
      ],
    });
    expect(byName("content-mute-timing-beacon-release-window").inputs["intervals"]).toEqual([
      { times: [{ start: "18:00", end: "20:00" }], weekdays: ["thursday"], location: "UTC" },
    ]);
  });

  it("skips saved queries with a log line when the query library is off", () => {
    expect(ofType(run, "grafana:apps/v1/query:Query")).toEqual([]);
    expect(run.logs.some((l) => l.startsWith("skipping 2 saved queries: beacon:queryLibrary is false"))).toBe(true);
    expect(run.outputs["savedQueries"]?.value).toBe(0);
  });

  it("exports the Grafana URL and the local collector endpoint, and no OTLP header", () => {
    expect(run.outputs["grafanaUrl"]?.value).toBe("http://localhost:3001");
    expect(run.outputs["otlpEndpoint"]?.value).toBe("http://localhost:4318");
    expect(run.outputs["otlpAuthorizationHeader"]?.value).toBeUndefined();
    expect(run.outputs["otlpTokenExpiresAt"]?.value).toBeUndefined();
  });

  it("reports resource counts", () => {
    const counts = countsByType(run);
    const custom = run.resources.filter((r) => r.custom).length;
    console.log(`self-hosted target (fixture): ${custom} resources + ${run.resources.length - custom} components`, counts);
    expect(counts["grafana:oss/dashboard:Dashboard"]).toBe(2);
  });
});

// Mocks carry no resource options; run-program.ts records them with a stack transformation
// (as declared) and from the RegisterResource request (as the engine receives them).
describe("resource options", () => {
  const DATASOURCE_RESOURCES = ["datasources-alertmanager", "datasources-loki", "datasources-prometheus", "datasources-tempo"];

  it("declares every credential-bearing contact point block additionalSecretOutputs, and nothing else", () => {
    expect(byName("content-contact-point-beacon-slack").opts.additionalSecretOutputs).toEqual(["slacks"]);
    expect(byName("content-contact-point-beacon-pager").opts.additionalSecretOutputs).toEqual(["pagerduties", "webhooks"]);
    expect(byName("content-contact-point-beacon-email").opts.additionalSecretOutputs).toEqual([]);
  });

  it("makes each rule group wait for the datasources it queries and the contact points and mute timings it names", () => {
    expect(byName("content-rule-group-beacon-client").opts.dependsOn).toEqual(["datasources"]);
    expect(byName("content-rule-group-beacon-server").opts.dependsOn).toEqual(["datasources", "content-contact-point-beacon-pager", "content-mute-timing-beacon-release-window"]);
    // The engine sees the Datasources component expanded into its datasources, and the folder through folderUid.
    expect(dependencyNames(run, byName("content-rule-group-beacon-client"))).toEqual(["content-folder-alerts", ...DATASOURCE_RESOURCES]);
    expect(dependencyNames(run, byName("content-rule-group-beacon-server"))).toEqual(
      ["content-contact-point-beacon-pager", "content-folder-alerts", "content-mute-timing-beacon-release-window", ...DATASOURCE_RESOURCES].sort(),
    );
  });

  it("makes the notification policy wait for every contact point and mute timing its tree routes to", () => {
    const policy = byName("content-notification-policy");
    expect([...policy.opts.dependsOn].sort()).toEqual(["content-contact-point-beacon-email", "content-contact-point-beacon-pager", "content-contact-point-beacon-slack", "content-mute-timing-beacon-release-window"]);
    expect(dependencyNames(run, policy)).toEqual([...policy.opts.dependsOn].sort());
  });

  it("creates each dashboard after its folder (the folder input is the folder resource's uid)", () => {
    for (const [dashboard, folder] of [
      ["content-dashboard-beacon-client-overview", "content-folder-client"],
      ["content-dashboard-beacon-server-red", "content-folder-server"],
    ] as const) {
      const r = byName(dashboard);
      expect(r.propertyDependencies["folder"], dashboard).toEqual([byName(folder).urn]);
      expect(dependencyNames(run, r)).toEqual([folder]);
    }
  });

  it("parents every resource under its component and protects, ignores or replaces nothing unasked", () => {
    for (const r of run.resources) {
      expect(r.parentType, r.name).toBe(r.type.startsWith("beacon:infra:") ? "pulumi:pulumi:Stack" : r.name.startsWith("datasources-") ? "beacon:infra:Datasources" : r.name.startsWith("content-") ? "beacon:infra:Content" : "beacon:infra:SelfHostedGrafana");
      expect([r.opts.protect, r.opts.retainOnDelete, r.opts.ignoreChanges, r.opts.replaceOnChanges], r.name).toEqual([undefined, undefined, [], []]);
    }
  });
});

describe("references by name", () => {
  it("refuses a rule routing to a contact point the build does not define, naming group and receiver", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "beacon-generated-"));
    try {
      cpSync(FIXTURE_DIR, dir, { recursive: true });
      const file = path.join(dir, "alerts", "grafana", "beacon-server.json");
      writeFileSync(file, readFileSync(file, "utf8").replace('"receiver": "beacon-pager"', '"receiver": "beacon-nobody"'));
      // A program error fails Pulumi's host through unhandled rejections: run it as the host does.
      const result = nativeRun("Pulumi.self-hosted.yaml", { set: { "beacon:generatedDir": dir } });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`error: rule group beacon-server: receivers beacon-nobody are not contact points in ${dir}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
