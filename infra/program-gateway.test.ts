// The fleet gateway on Kubernetes (cloud, beacon:gateway): the program under mocks, on the real
// build output, so the ConfigMap is compared with generated/gateway/ as built.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { byName, FAKES, isSecretInput, ofType, plain, runProgram, STAND_IN_SECRETS, type ProgramRun } from "./testing/run-program.ts";

const CLIENT_KEYS = "ck-1.5.0-aaaaaaaaaaaaaaaa release=1.5.0\nck-1.4.2-bbbbbbbbbbbbbbbb release=1.4.2\n";
const SERVER_KEYS = "sk-cccccccccccccccc\n";
const STACK = parse(readFileSync("Pulumi.cloud.yaml", "utf8")) as { config: Record<string, string> };
const SECRETS = { ...STAND_IN_SECRETS, "beacon:gatewayClientKeys": CLIENT_KEYS, "beacon:gatewayServerKeys": SERVER_KEYS };

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram({ ...STACK.config, ...SECRETS, "beacon:generatedDir": "generated", "beacon:gateway": "true", "beacon:gatewayReplicas": "3", "beacon:gatewayMaxReplicas": "12" }, Object.keys(SECRETS));
}, 120_000);

/** The OTLP write token the mocks hand out, and the credential the gateway sends to Cloud. */
const cloudAuth = () => Buffer.from(`${FAKES.stackId}:${FAKES.token("cloud-otlp-write-token")}`).toString("base64");

describe("the gateway on Kubernetes", () => {
  it("holds exactly the generated collector config and nginx config", () => {
    const cm = byName(run, "gateway-config");
    expect(cm.type).toBe("kubernetes:core/v1:ConfigMap");
    const data = cm.inputs["data"] as Record<string, string>;
    expect(data["collector.yaml"]).toBe(readFileSync("generated/gateway/collector.yaml", "utf8"));
    expect(data["nginx.conf"]).toBe(readFileSync("generated/gateway/nginx.conf", "utf8"));
  });

  it("runs the configured replicas, autoscaled on CPU between them and the maximum", () => {
    const deployment = byName(run, "gateway-deployment");
    // No secret in the spec (credentials come from the Secrets), so a preview's diff stays readable.
    expect(isSecretInput(deployment.inputs["spec"])).toBe(false);
    const spec = deployment.inputs["spec"] as { replicas: number; template: { spec: { containers: { name: string; image: string; env?: { name: string; value?: string }[] }[] } } };
    expect(spec.replicas).toBe(3);
    const containers = spec.template.spec.containers;
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ["nginx", "nginx:1.27-alpine"],
      ["collector", "otel/opentelemetry-collector-contrib:0.161.0"],
    ]);
    // The collector's receivers listen on loopback: installs reach them only through nginx's limit.
    const env = Object.fromEntries((containers[1]?.env ?? []).map((e) => [e.name, e.value]));
    expect(env["BEACON_GATEWAY_CLIENT_ENDPOINT"]).toBe("127.0.0.1:4318");
    const hpa = byName(run, "gateway-hpa").inputs["spec"] as { minReplicas: number; maxReplicas: number; metrics: { resource: { name: string } }[] };
    expect([hpa.minReplicas, hpa.maxReplicas, hpa.metrics[0]?.resource.name]).toEqual([3, 12, "cpu"]);
    expect(ofType(run, "kubernetes:core/v1:Service")).toHaveLength(1);
  });

  it("keeps the Cloud credential and the keys secret, in inputs, state and outputs", () => {
    const cloud = byName(run, "gateway-cloud");
    const stringData = cloud.inputs["stringData"];
    const auth = (plain(stringData) as Record<string, unknown>)["GRAFANA_CLOUD_OTLP_AUTH"];
    expect(isSecretInput(auth) || isSecretInput(stringData)).toBe(true);
    // The stack's own OTLP write credential, without "Basic " (the config adds it).
    expect(plain(auth)).toBe(cloudAuth());
    expect(cloud.opts.additionalSecretOutputs).toEqual(expect.arrayContaining(["data", "stringData"]));
    expect(byName(run, "gateway-keys").opts.additionalSecretOutputs).toEqual(expect.arrayContaining(["data", "stringData"]));
    // Nowhere in plain text: every recorded input and state with secrets left out.
    const plainText = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (isSecretInput(x) ? "[secret]" : x));
    for (const r of run.resources) {
      for (const needle of [cloudAuth(), "ck-1.5.0-aaaaaaaaaaaaaaaa", "sk-cccccccccccccccc"]) {
        expect(plainText(r.inputs), `${r.name} inputs`).not.toContain(needle);
        expect(plainText(r.state), `${r.name} state`).not.toContain(needle);
      }
    }
    expect(run.outputs["gatewayClientKey"]).toEqual({ value: "ck-1.5.0-aaaaaaaaaaaaaaaa", secret: true });
    expect(run.outputs["gatewayServerKey"]).toEqual({ value: "sk-cccccccccccccccc", secret: true });
    // The apps never get the Cloud header: with the gateway it is not an output at all.
    expect(run.outputs["otlpAuthorizationHeader"]).toBeUndefined();
  });

  it("outputs the public address for env:write", () => {
    expect(run.outputs["gatewayEndpoint"]).toEqual({ value: `http://${FAKES.loadBalancer}:4318`, secret: false });
    expect(run.outputs["gatewayServerEndpoint"]).toEqual({ value: `http://${FAKES.loadBalancer}:4319`, secret: false });
  });
});
