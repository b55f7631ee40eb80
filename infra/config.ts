// Every setting the program reads, read and validated here and nowhere else. A missing or
// wrong setting fails before any resource is registered, naming the key and how to set it.
// Secrets come through requireSecret, so they stay encrypted in state and masked in output.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { COMPOSE_URLS } from "../build/datasources.ts";
import type { GatewayTls } from "./components/gateway.ts";

export const CONFIG_NAMESPACE = "beacon";
/** The docker-compose Grafana Pulumi provisions (service grafana-pulumi, `docker compose --profile pulumi up -d`). */
export const SELF_HOSTED_GRAFANA_URL = "http://localhost:3001";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const url = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const boolString = z.stringbool({ error: 'must be "true" or "false"' });
/** A Kubernetes object name (RFC 1123 subdomain). */
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a Kubernetes object name (lowercase letters, digits, '-' and '.')");

/** A duration as the provider's rotating tokens take it: hours, minutes, seconds (e.g. 2160h, 1h30m). */
const DURATION = /^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/;
const duration = z.string().regex(DURATION, "must be a duration in h, m and s, such as 2160h or 1h30m");

/** Seconds in a duration of the form `DURATION` accepts. */
export function durationSeconds(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === "") throw new ConfigError(`"${text}" is not a duration such as 2160h or 1h30m`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

const common = {
  /** Where the build wrote its output, relative to the repository root. */
  generatedDir: z.string().min(1).default("generated"),
  /** Provision saved queries as query library resources (needs Grafana ≥ 12.4 with the queryLibrary feature). */
  queryLibrary: boolString.default(false),
};

const cloudSchema = z.object({
  target: z.literal("cloud"),
  ...common,
  cloudRegion: z.string({ error: "is required for target cloud (e.g. prod-us-east-0)" }).regex(/^[a-z0-9-]+$/, "must be a Grafana Cloud region slug such as prod-us-east-0"),
  stackSlug: z
    .string({ error: "is required for target cloud (the <slug> of https://<slug>.grafana.net)" })
    .regex(/^[a-z][a-z0-9]{1,28}$/, "must be lowercase letters and digits, starting with a letter (it becomes <slug>.grafana.net)"),
  stackName: z.string().min(1).optional(),
  /** Stack deletion guard; set to false only to tear the stack down. */
  stackDeleteProtection: boolString.default(true),
  /** Lifetime of every token the program creates (OTLP write, datasource read, service account). */
  tokenExpireAfter: duration.default("2160h"),
  /** How long before expiry a `pulumi up` replaces a token; scheduled deploys must run more often than this. */
  tokenRotationWindow: duration.default("336h"),
  /** Deploy the fleet gateway (issue 10) to the Kubernetes cluster of the ambient kubeconfig. */
  gateway: boolString.default(false),
  gatewayNamespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a Kubernetes namespace name").default("beacon-gateway"),
  /** Replicas at deploy time and the autoscaler's minimum (two: one may be replaced at any time). */
  gatewayReplicas: z.coerce.number().int().min(2, "must be at least 2 (one replica may be replaced or drained at any time)").max(100).default(2),
  gatewayMaxReplicas: z.coerce.number().int().min(1).max(500).default(10),
  /** The autoscaler's target, percent of the pods' CPU request. */
  gatewayCpuTargetPercent: z.coerce.number().int().min(10).max(100).default(70),
  /** The official contrib image of the collector release the config is generated and tested for. */
  gatewayCollectorImage: z.string().min(1).default("otel/opentelemetry-collector-contrib:0.161.0"),
  gatewayNginxImage: z.string().min(1).default("nginx:1.27-alpine"),
  /** Who terminates TLS on the public address: nginx (with gatewayTlsSecret) or the operator's own load balancer, said explicitly. */
  gatewayTlsTermination: z.enum(["nginx", "load-balancer"], { error: 'must be "nginx" or "load-balancer"' }).default("nginx"),
  /** A kubernetes.io/tls Secret in gatewayNamespace (e.g. cert-manager's) whose certificate nginx serves. */
  gatewayTlsSecret: k8sName.optional(),
  /** Each replica's claim for the persistent sending queue; 10Gi is five times the emptyDir it replaced. */
  gatewayQueueStorageSize: z.string().regex(/^[1-9]\d*(Mi|Gi|Ti)$/, "must be a size in Mi, Gi or Ti, such as 10Gi").default("10Gi"),
  /** The claims' StorageClass; unset, the cluster's default class. */
  gatewayQueueStorageClass: k8sName.optional(),
}).refine((s) => s.gatewayMaxReplicas >= s.gatewayReplicas, {
  path: ["gatewayMaxReplicas"],
  message: "must be at least beacon:gatewayReplicas",
}).refine((s) => !s.gateway || s.gatewayTlsTermination !== "nginx" || s.gatewayTlsSecret !== undefined, {
  path: ["gatewayTlsSecret"],
  message:
    'is required with beacon:gateway: the kubernetes.io/tls Secret in beacon:gatewayNamespace whose certificate nginx serves to installs (or set beacon:gatewayTlsTermination to "load-balancer" if your own load balancer terminates TLS)',
}).refine((s) => s.gatewayTlsTermination !== "load-balancer" || s.gatewayTlsSecret === undefined, {
  path: ["gatewayTlsSecret"],
  message: 'must be unset when beacon:gatewayTlsTermination is "load-balancer" (nginx then serves plain HTTP behind it)',
}).refine((s) => !DURATION.test(s.tokenExpireAfter) || !DURATION.test(s.tokenRotationWindow) || durationSeconds(s.tokenRotationWindow) < durationSeconds(s.tokenExpireAfter), {
  path: ["tokenRotationWindow"],
  message: "must be shorter than beacon:tokenExpireAfter (a token is rotated within this window before it expires)",
});

const selfHostedSchema = z.object({
  target: z.literal("self-hosted"),
  ...common,
  // docker-compose's `grafana-pulumi` (profile pulumi): a Grafana with nothing file-provisioned.
  // The default `grafana` on :3000 file-provisions the same uids read-only; never target it.
  grafanaUrl: url.default(SELF_HOSTED_GRAFANA_URL),
  // Datasource URLs are where Grafana (not your machine) reaches each backend; the defaults
  // are the docker-compose service names.
  prometheusUrl: url.default(COMPOSE_URLS.prometheus),
  lokiUrl: url.default(COMPOSE_URLS.loki),
  tempoUrl: url.default(COMPOSE_URLS.tempo),
  alertmanagerUrl: url.default(COMPOSE_URLS.alertmanager),
  /** Where the client and server export OTLP/HTTP (the local collector). */
  otlpEndpoint: url.default("http://localhost:4318"),
});

const settingsSchema = z.discriminatedUnion("target", [cloudSchema, selfHostedSchema], {
  error: 'must be "cloud" or "self-hosted"',
});

type Settings = z.infer<typeof settingsSchema>;
export type CloudSettings = Extract<Settings, { target: "cloud" }> & {
  /** Cloud access policy token with stacks, accesspolicies and stack-service-accounts scopes. */
  readonly cloudAccessPolicyToken: pulumi.Output<string>;
  /** With `gateway`: the gateway's key files (one key per line), secrets. */
  readonly gatewayKeys?: { readonly clients: pulumi.Output<string>; readonly server: pulumi.Output<string> };
  /** With `gateway`: who terminates TLS on its public address. */
  readonly gatewayTls?: GatewayTls;
};
export type SelfHostedSettings = Extract<Settings, { target: "self-hosted" }> & {
  /** "user:password" or a service account token of an Admin of that Grafana. */
  readonly grafanaAuth: pulumi.Output<string>;
};
export type BeaconConfig = CloudSettings | SelfHostedSettings;

const KEYS = [
  "target",
  "generatedDir",
  "queryLibrary",
  "cloudRegion",
  "stackSlug",
  "stackName",
  "stackDeleteProtection",
  "tokenExpireAfter",
  "tokenRotationWindow",
  "gateway",
  "gatewayNamespace",
  "gatewayReplicas",
  "gatewayMaxReplicas",
  "gatewayCpuTargetPercent",
  "gatewayCollectorImage",
  "gatewayNginxImage",
  "gatewayTlsTermination",
  "gatewayTlsSecret",
  "gatewayQueueStorageSize",
  "gatewayQueueStorageClass",
  "grafanaUrl",
  "prometheusUrl",
  "lokiUrl",
  "tempoUrl",
  "alertmanagerUrl",
  "otlpEndpoint",
] as const;

const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;

function requireSecret(config: pulumi.Config, name: string, why: string): pulumi.Output<string> {
  const value = config.getSecret(name);
  if (value === undefined) {
    throw new ConfigError(`${key(name)} is required (${why}); set it with \`pulumi config set --secret ${key(name)} <value>\``);
  }
  return value;
}

/** Reads and validates the stack's settings. Throws ConfigError naming every wrong key. */
export function loadConfig(): BeaconConfig {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const raw: Record<string, string> = {};
  for (const name of KEYS) {
    const value = config.get(name);
    if (value !== undefined) raw[name] = value;
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join(".") || "target";
      const got = raw[name] === undefined ? "unset" : `got "${raw[name]}"`;
      return `${key(name)} ${issue.message} (${got})`;
    });
    throw new ConfigError(`invalid stack configuration:\n  ${problems.join("\n  ")}`);
  }
  const settings = parsed.data;
  if (settings.target === "cloud") {
    const cloudAccessPolicyToken = requireSecret(config, "cloudAccessPolicyToken", "a Grafana Cloud access policy token");
    if (!settings.gateway) return { ...settings, cloudAccessPolicyToken };
    const gatewayKeys = {
      clients: requireSecret(config, "gatewayClientKeys", "the gateway's client keys, one per line, the first the current release's"),
      server: requireSecret(config, "gatewayServerKeys", "the gateway's server keys, one per line"),
    };
    const secretName = settings.gatewayTlsSecret;
    // The schema has reported this already; plain HTTP is never the fallback.
    if (settings.gatewayTlsTermination === "nginx" && secretName === undefined) throw new ConfigError(`${key("gatewayTlsSecret")} is required with beacon:gateway`);
    const gatewayTls: GatewayTls = secretName !== undefined ? { terminatedBy: "nginx", secretName } : { terminatedBy: "load-balancer" };
    return { ...settings, cloudAccessPolicyToken, gatewayKeys, gatewayTls };
  }
  return { ...settings, grafanaAuth: requireSecret(config, "grafanaAuth", 'Grafana credentials, "user:password" or a service account token') };
}

/** Config key holding a contact point secret: SLACK_WEBHOOK_URL -> slackWebhookUrl. */
export function secretConfigKey(secretName: string): string {
  return secretName.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The secrets the generated contact points reference, each from its own secret config key. */
export function loadContactPointSecrets(secretNames: readonly string[]): Record<string, pulumi.Output<string>> {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const missing = secretNames.filter((name) => config.getSecret(secretConfigKey(name)) === undefined);
  if (missing.length > 0) {
    const lines = missing.map((name) => `${key(secretConfigKey(name))} (contact point secret ${name}): pulumi config set --secret ${key(secretConfigKey(name))} <value>`);
    throw new ConfigError(`missing contact point secrets:\n  ${lines.join("\n  ")}`);
  }
  return Object.fromEntries(secretNames.map((name) => [name, requireSecret(config, secretConfigKey(name), `contact point secret ${name}`)]));
}
