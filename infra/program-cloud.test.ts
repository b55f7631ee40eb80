// The program for target "cloud", run under Pulumi's mocks against the fixture build output,
// and asserted end to end: every datasource URL and user, every token's region and lifetime,
// the OTLP endpoint as the stack reports it, the outputs and nothing more, the resource options.
// The region and token lifetimes are not the defaults, so a hard-coded value shows.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DATASOURCES } from "../build/content-types.ts";
import { byName, countsByType, dependencyNames, FAKES, FIXTURE_DIR, isSecretInput, nativeRun, ofType, plain, runProgram, type ProgramRun } from "./testing/run-program.ts";

const REGION = "prod-eu-west-2";
const CONFIG = {
  "beacon:target": "cloud",
  "beacon:generatedDir": FIXTURE_DIR,
  "beacon:cloudRegion": REGION,
  "beacon:stackSlug": "beacontest",
  "beacon:queryLibrary": "true",
  "beacon:tokenExpireAfter": "720h",
  "beacon:tokenRotationWindow": "48h",
  "beacon:cloudAccessPolicyToken": "glc_fake_admin_token",
  "beacon:slackWebhookUrl": "https://hooks.slack.example/T000/B000/XXX",
  "beacon:pagerdutyIntegrationKey": "pd-fake-key",
  "beacon:alertWebhookUrl": "https://alerts.example/hook",
};
const SECRET_KEYS = ["beacon:cloudAccessPolicyToken", "beacon:slackWebhookUrl", "beacon:pagerdutyIntegrationKey", "beacon:alertWebhookUrl"];
const URLS = FAKES.stackUrls(REGION);

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram(CONFIG, SECRET_KEYS);
});

const named = (name: string) => byName(run, name);
const providerName = (ref: string | undefined) => ref?.split("::")[3];

describe("target cloud: the stack and its credentials", () => {
  it("creates the stack, scoped policies, rotating tokens and a service account under CloudStack, through the cloud provider", () => {
    const cloudChildren = ["cloud-stack", "cloud-otlp-write-policy", "cloud-otlp-write-token", "cloud-datasource-read-policy", "cloud-datasource-read-token", "cloud-service-account", "cloud-service-account-token"];
    for (const name of cloudChildren) {
      const r = named(name);
      expect(r.parentType, name).toBe("beacon:infra:CloudStack");
      expect(providerName(r.provider), name).toBe("cloud-cloud-provider");
    }
    expect(isSecretInput(named("cloud-cloud-provider").inputs["cloudAccessPolicyToken"])).toBe(true);
    expect(named("cloud-stack").inputs).toMatchObject({ slug: "beacontest", regionSlug: REGION, name: "beacontest", deleteProtection: true, waitForReadiness: true });
    expect(named("cloud-otlp-write-policy").inputs).toMatchObject({ scopes: ["metrics:write", "logs:write", "traces:write"], realms: [{ type: "stack", identifier: FAKES.stackId }] });
    expect(named("cloud-datasource-read-policy").inputs).toMatchObject({ scopes: ["metrics:read", "logs:read", "traces:read"], realms: [{ type: "stack", identifier: FAKES.stackId }] });
    expect(named("cloud-service-account").inputs).toMatchObject({ stackSlug: "beacontest", role: "Admin", isDisabled: false });
  });

  it("puts every access policy and token in the stack's region", () => {
    const regional = run.resources.filter((r) => r.type.startsWith("grafana:cloud/accessPolicy"));
    expect(regional.map((r) => r.name).sort()).toEqual(["cloud-datasource-read-policy", "cloud-datasource-read-token", "cloud-otlp-write-policy", "cloud-otlp-write-token"]);
    for (const r of regional) expect(r.inputs["region"], r.name).toBe(REGION);
  });

  it("gives every token a life span from config: rotating tokens only, expiring and rotated within the window", () => {
    expect(ofType(run, "grafana:cloud/accessPolicyToken:AccessPolicyToken")).toEqual([]);
    expect(ofType(run, "grafana:cloud/stackServiceAccountToken:StackServiceAccountToken")).toEqual([]);
    // Tokens the apps hold outlive a rotation (they expire on their own); the program's own are deleted.
    expect(named("cloud-otlp-write-token").inputs).toEqual({
      namePrefix: "beacontest-otlp-write",
      accessPolicyId: "policy-cloud-otlp-write-policy",
      region: REGION,
      expireAfter: "720h",
      earlyRotationWindow: "48h",
      deleteOnDestroy: false,
    });
    expect(named("cloud-datasource-read-token").inputs).toMatchObject({ accessPolicyId: "policy-cloud-datasource-read-policy", expireAfter: "720h", earlyRotationWindow: "48h", deleteOnDestroy: true });
    expect(named("cloud-service-account-token").inputs).toMatchObject({
      stackSlug: "beacontest",
      serviceAccountId: "cloud-service-account-id",
      secondsToLive: 720 * 3600,
      earlyRotationWindowSeconds: 48 * 3600,
      deleteOnDestroy: true,
    });
    // Create the new token before the old one goes: nothing asks for delete-before-replace.
    for (const name of ["cloud-otlp-write-token", "cloud-datasource-read-token", "cloud-service-account-token"]) expect(named(name).opts.deleteBeforeReplace, name).toBeUndefined();
    expect(named("cloud-otlp-write-token").opts.additionalSecretOutputs).toContain("token");
    expect(named("cloud-service-account-token").opts.additionalSecretOutputs).toContain("key");
  });

  it("manages the stack's Grafana through a second provider built from the service account token", () => {
    const provider = named("cloud-grafana-provider");
    expect(provider.type).toBe("pulumi:providers:grafana");
    expect(provider.parentType).toBe("beacon:infra:CloudStack");
    expect(provider.inputs["url"]).toBe("https://beacontest.grafana.net");
    expect(isSecretInput(provider.inputs["auth"])).toBe(true);
    expect(plain(provider.inputs["auth"])).toBe(FAKES.serviceAccountKey);
    expect(dependencyNames(run, provider)).toEqual(["cloud-service-account-token", "cloud-stack"]);
    for (const r of run.resources.filter((x) => x.custom && x.type.startsWith("grafana:") && !x.type.startsWith("grafana:cloud/"))) {
      expect(providerName(r.provider), r.name).toBe("cloud-grafana-provider");
    }
  });
});

