// The fleet gateway (issue 10) on Kubernetes: N replicas of the generated collector config
// (generated/gateway/collector.yaml, byte for byte) with the nginx sidecar of
// generated/gateway/nginx.conf in front of each (the per-install limit), a LoadBalancer Service
// (the public address installs send to), and an HPA on CPU. The Cloud credential and the
// gateway keys live in Secrets; the pod reads the credential from env and the keys as files
// (re-read on change: rotating a key is an update of the Secret, no restart).
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface GatewayArgs {
  readonly namespace: string;
  /** Replicas to start with, and the HPA's minimum. */
  readonly replicas: number;
  readonly maxReplicas: number;
  /** HPA target: average CPU utilisation of the pods' requests, percent. */
  readonly cpuTargetPercent: number;
  /** generated/gateway/collector.yaml exactly as built. */
  readonly collectorConfig: string;
  /** generated/gateway/nginx.conf exactly as built. */
  readonly nginxConfig: string;
  readonly collectorImage: string;
  readonly nginxImage: string;
  /** Grafana Cloud's OTLP endpoint (the stack's otlpUrl + /otlp). */
  readonly cloudOtlpEndpoint: pulumi.Input<string>;
  /** Secret: base64(<stack id>:<OTLP write token>), the part after "Basic ". */
  readonly cloudOtlpAuth: pulumi.Input<string>;
  /** Secret: the client keys file, one key per line (a key per release). */
  readonly clientKeys: pulumi.Input<string>;
  /** Secret: the server keys file. */
  readonly serverKeys: pulumi.Input<string>;
}

/** Container ports; the collector listens on loopback only, so nothing bypasses nginx. */
export const GATEWAY_PORTS = { clients: 8080, server: 8081, health: 13133, metrics: 8888 } as const;
/** Service ports: what installs and the chat server dial. */
export const GATEWAY_SERVICE_PORTS = { clients: 4318, server: 4319 } as const;
const CONFIG_DIR = "/etc/beacon-gateway";
const KEYS_DIR = "/etc/beacon-gateway/keys";
const STORAGE_DIR = "/var/lib/beacon-gateway";

