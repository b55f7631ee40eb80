// A Grafana Cloud stack and the credentials around it: a write-only token for the apps'
// OTLP exporters, a read-only token for the datasources, and a stack service account whose
// token drives a second provider that manages the stack's own Grafana.
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { DatasourceEndpoints } from "./datasources.ts";

/** What the client's and server's OTLP exporters may do, and nothing more. */
export const OTLP_WRITE_SCOPES = ["metrics:write", "logs:write", "traces:write"] as const;
/** What Grafana's datasources need to query the stack's Prometheus, Loki and Tempo. */
export const DATASOURCE_READ_SCOPES = ["metrics:read", "logs:read", "traces:read"] as const;

export interface CloudStackArgs {
  readonly slug: string;
  readonly displayName: string;
  readonly region: string;
  readonly cloudAccessPolicyToken: pulumi.Input<string>;
  readonly deleteProtection: boolean;
}

/** OTLP/HTTP base endpoint: the stack reports the gateway host; exporters append /v1/<signal>. */
export function otlpEndpointOf(otlpUrl: string): string {
  const base = otlpUrl.replace(/\/+$/, "");
  return base.endsWith("/otlp") ? base : `${base}/otlp`;
}

/** The OTLP gateway's Authorization header: Basic base64("<stack id>:<token>"). */
export function otlpAuthorizationHeader(stackId: string, token: string): string {
  return `Basic ${Buffer.from(`${stackId}:${token}`).toString("base64")}`;
}

export class CloudStack extends pulumi.ComponentResource {
  public readonly stack: grafana.cloud.Stack;
  /** Provider for the stack's Grafana (service account token); content goes through it. */
  public readonly grafanaProvider: grafana.Provider;
  public readonly grafanaUrl: pulumi.Output<string>;
  public readonly otlpEndpoint: pulumi.Output<string>;
  /** Secret. */
  public readonly otlpAuthorizationHeader: pulumi.Output<string>;
  /** Secret. */
  public readonly serviceAccountToken: pulumi.Output<string>;
  public readonly datasourceEndpoints: DatasourceEndpoints;

  constructor(name: string, args: CloudStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("beacon:infra:CloudStack", name, {}, opts);
    const cloudProvider = new grafana.Provider(`${name}-cloud-provider`, { cloudAccessPolicyToken: args.cloudAccessPolicyToken }, { parent: this });
    const cloud = { parent: this, provider: cloudProvider };

    this.stack = new grafana.cloud.Stack(
      `${name}-stack`,
      { slug: args.slug, name: args.displayName, regionSlug: args.region, deleteProtection: args.deleteProtection, waitForReadiness: true },
      cloud,
    );
    const realms = [{ type: "stack", identifier: this.stack.id }];

    const writePolicy = new grafana.cloud.AccessPolicy(
      `${name}-otlp-write-policy`,
      { name: `${args.slug}-otlp-write`, displayName: `${args.displayName} OTLP exporters`, region: args.region, scopes: [...OTLP_WRITE_SCOPES], realms },
      cloud,
    );
    const writeToken = new grafana.cloud.AccessPolicyToken(
      `${name}-otlp-write-token`,
      { name: `${args.slug}-otlp-write`, accessPolicyId: writePolicy.policyId, region: args.region },
      cloud,
    );

    const readPolicy = new grafana.cloud.AccessPolicy(
      `${name}-datasource-read-policy`,
      { name: `${args.slug}-datasource-read`, displayName: `${args.displayName} datasources`, region: args.region, scopes: [...DATASOURCE_READ_SCOPES], realms },
      cloud,
    );
    const readToken = new grafana.cloud.AccessPolicyToken(
      `${name}-datasource-read-token`,
      { name: `${args.slug}-datasource-read`, accessPolicyId: readPolicy.policyId, region: args.region },
      cloud,
    );

    const serviceAccount = new grafana.cloud.StackServiceAccount(
      `${name}-service-account`,
      { stackSlug: this.stack.slug, name: "beacon-pulumi", role: "Admin", isDisabled: false },
      cloud,
    );
    const serviceAccountToken = new grafana.cloud.StackServiceAccountToken(
      `${name}-service-account-token`,
      { stackSlug: this.stack.slug, serviceAccountId: serviceAccount.id, name: "beacon-pulumi" },
      cloud,
    );
    this.serviceAccountToken = pulumi.secret(serviceAccountToken.key);

    this.grafanaProvider = new grafana.Provider(`${name}-grafana-provider`, { url: this.stack.url, auth: this.serviceAccountToken }, { parent: this });
    this.grafanaUrl = this.stack.url;
    this.otlpEndpoint = this.stack.otlpUrl.apply(otlpEndpointOf);
    this.otlpAuthorizationHeader = pulumi.secret(pulumi.all([this.stack.id, writeToken.token]).apply(([id, token]) => otlpAuthorizationHeader(id, token)));

    const password = pulumi.secret(readToken.token);
    this.datasourceEndpoints = {
      // Grafana Cloud serves the Prometheus API under /api/prom and Tempo's under /tempo.
      prometheus: { url: pulumi.interpolate`${this.stack.prometheusUrl}/api/prom`, basicAuth: { user: this.stack.prometheusUserId.apply(String), password } },
      loki: { url: this.stack.logsUrl, basicAuth: { user: this.stack.logsUserId.apply(String), password } },
      tempo: { url: pulumi.interpolate`${this.stack.tracesUrl}/tempo`, basicAuth: { user: this.stack.tracesUserId.apply(String), password } },
    };

    this.registerOutputs({
      grafanaUrl: this.grafanaUrl,
      otlpEndpoint: this.otlpEndpoint,
      otlpAuthorizationHeader: this.otlpAuthorizationHeader,
      serviceAccountToken: this.serviceAccountToken,
    });
  }
}