describe("target cloud: datasources on the stack's endpoints", () => {
  const READ_TOKEN = FAKES.token("cloud-datasource-read-token");
  it.each([
    ["prometheus", `${URLS.prometheusUrl}/api/prom`, FAKES.userIds.prometheus],
    ["loki", URLS.logsUrl, FAKES.userIds.logs],
    ["tempo", `${URLS.tracesUrl}/tempo`, FAKES.userIds.traces],
  ] as const)("%s: URL, instance user and the read token as a secret", (key, url, user) => {
    const r = named(`datasources-${key}`);
    expect(r.parentType).toBe("beacon:infra:Datasources");
    expect(r.inputs).toMatchObject({ uid: DATASOURCES[key].uid, type: DATASOURCES[key].type, name: DATASOURCES[key].name, url, basicAuthEnabled: true, basicAuthUsername: String(user), accessMode: "proxy" });
    const secure = r.inputs["secureJsonDataEncoded"];
    expect(isSecretInput(secure)).toBe(true);
    expect(JSON.parse(String(plain(secure)))).toEqual({ basicAuthPassword: READ_TOKEN });
  });

  it("creates no Alertmanager datasource (Grafana Cloud alerts through the stack's own)", () => {
    expect(ofType(run, "grafana:oss/dataSource:DataSource").map((d) => d.inputs["uid"]).sort()).toEqual([DATASOURCES.loki.uid, DATASOURCES.prometheus.uid, DATASOURCES.tempo.uid].sort());
  });
});