export class Gateway extends pulumi.ComponentResource {
  /** http://<load balancer>:4318: where installs send (client/.env). */
  public readonly clientEndpoint: pulumi.Output<string>;
  /** http://<load balancer>:4319: where the chat server sends (server/.env). */
  public readonly serverEndpoint: pulumi.Output<string>;
  public readonly deploymentName: pulumi.Output<string>;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("beacon:infra:Gateway", name, {}, opts);
    const child = { parent: this };
    const labels = { "app.kubernetes.io/name": "beacon-gateway", "app.kubernetes.io/instance": name };
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: args.namespace } }, child);
    const ns = namespace.metadata.name;

    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { namespace: ns, labels }, data: { "collector.yaml": args.collectorConfig, "nginx.conf": args.nginxConfig } },
      child,
    );
    // stringData is write-only and the whole Secret's data secret in state; the inputs are
    // secrets too (pulumi.secret), so no plain text reaches the state or a preview.
    const credentials = new k8s.core.v1.Secret(
      `${name}-cloud`,
      {
        metadata: { namespace: ns, labels },
        type: "Opaque",
        stringData: { GRAFANA_CLOUD_OTLP_ENDPOINT: args.cloudOtlpEndpoint, GRAFANA_CLOUD_OTLP_AUTH: pulumi.secret(args.cloudOtlpAuth) },
      },
      { ...child, additionalSecretOutputs: ["data", "stringData"] },
    );
    const keys = new k8s.core.v1.Secret(
      `${name}-keys`,
      { metadata: { namespace: ns, labels }, type: "Opaque", stringData: { clients: pulumi.secret(args.clientKeys), server: pulumi.secret(args.serverKeys) } },
      { ...child, additionalSecretOutputs: ["data", "stringData"] },
    );

    const env = (name: string, value: string) => ({ name, value });
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { namespace: ns, labels },
        spec: {
          replicas: args.replicas,
          selector: { matchLabels: labels },
          // One replica at a time: a stopped replica's clients retry on the others.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: {
              labels,
              annotations: {
                // A config or key change rolls the pods (the key files are re-read anyway).
                "beacon/config-hash": pulumi.output(args.collectorConfig).apply(hash),
                // A rotated Cloud token rolls the pods too (env is read at start). 64 bits of a
                // SHA-256 of a random token reveal nothing, so it is unsecret: the Deployment's
                // diff stays readable in a preview.
                "beacon/credential-hash": pulumi.unsecret(pulumi.output(args.cloudOtlpAuth).apply(hash)),
                "prometheus.io/scrape": "true",
                "prometheus.io/port": String(GATEWAY_PORTS.metrics),
              },
            },
            spec: {
              // The collector drains on SIGTERM (receivers close, batch and interval flush, the
              // queue stays on disk): gateway.test.ts behaviour 5 shows a SIGTERM loses nothing.
              terminationGracePeriodSeconds: 60,
              containers: [
                {
                  name: "nginx",
                  image: args.nginxImage,
                  args: ["nginx", "-p", "/tmp/nginx", "-c", `${CONFIG_DIR}/nginx.conf`],
                  ports: [
                    { name: "otlp-clients", containerPort: GATEWAY_PORTS.clients },
                    { name: "otlp-server", containerPort: GATEWAY_PORTS.server },
                  ],
                  // Keep serving while the endpoint removal propagates, then stop gracefully
                  // (SIGQUIT: in-flight requests finish) before the collector is told to stop.
                  lifecycle: { preStop: { exec: { command: ["/bin/sh", "-c", "sleep 5; nginx -s quit; while pgrep -x nginx >/dev/null; do sleep 1; done"] } } },
                  readinessProbe: { httpGet: { path: "/nginx-health", port: GATEWAY_PORTS.clients } },
                  resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                  volumeMounts: [
                    { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                    { name: "nginx-tmp", mountPath: "/tmp/nginx" },
                  ],
                },
                {
                  name: "collector",
                  image: args.collectorImage,
                  args: [`--config=file:${CONFIG_DIR}/collector.yaml`],
                  env: [
                    env("BEACON_GATEWAY_CLIENT_ENDPOINT", `127.0.0.1:4318`),
                    env("BEACON_GATEWAY_SERVER_ENDPOINT", `127.0.0.1:4319`),
                    env("BEACON_GATEWAY_CLIENT_KEYS_FILE", `${KEYS_DIR}/clients`),
                    env("BEACON_GATEWAY_SERVER_KEYS_FILE", `${KEYS_DIR}/server`),
                    env("BEACON_GATEWAY_STORAGE_DIR", STORAGE_DIR),
                    // The pod name: the `instance` of the fleet's aggregated client series.
                    { name: "BEACON_GATEWAY_REPLICA", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                  ],
                  envFrom: [{ secretRef: { name: credentials.metadata.name } }],
                  ports: [
                    { name: "health", containerPort: GATEWAY_PORTS.health },
                    { name: "metrics", containerPort: GATEWAY_PORTS.metrics },
                  ],
                  // Outlives nginx's preStop so nginx's last requests are answered.
                  lifecycle: { preStop: { sleep: { seconds: 8 } } },
                  readinessProbe: { httpGet: { path: "/", port: GATEWAY_PORTS.health } },
                  livenessProbe: { httpGet: { path: "/", port: GATEWAY_PORTS.health }, periodSeconds: 10, failureThreshold: 6 },
                  // memory_limiter refuses at 80 % of this limit (config.ts).
                  resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } },
                  volumeMounts: [
                    { name: "config", mountPath: `${CONFIG_DIR}/collector.yaml`, subPath: "collector.yaml", readOnly: true },
                    { name: "keys", mountPath: KEYS_DIR, readOnly: true },
                    { name: "queue", mountPath: STORAGE_DIR },
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: config.metadata.name } },
                { name: "keys", secret: { secretName: keys.metadata.name } },
                // The persistent sending queue: survives a container restart (crash, OOM kill,
                // liveness) in the pod; a deleted pod drains first (preStop + SIGTERM).
                { name: "queue", emptyDir: { sizeLimit: "2Gi" } },
                { name: "nginx-tmp", emptyDir: {} },
              ],
            },
          },
        },
      },
      child,
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { namespace: ns, labels },
        spec: {
          type: "LoadBalancer",
          selector: labels,
          ports: [
            { name: "otlp-clients", port: GATEWAY_SERVICE_PORTS.clients, targetPort: "otlp-clients" },
            { name: "otlp-server", port: GATEWAY_SERVICE_PORTS.server, targetPort: "otlp-server" },
          ],
        },
      },
      child,
    );

    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-hpa`,
      {
        metadata: { namespace: ns, labels },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
          minReplicas: args.replicas,
          maxReplicas: args.maxReplicas,
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.cpuTargetPercent } } }],
        },
      },
      child,
    );

    const host = service.status.apply((s) => {
      const ingress = s?.loadBalancer?.ingress?.[0];
      const address = ingress?.hostname ?? ingress?.ip;
      if (!address) throw new Error(`the gateway's Service ${name}-service has no load balancer address yet`);
      return address;
    });
    this.clientEndpoint = pulumi.interpolate`http://${host}:${GATEWAY_SERVICE_PORTS.clients}`;
    this.serverEndpoint = pulumi.interpolate`http://${host}:${GATEWAY_SERVICE_PORTS.server}`;
    this.deploymentName = deployment.metadata.name;
    this.registerOutputs({ clientEndpoint: this.clientEndpoint, serverEndpoint: this.serverEndpoint, deploymentName: this.deploymentName });
  }
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
