// The fleet gateway (issue 10) on Kubernetes: a StatefulSet of N replicas of the generated
// collector config (generated/gateway/collector.yaml, byte for byte) with the nginx sidecar of
// generated/gateway/nginx-tls.conf in front of each (TLS and the per-install limit), each replica
// with its own PersistentVolumeClaim for the sending queue, a LoadBalancer Service (the public
// address installs send to), an HPA on CPU and a PodDisruptionBudget. The Cloud credential and
// the gateway keys live in Secrets; the pod reads the credential from env and the keys as files
// (re-read on change: rotating a key is an update of the Secret, no restart).
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PRODUCTION_TLS_DIR } from "../../gateway/nginx.ts";

export interface GatewayArgs {
  readonly namespace: string;
  /** Replicas to start with, and the HPA's minimum. */
  readonly replicas: number;
  readonly maxReplicas: number;
  /** HPA target: average CPU utilisation of the pods' requests, percent. */
  readonly cpuTargetPercent: number;
  /** generated/gateway/collector.yaml exactly as built. */
  readonly collectorConfig: string;
  /** Exactly as built: generated/gateway/nginx-tls.conf, or nginx.conf (plain) with TLS at the load balancer. */
  readonly nginxConfig: string;
  readonly tls: GatewayTls;
  /** Each replica's claim for the persistent sending queue. */
  readonly queueStorage: { readonly size: string; readonly storageClass?: string | undefined };
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

/**
 * Who terminates TLS on the public address. nginx: with the certificate of a kubernetes.io/tls
 * Secret (e.g. cert-manager's) in the namespace. load-balancer: the operator's own load balancer
 * in front of the Service's ports, said explicitly in config; nginx then serves plain HTTP.
 */
export type GatewayTls = { readonly terminatedBy: "nginx"; readonly secretName: string } | { readonly terminatedBy: "load-balancer" };

/** Container ports; the collector listens on loopback only, so nothing bypasses nginx. */
export const GATEWAY_PORTS = { clients: 8080, server: 8081, health: 13133, metrics: 8888 } as const;
/** Service ports, both HTTPS: what installs (the default port) and the chat server dial. */
export const GATEWAY_SERVICE_PORTS = { clients: 443, server: 4319 } as const;
const CONFIG_DIR = "/etc/beacon-gateway";
const KEYS_DIR = "/etc/beacon-gateway/keys";
const STORAGE_DIR = "/var/lib/beacon-gateway";
/** The user the official collector images run as (opentelemetry-collector-releases' Dockerfiles). */
const COLLECTOR_UID = 10001;

export class Gateway extends pulumi.ComponentResource {
  /** https://<load balancer>: where installs send (client/.env). */
  public readonly clientEndpoint: pulumi.Output<string>;
  /** https://<load balancer>:4319: where the chat server sends (server/.env). */
  public readonly serverEndpoint: pulumi.Output<string>;
  public readonly statefulSetName: pulumi.Output<string>;

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

    // Governs the StatefulSet: each replica gets a stable DNS name (nothing else goes through it).
    const replicasService = new k8s.core.v1.Service(
      `${name}-replicas`,
      {
        metadata: { namespace: ns, labels },
        spec: { clusterIP: "None", selector: labels, ports: [{ name: "metrics", port: GATEWAY_PORTS.metrics, targetPort: "metrics" }] },
      },
      child,
    );

    const tlsAtNginx = args.tls.terminatedBy === "nginx";
    const env = (name: string, value: string) => ({ name, value });
    // A StatefulSet, not a Deployment: each replica keeps its own queue volume across pod
    // replacements (a new pod of the same ordinal mounts the same claim and sends what the old
    // one still held), and never two pods on one claim (a Deployment's surge would, and
    // file_storage's bbolt file takes one process).
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: { namespace: ns, labels },
        spec: {
          serviceName: replicasService.metadata.name,
          replicas: args.replicas,
          selector: { matchLabels: labels },
          // The HPA's scale-ups start together; updates still go one pod at a time (below).
          podManagementPolicy: "Parallel",
          // One replica at a time, each Ready before the next: a stopped replica's clients retry on the others.
          updateStrategy: { type: "RollingUpdate" },
          // A scaled-down replica's claim stays (with any queue it could not drain) for when the
          // HPA brings that ordinal back; deleting the gateway leaves the claims to the operator.
          persistentVolumeClaimRetentionPolicy: { whenScaled: "Retain", whenDeleted: "Retain" },
          volumeClaimTemplates: [
            {
              metadata: { name: "queue", labels },
              spec: {
                accessModes: ["ReadWriteOnce"],
                ...(args.queueStorage.storageClass !== undefined ? { storageClassName: args.queueStorage.storageClass } : {}),
                resources: { requests: { storage: args.queueStorage.size } },
              },
            },
          ],
          template: {
            metadata: {
              labels,
              annotations: {
                // A config or key change rolls the pods (the key files are re-read anyway).
                "beacon/config-hash": pulumi.output(args.collectorConfig + args.nginxConfig).apply(hash),
                // A rotated Cloud token rolls the pods too (env is read at start). 64 bits of a
                // SHA-256 of a random token reveal nothing, so it is unsecret: the StatefulSet's
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
              // The queue volume is writable by the collector's user (root-owned on most provisioners).
              securityContext: { fsGroup: COLLECTOR_UID, fsGroupChangePolicy: "OnRootMismatch" },
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
                  readinessProbe: { httpGet: { path: "/nginx-health", port: GATEWAY_PORTS.clients, scheme: tlsAtNginx ? "HTTPS" : "HTTP" } },
                  resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                  volumeMounts: [
                    { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                    { name: "nginx-tmp", mountPath: "/tmp/nginx" },
                    // Read at nginx's start: a renewed certificate is served after the pods roll.
                    ...(tlsAtNginx ? [{ name: "tls", mountPath: PRODUCTION_TLS_DIR, readOnly: true }] : []),
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
                ...(args.tls.terminatedBy === "nginx" ? [{ name: "tls", secret: { secretName: args.tls.secretName } }] : []),
                // "queue" (the persistent sending queue) is the claim of volumeClaimTemplates.
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
            // HTTPS in both modes: nginx's TLS, or the operator's load balancer's in front.
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
          scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: statefulSet.metadata.name },
          minReplicas: args.replicas,
          maxReplicas: args.maxReplicas,
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.cpuTargetPercent } } }],
        },
      },
      child,
    );

    // Node drains take one replica at a time (its clients retry on the others).
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: { namespace: ns, labels }, spec: { selector: { matchLabels: labels }, maxUnavailable: 1 } }, child);

    const host = service.status.apply((s) => {
      const ingress = s?.loadBalancer?.ingress?.[0];
      const address = ingress?.hostname ?? ingress?.ip;
      if (!address) throw new Error(`the gateway's Service ${name}-service has no load balancer address yet`);
      return address;
    });
    // Port 443 is HTTPS's default, so installs' endpoint carries none.
    this.clientEndpoint = pulumi.interpolate`https://${host}`;
    this.serverEndpoint = pulumi.interpolate`https://${host}:${GATEWAY_SERVICE_PORTS.server}`;
    this.statefulSetName = statefulSet.metadata.name;
    this.registerOutputs({ clientEndpoint: this.clientEndpoint, serverEndpoint: this.serverEndpoint, statefulSetName: this.statefulSetName });
  }
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