describe("target cloud: outputs", () => {
  it("exports only what people and env:write need; no management credential", () => {
    expect(Object.keys(run.outputs).sort()).toEqual(["dashboardUids", "grafanaUrl", "otlpAuthorizationHeader", "otlpEndpoint", "otlpTokenExpiresAt", "ruleGroups", "savedQueries", "target"]);
    const everything = JSON.stringify(Object.values(run.outputs).map((o) => o.value));
    expect(everything).not.toContain(FAKES.serviceAccountKey);
    expect(everything).not.toContain(FAKES.token("cloud-datasource-read-token"));
    expect(everything).not.toContain(CONFIG["beacon:cloudAccessPolicyToken"]);
  });

  it("takes the OTLP endpoint from the stack's otlpUrl and builds the header from the stack id and the write token", () => {
    expect(run.outputs["grafanaUrl"]).toEqual({ value: "https://beacontest.grafana.net", secret: false });
    expect(run.outputs["otlpEndpoint"]).toEqual({ value: `${URLS.otlpUrl}/otlp`, secret: false });
    expect(run.outputs["otlpAuthorizationHeader"]).toEqual({ value: `Basic ${Buffer.from(`${FAKES.stackId}:${FAKES.token("cloud-otlp-write-token")}`).toString("base64")}`, secret: true });
    expect(run.outputs["otlpTokenExpiresAt"]).toEqual({ value: "2026-03-04T00:00:00Z", secret: false });
  });

  it("fails `pulumi up` naming the stack when the stack reports no OTLP URL", () => {
    // Pulumi fails a program through unhandled rejections; run it on plain Node as its host does.
    const result = nativeRun("Pulumi.cloud.yaml", { state: { "grafana:cloud/stack:Stack": { otlpUrl: "" } } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: Grafana Cloud stack "yourbeaconstack" reports no OTLP endpoint (its otlpUrl output is empty)');
    expect(result.stdout).toBe("");
  });

  it("follows whatever OTLP URL the stack reports", async () => {
    const other = (type: string, _name: string, state: Record<string, unknown>) => (type === "grafana:cloud/stack:Stack" ? { ...state, otlpUrl: "https://otlp.example.net/otlp/" } : state);
    const again = await runProgram(CONFIG, SECRET_KEYS, other);
    expect(again.outputs["otlpEndpoint"]?.value).toBe("https://otlp.example.net/otlp");
  });
});

describe("target cloud: content", () => {
  it("provisions every fixture dashboard with its JSON unchanged, in its folder", () => {
    const manifest = JSON.parse(readFileSync(path.join(FIXTURE_DIR, "manifest.json"), "utf8")) as { dashboards: { uid: string; file: string; folder: string }[]; folders: { key: string; uid: string }[] };
    const dashboards = ofType(run, "grafana:oss/dashboard:Dashboard");
    expect(dashboards).toHaveLength(manifest.dashboards.length);
    for (const d of manifest.dashboards) {
      const r = named(`content-dashboard-${d.uid}`);
      expect(r.parentType).toBe("beacon:infra:Content");
      expect(JSON.parse(String(r.inputs["configJson"]))).toEqual(JSON.parse(readFileSync(path.join(FIXTURE_DIR, d.file), "utf8")));
      expect(r.inputs["folder"]).toBe(manifest.folders.find((f) => f.key === d.folder)?.uid);
    }
  });

  it("provisions saved queries as typed apps.v1.Query resources when beacon:queryLibrary is true", () => {
    expect(ofType(run, "grafana:apps/genericResource:GenericResource")).toEqual([]);
    const saved = ofType(run, "grafana:apps/v1/query:Query");
    expect(saved.map((s) => s.name).sort()).toEqual(["content-saved-query-client-errors", "content-saved-query-ws-connection-traces"]);
    const traces = named("content-saved-query-ws-connection-traces").inputs as { metadata: unknown; options: unknown; spec: { title: string; targets: { propertiesJson: string }[] } };
    expect(traces.metadata).toEqual({ uid: "ws-connection-traces" });
    expect(traces.options).toEqual({ overwrite: true, managerIdentity: "beacon" });
    expect(traces.spec.title).toBe("WebSocket connection traces");
    expect(JSON.parse(traces.spec.targets[0]?.propertiesJson ?? "")).toEqual({ refId: "A", datasource: { type: "tempo", uid: "beacon-tempo" }, queryType: "traceql", query: '{ name =~ "ws:.*" }' });
    expect(named("content-saved-query-client-errors").inputs["spec"]).toMatchObject({ vars: [{ key: "job", defaultValues: [".*"] }], isLocked: true, isVisible: true });
  });

  it("reports resource counts", () => {
    const counts = countsByType(run);
    const custom = run.resources.filter((r) => r.custom).length;
    console.log(`cloud target (fixture): ${custom} resources + ${run.resources.length - custom} components`, counts);
    expect(counts["grafana:apps/v1/query:Query"]).toBe(2);
  });
});
