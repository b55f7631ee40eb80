// The fleet gateway on Kubernetes (cloud, beacon:gateway): the program under mocks, on the real
// build output, so the ConfigMap is compared with generated/gateway/ as built. TLS at nginx from a
// Secret (the default) and, said explicitly, at the operator's load balancer; the sending queue
// on a claim per replica.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { byName, FAKES, isSecretInput, nativeRun, ofType, plain, runProgram, STAND_IN_SECRETS, type ProgramRun } from "./testing/run-program.ts";

const CLIENT_KEYS = "ck-1.5.0-aaaaaaaaaaaaaaaa release=1.5.0\nck-1.4.2-bbbbbbbbbbbbbbbb release=1.4.2\n";
const SERVER_KEYS = "sk-cccccccccccccccc\n";
const STACK = parse(readFileSync("Pulumi.cloud.yaml", "utf8")) as { config: Record<string, string> };
const SECRETS = { ...STAND_IN_SECRETS, "beacon:gatewayClientKeys": CLIENT_KEYS, "beacon:gatewayServerKeys": SERVER_KEYS };

const GATEWAY = { ...STACK.config, ...SECRETS, "beacon:generatedDir": "generated", "beacon:gateway": "true", "beacon:gatewayReplicas": "3", "beacon:gatewayMaxReplicas": "12" };
const TLS_SECRET = "beacon-gateway-tls";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram({ ...GATEWAY, "beacon:gatewayTlsSecret": TLS_SECRET, "beacon:gatewayQueueStorageClass": "premium-rwo" }, Object.keys(SECRETS));
}, 120_000);

interface Container {
  name: string;
  image: string;
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  readinessProbe?: { httpGet?: { path: string; port: number; scheme?: string } };
}
interface PodSpec {
  containers: Container[];
  volumes: { name: string; secret?: { secretName: string }; emptyDir?: unknown; configMap?: unknown }[];
  securityContext?: { fsGroup?: number };
}
interface StatefulSetSpec {
  replicas: number;
  serviceName: string;
  selector: { matchLabels: Record<string, string> };
  volumeClaimTemplates: { metadata: { name: string }; spec: { accessModes: string[]; storageClassName?: string; resources: { requests: { storage: string } } } }[];
  persistentVolumeClaimRetentionPolicy: { whenScaled: string; whenDeleted: string };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  ports: { name: string; port: number; targetPort: string }[];
}

