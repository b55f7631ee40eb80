// A Grafana Cloud stack and the credentials around it: a write-only token for the apps'
// OTLP exporters, a read-only token for the datasources, and a stack service account whose
// token drives a second provider that manages the stack's own Grafana. Every token expires
// (`tokenExpireAfter`) and is replaced by the first `pulumi up` inside its rotation window
// (`tokenRotationWindow`): the provider's rotating-token resources.
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { DatasourceEndpoints } from "./datasources.ts";

/** What the client's and server's OTLP exporters may do, and nothing more. */
export const OTLP_WRITE_SCOPES = ["metrics:write", "logs:write", "traces:write"] as const;
/** What Grafana's datasources need to query the stack's Prometheus, Loki and Tempo. */
export const DATASOURCE_READ_SCOPES = ["metrics:read", "logs:read", "traces:read"] as const;

export interface TokenLifetime {
  /** Provider duration, e.g. "2160h". */
  readonly expireAfter: string;
  /** Provider duration, e.g. "336h"; shorter than expireAfter. */
  readonly rotationWindow: string;
  /** The same two in seconds (the stack service account token takes seconds). */
  readonly expireAfterSeconds: number;
  readonly rotationWindowSeconds: number;
}

export interface CloudStackArgs {
  readonly slug: string;
  readonly displayName: string;
  readonly region: string;
  readonly cloudAccessPolicyToken: pulumi.Input<string>;
  readonly deleteProtection: boolean;
  readonly tokens: TokenLifetime;
}

/** OTLP/HTTP base endpoint: the stack reports the gateway host; exporters append /v1/<signal>. */
export function otlpEndpointOf(otlpUrl: string | undefined, slug: string): string {
  if (otlpUrl === undefined || otlpUrl.trim() === "") {
    // Fail the `pulumi up` here, naming the stack, rather than leave an empty endpoint for
    // `npm run env:write` (and the apps) to trip over later.
    throw new Error(
      `Grafana Cloud stack "${slug}" reports no OTLP endpoint (its otlpUrl output is empty), so the apps would have nowhere to export. ` +
        "Check the stack's OpenTelemetry page in the Grafana Cloud portal, then `pulumi refresh` and `pulumi up` again.",
    );
  }
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
  /** When the OTLP write token in that header expires (RFC 3339): re-run env:write before. */
  public readonly otlpTokenExpiresAt: pulumi.Output<string>;
  public readonly datasourceEndpoints: DatasourceEndpoints;

  constructor(name: string, args: CloudStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("beacon:infra:CloudStack", name, {}, opts);
    const cloudProvider = new grafana.Provider(`${name}-cloud-provider`, { cloudAccessPolicyToken: args.cloudAccessPolicyToken }, { parent: this });
    const cloud = { parent: this, provider: cloudProvider };
    const lifetime = { expireAfter: args.tokens.expireAfter, earlyRotationWindow: args.tokens.rotationWindow };

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
    const writeToken = new grafana.cloud.AccessPolicyRotatingToken(
      `${name}-otlp-write-token`,
      {
        namePrefix: `${args.slug}-otlp-write`,
        accessPolicyId: writePolicy.policyId,
        region: args.region,
        ...lifetime,
        // The apps hold this token (their .env): a rotated-out token stays valid until it
        // expires, so running apps keep exporting until `npm run env:write` gives them the new one.
        deleteOnDestroy: false,
      },
      cloud,
    );

    const readPolicy = new grafana.cloud.AccessPolicy(
      `${name}-datasource-read-policy`,
      { name: `${args.slug}-datasource-read`, displayName: `${args.displayName} datasources`, region: args.region, scopes: [...DATASOURCE_READ_SCOPES], realms },
      cloud,
    );
    const readToken = new grafana.cloud.AccessPolicyRotatingToken(
      `${name}-datasource-read-token`,
      // Only the datasources hold it, and the same `pulumi up` moves them to the new token.
      { namePrefix: `${args.slug}-datasource-read`, accessPolicyId: readPolicy.policyId, region: args.region, ...lifetime, deleteOnDestroy: true },
      cloud,
    );

    const serviceAccount = new grafana.cloud.StackServiceAccount(
      `${name}-service-account`,
      { stackSlug: this.stack.slug, name: "beacon-pulumi", role: "Admin", isDisabled: false },
      cloud,
    );
    const serviceAccountToken = new grafana.cloud.StackServiceAccountRotatingToken(
      `${name}-service-account-token`,
      {
        stackSlug: this.stack.slug,
        serviceAccountId: serviceAccount.id,
        namePrefix: "beacon-pulumi",
        secondsToLive: args.tokens.expireAfterSeconds,
        earlyRotationWindowSeconds: args.tokens.rotationWindowSeconds,
        // Only the provider below holds it; it switches to the new token in the same `pulumi up`.
        deleteOnDestroy: true,
      },
      cloud,
    );

    // The Admin token never leaves the program: it is not a stack output.
    this.grafanaProvider = new grafana.Provider(`${name}-grafana-provider`, { url: this.stack.url, auth: pulumi.secret(serviceAccountToken.key) }, { parent: this });
    this.grafanaUrl = this.stack.url;
    const stack = this.stack;
    this.otlpEndpoint = stack.otlpUrl.apply((u) => {
      try {
        return otlpEndpointOf(u, args.slug);
      } catch (err) {
        // A ResourceError names the stack resource and prints without a JavaScript stack trace.
        throw new pulumi.ResourceError((err as Error).message, stack, true);
      }
    });
    this.otlpAuthorizationHeader = pulumi.secret(pulumi.all([this.stack.id, writeToken.token]).apply(([id, token]) => otlpAuthorizationHeader(id, token)));
    this.otlpTokenExpiresAt = writeToken.expiresAt;

    const password = pulumi.secret(readToken.token);
    this.datasourceEndpoints = {
      // Grafana Cloud serves the Prometheus API under /api/prom and Tempo's under /tempo; each
      // backend has its own instance user id.
      prometheus: { url: pulumi.interpolate`${this.stack.prometheusUrl}/api/prom`, basicAuth: { user: this.stack.prometheusUserId.apply(String), password } },
      loki: { url: this.stack.logsUrl, basicAuth: { user: this.stack.logsUserId.apply(String), password } },
      tempo: { url: pulumi.interpolate`${this.stack.tracesUrl}/tempo`, basicAuth: { user: this.stack.tracesUserId.apply(String), password } },
    };

    this.registerOutputs({
      grafanaUrl: this.grafanaUrl,
      otlpEndpoint: this.otlpEndpoint,
      otlpAuthorizationHeader: this.otlpAuthorizationHeader,
      otlpTokenExpiresAt: this.otlpTokenExpiresAt,
    });
  }
}
