// The program for target "cloud", run under Pulumi's mocks against the fixture build output.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DATASOURCES } from "../build/content-types.ts";
import { FAKES, FIXTURE_DIR, isSecretInput, ofType, plain, runProgram, type ProgramRun } from "./testing/run-program.ts";

const CONFIG = {
  "beacon:target": "cloud",
  "beacon:generatedDir": FIXTURE_DIR,
  "beacon:cloudRegion": "prod-us-east-0",
  "beacon:stackSlug": "beacontest",
  "beacon:queryLibrary": "true",
  "beacon:cloudAccessPolicyToken": "glc_fake_admin_token",
  "beacon:slackWebhookUrl": "https://hooks.slack.example/T000/B000/XXX",
  "beacon:pagerdutyIntegrationKey": "pd-fake-key",
  "beacon:alertWebhookUrl": "https://alerts.example/hook",
};
const SECRET_KEYS = ["beacon:cloudAccessPolicyToken", "beacon:slackWebhookUrl", "beacon:pagerdutyIntegrationKey", "beacon:alertWebhookUrl"];

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram(CONFIG, SECRET_KEYS);
});

const byName = (name: string) => {
  const r = run.resources.find((x) => x.name === name);
  if (!r) throw new Error(`resource ${name} was not registered`);
  return r;
};
const providerName = (ref: string | undefined) => ref?.split("::")[3];

describe("target cloud", () => {
  it("creates the stack, scoped tokens and a service account under CloudStack, through the cloud provider", () => {
    const cloudChildren = ["cloud-stack", "cloud-otlp-write-policy", "cloud-otlp-write-token", "cloud-datasource-read-policy", "cloud-datasource-read-token", "cloud-service-account", "cloud-service-account-token"];
    for (const name of cloudChildren) {
      const r = byName(name);
      expect(r.parentType, name).toBe("beacon:infra:CloudStack");
      expect(providerName(r.provider), name).toBe("cloud-cloud-provider");
    }
    expect(byName("cloud-stack").inputs).toMatchObject({ slug: "beacontest", regionSlug: "prod-us-east-0", name: "beacontest", deleteProtection: true });
    expect(byName("cloud-otlp-write-policy").inputs).toMatchObject({ scopes: ["metrics:write", "logs:write", "traces:write"], realms: [{ type: "stack", identifier: FAKES.stackId }] });
    expect(byName("cloud-datasource-read-policy").inputs).toMatchObject({ scopes: ["metrics:read", "logs:read", "traces:read"] });
    expect(byName("cloud-service-account").inputs).toMatchObject({ stackSlug: "beacontest", role: "Admin" });
  });

  it("manages the stack's Grafana through a second provider built from the service account token", () => {
    const provider = byName("cloud-grafana-provider");
    expect(provider.type).toBe("pulumi:providers:grafana");
    expect(provider.parentType).toBe("beacon:infra:CloudStack");
    expect(provider.inputs["url"]).toBe("https://beacontest.grafana.net");
    expect(isSecretInput(provider.inputs["auth"])).toBe(true);
    expect(plain(provider.inputs["auth"])).toBe(FAKES.serviceAccountKey);
    for (const r of run.resources.filter((x) => x.custom && x.type.startsWith("grafana:") && !x.type.startsWith("grafana:cloud/"))) {
      expect(providerName(r.provider), r.name).toBe("cloud-grafana-provider");
    }
  });

  it("creates the three datasources with the fixed uids, pointing at the stack with basic auth", () => {
    const ds = ofType(run, "grafana:oss/dataSource:DataSource");
    expect(ds.map((d) => d.inputs["uid"]).sort()).toEqual([DATASOURCES.loki.uid, DATASOURCES.prometheus.uid, DATASOURCES.tempo.uid].sort());
    for (const d of ds) expect(d.parentType).toBe("beacon:infra:Datasources");
    expect(byName("datasources-prometheus").inputs).toMatchObject({
      url: "https://prometheus-prod-13-prod-us-east-0.grafana.net/api/prom",
      basicAuthEnabled: true,
      basicAuthUsername: "1100001",
    });
    const secure = byName("datasources-tempo").inputs["secureJsonDataEncoded"];
    expect(isSecretInput(secure)).toBe(true);
    expect(JSON.parse(String(plain(secure)))).toEqual({ basicAuthPassword: "glc_fake_cloud-datasource-read-token" });
  });

  it("exports the stack URL, the OTLP endpoint and, as secrets, the OTLP header and service account token", () => {
    expect(run.outputs["grafanaUrl"]).toEqual({ value: "https://beacontest.grafana.net", secret: false });
    expect(run.outputs["otlpEndpoint"]).toEqual({ value: "https://otlp-gateway-prod-us-east-0.grafana.net/otlp", secret: false });
    const header = run.outputs["otlpAuthorizationHeader"];
    expect(header?.secret).toBe(true);
    expect(header?.value).toBe(`Basic ${Buffer.from(`${FAKES.stackId}:${FAKES.otlpWriteToken}`).toString("base64")}`);
    expect(run.outputs["serviceAccountToken"]).toEqual({ value: FAKES.serviceAccountKey, secret: true });
  });

  it("provisions every fixture dashboard with its JSON unchanged, in its folder", () => {
    const manifest = JSON.parse(readFileSync(path.join(FIXTURE_DIR, "manifest.json"), "utf8")) as { dashboards: { uid: string; file: string; folder: string }[]; folders: { key: string; uid: string }[] };
    const dashboards = ofType(run, "grafana:oss/dashboard:Dashboard");
    expect(dashboards).toHaveLength(manifest.dashboards.length);
    for (const d of manifest.dashboards) {
      const r = byName(`content-dashboard-${d.uid}`);
      expect(r.parentType).toBe("beacon:infra:Content");
      expect(JSON.parse(String(r.inputs["configJson"]))).toEqual(JSON.parse(readFileSync(path.join(FIXTURE_DIR, d.file), "utf8")));
      expect(r.inputs["folder"]).toBe(manifest.folders.find((f) => f.key === d.folder)?.uid);
    }
  });

  it("provisions saved queries as query library resources when beacon:queryLibrary is true", () => {
    const saved = ofType(run, "grafana:apps/genericResource:GenericResource");
    expect(saved.map((s) => s.name).sort()).toEqual(["content-saved-query-client-errors", "content-saved-query-ws-connection-traces"]);
    expect(saved[0]?.inputs["manifest"]).toMatchObject({ apiVersion: "querylibrary.grafana.app/v0alpha1", kind: "QueryTemplate" });
  });

  it("reports resource counts", () => {
    const custom = run.resources.filter((r) => r.custom);
    const counts: Record<string, number> = {};
    for (const r of custom) counts[r.type] = (counts[r.type] ?? 0) + 1;
    console.log(`cloud target (fixture): ${custom.length} resources + ${run.resources.length - custom.length} components`, counts);
    expect(custom.length).toBeGreaterThan(20);
  });
});