const statefulSet = (r: ProgramRun) => byName(r, "gateway-statefulset").inputs["spec"] as StatefulSetSpec;
const container = (r: ProgramRun, name: string) => statefulSet(r).template.spec.containers.find((c) => c.name === name)!;
const nginxConf = (r: ProgramRun) => (byName(r, "gateway-config").inputs["data"] as Record<string, string>)["nginx.conf"] ?? "";
/** Where the mounts of a container put a path: the volume mounted at the path's directory. */
const volumeAt = (c: Container, file: string) => c.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`))?.name;

/** The OTLP write token the mocks hand out, and the credential the gateway sends to Cloud. */
const cloudAuth = () => Buffer.from(`${FAKES.stackId}:${FAKES.token("cloud-otlp-write-token")}`).toString("base64");

describe("the gateway on Kubernetes", () => {
  it("holds exactly the generated collector config and the TLS nginx config", () => {
    const cm = byName(run, "gateway-config");
    expect(cm.type).toBe("kubernetes:core/v1:ConfigMap");
    const data = cm.inputs["data"] as Record<string, string>;
    expect(data["collector.yaml"]).toBe(readFileSync("generated/gateway/collector.yaml", "utf8"));
    expect(data["nginx.conf"]).toBe(readFileSync("generated/gateway/nginx-tls.conf", "utf8"));
  });

  it("runs the configured replicas as a StatefulSet, autoscaled on CPU between them and the maximum", () => {
    expect(ofType(run, "kubernetes:apps/v1:Deployment")).toEqual([]);
    const sts = byName(run, "gateway-statefulset");
    // No secret in the spec (credentials come from the Secrets), so a preview's diff stays readable.
    expect(isSecretInput(sts.inputs["spec"])).toBe(false);
    const spec = statefulSet(run);
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ["nginx", "nginx:1.27-alpine"],
      ["collector", "otel/opentelemetry-collector-contrib:0.161.0"],
    ]);
    // The collector's receivers listen on loopback: installs reach them only through nginx's limit.
    const env = Object.fromEntries((container(run, "collector").env ?? []).map((e) => [e.name, e.value]));
    expect(env["BEACON_GATEWAY_CLIENT_ENDPOINT"]).toBe("127.0.0.1:4318");
    const hpa = byName(run, "gateway-hpa").inputs["spec"] as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number; metrics: { resource: { name: string } }[] };
    const stsName = (sts.state["metadata"] as { name: string }).name;
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "StatefulSet", name: stsName });
    expect([hpa.minReplicas, hpa.maxReplicas, hpa.metrics[0]?.resource.name]).toEqual([3, 12, "cpu"]);
    // The governing Service is headless; the public one is the only LoadBalancer.
    const replicas = byName(run, "gateway-replicas");
    expect(spec.serviceName).toBe((replicas.state["metadata"] as { name: string }).name);
    expect((replicas.inputs["spec"] as ServiceSpec).clusterIP).toBe("None");
    expect(ofType(run, "kubernetes:core/v1:Service").filter((s) => (s.inputs["spec"] as ServiceSpec).type === "LoadBalancer").map((s) => s.name)).toEqual(["gateway-service"]);
    // A node drain takes one replica at a time, of these pods.
    const pdb = byName(run, "gateway-pdb").inputs["spec"] as { maxUnavailable: number; selector: { matchLabels: Record<string, string> } };
    expect(pdb).toEqual({ maxUnavailable: 1, selector: { matchLabels: spec.template.metadata.labels } });
  });

  it("keeps each replica's sending queue on its own PersistentVolumeClaim, where the collector's storage dir points", () => {
    const spec = statefulSet(run);
    expect(spec.volumeClaimTemplates).toEqual([
      { metadata: { name: "queue", labels: spec.template.metadata.labels }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "premium-rwo", resources: { requests: { storage: "10Gi" } } } },
    ]);
    // Not an emptyDir (or any pod volume) of the same name, which would shadow the claim.
    expect(spec.template.spec.volumes.map((v) => v.name)).not.toContain("queue");
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenScaled: "Retain", whenDeleted: "Retain" });
    const collector = container(run, "collector");
    const storageDir = collector.env?.find((e) => e.name === "BEACON_GATEWAY_STORAGE_DIR")?.value;
    expect(collector.volumeMounts).toContainEqual({ name: "queue", mountPath: storageDir });
    // The collector image's user (10001) can write the volume.
    expect(spec.template.spec.securityContext?.fsGroup).toBe(10001);
  });

  it("terminates TLS in nginx with the certificate of the configured Secret, on the public 443", () => {
    const conf = nginxConf(run);
    const certificate = /^\s*ssl_certificate (\S+);$/m.exec(conf)?.[1] ?? "";
    const key = /^\s*ssl_certificate_key (\S+);$/m.exec(conf)?.[1] ?? "";
    const nginx = container(run, "nginx");
    // Both files the config names are in the volume of the Secret.
    expect([volumeAt(nginx, certificate), volumeAt(nginx, key)]).toEqual(["tls", "tls"]);
    expect(statefulSet(run).template.spec.volumes.find((v) => v.name === "tls")).toEqual({ name: "tls", secret: { secretName: TLS_SECRET } });
    // Every port the public Service exposes is one nginx listens on with TLS.
    const service = byName(run, "gateway-service").inputs["spec"] as ServiceSpec;
    expect(service.ports.map((p) => [p.port, p.targetPort])).toEqual([
      [443, "otlp-clients"],
      [4319, "otlp-server"],
    ]);
    for (const p of service.ports) {
      const containerPort = nginx.ports?.find((c) => c.name === p.targetPort)?.containerPort;
      expect(conf, `${p.targetPort}`).toMatch(new RegExp(`^\\s*listen 0\\.0\\.0\\.0:${containerPort} ssl;$`, "m"));
    }
    // No listener without TLS.
    expect(conf).not.toMatch(/^\s*listen [^;]*\d;$/m);
    expect(nginx.readinessProbe?.httpGet?.scheme).toBe("HTTPS");
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

  it("outputs the public HTTPS address for env:write", () => {
    expect(run.outputs["gatewayEndpoint"]).toEqual({ value: `https://${FAKES.loadBalancer}`, secret: false });
    expect(run.outputs["gatewayServerEndpoint"]).toEqual({ value: `https://${FAKES.loadBalancer}:4319`, secret: false });
  });
});

describe("TLS is never off by default", () => {
  // A program error fails Pulumi's host through unhandled rejections: run it as the host does.
  const gatewayRun = (set: Record<string, string>) =>
    nativeRun("Pulumi.cloud.yaml", { set: { "beacon:gateway": "true", "beacon:gatewayClientKeys": CLIENT_KEYS, "beacon:gatewayServerKeys": SERVER_KEYS, ...set } });

  it("refuses a gateway without a TLS Secret or an explicit load balancer termination, and a single replica", () => {
    const result = gatewayRun({ "beacon:gatewayReplicas": "1" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("beacon:gatewayReplicas must be at least 2");
    expect(result.stderr).toContain("beacon:gatewayTlsSecret is required with beacon:gateway");
    expect(result.stdout).toBe("");
  }, 60_000);

  it("serves plain HTTP behind the operator's load balancer only when told so, on the same public ports", async () => {
    const lb = await runProgram({ ...GATEWAY, "beacon:gatewayTlsTermination": "load-balancer" }, Object.keys(SECRETS));
    expect(nginxConf(lb)).toBe(readFileSync("generated/gateway/nginx.conf", "utf8"));
    expect(nginxConf(lb)).not.toContain("ssl");
    expect(statefulSet(lb).template.spec.volumes.map((v) => v.name)).not.toContain("tls");
    expect(container(lb, "nginx").readinessProbe?.httpGet?.scheme).toBe("HTTP");
    // The claim without a class: the cluster's default StorageClass.
    expect(statefulSet(lb).volumeClaimTemplates[0]?.spec.storageClassName).toBeUndefined();
    const service = byName(lb, "gateway-service").inputs["spec"] as ServiceSpec;
    expect(service.ports.map((p) => p.port)).toEqual([443, 4319]);
    expect(lb.outputs["gatewayEndpoint"]?.value).toBe(`https://${FAKES.loadBalancer}`);
  }, 60_000);

  it("refuses a TLS Secret that nginx would not use", () => {
    const result = gatewayRun({ "beacon:gatewayTlsTermination": "load-balancer", "beacon:gatewayTlsSecret": TLS_SECRET });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('beacon:gatewayTlsSecret must be unset when beacon:gatewayTlsTermination is "load-balancer"');
  }, 60_000);
});
