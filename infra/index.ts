// `pulumi up`: wires the components together; settings come from config.ts, content from
// the build output. Run through Pulumi.yaml at the repository root (see infra/README.md).
import { readFileSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CloudStack } from "./components/cloud-stack.ts";
import { Content } from "./components/content.ts";
import { Datasources } from "./components/datasources.ts";
import { Gateway } from "./components/gateway.ts";
import { SelfHostedGrafana } from "./components/self-hosted-grafana.ts";
import { ConfigError, durationSeconds, loadConfig, loadContactPointSecrets } from "./config.ts";
import { contactPointSecretNames, loadGeneratedContent } from "./generated-content.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "..");

const config = loadConfig();
const content = loadGeneratedContent(path.resolve(REPO_ROOT, config.generatedDir));
const contactPointSecrets = loadContactPointSecrets(contactPointSecretNames(content.contactPoints));

const grafanaTarget =
  config.target === "cloud"
    ? new CloudStack("cloud", {
        slug: config.stackSlug,
        displayName: config.stackName ?? config.stackSlug,
        region: config.cloudRegion,
        cloudAccessPolicyToken: config.cloudAccessPolicyToken,
        deleteProtection: config.stackDeleteProtection,
        tokens: {
          expireAfter: config.tokenExpireAfter,
          rotationWindow: config.tokenRotationWindow,
          expireAfterSeconds: durationSeconds(config.tokenExpireAfter),
          rotationWindowSeconds: durationSeconds(config.tokenRotationWindow),
        },
      })
    : new SelfHostedGrafana("self-hosted", {
        url: config.grafanaUrl,
        auth: config.grafanaAuth,
        prometheusUrl: config.prometheusUrl,
        lokiUrl: config.lokiUrl,
        tempoUrl: config.tempoUrl,
        alertmanagerUrl: config.alertmanagerUrl,
        otlpEndpoint: config.otlpEndpoint,
      });

const onTarget = { providers: [grafanaTarget.grafanaProvider] };
const datasources = new Datasources("datasources", { endpoints: grafanaTarget.datasourceEndpoints }, onTarget);
const provisioned = new Content("content", { content, contactPointSecrets, queryLibrary: config.queryLibrary, datasources }, onTarget);

// The fleet gateway (cloud, `beacon:gateway`): the only holder of the Cloud OTLP credential.
function generatedFile(relative: string): string {
  const file = path.resolve(REPO_ROOT, config.generatedDir, relative);
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new ConfigError(`beacon:gateway is true but ${path.relative(REPO_ROOT, file)} is missing: run \`npm run build\` first`);
  }
}
const gateway =
  config.target === "cloud" && config.gatewayKeys !== undefined && config.gatewayTls !== undefined && grafanaTarget instanceof CloudStack
    ? new Gateway("gateway", {
        namespace: config.gatewayNamespace,
        replicas: config.gatewayReplicas,
        maxReplicas: config.gatewayMaxReplicas,
        cpuTargetPercent: config.gatewayCpuTargetPercent,
        collectorConfig: generatedFile("gateway/collector.yaml"),
        // TLS on the public address: nginx's, or (said explicitly) the operator's load balancer's.
        nginxConfig: generatedFile(config.gatewayTls.terminatedBy === "nginx" ? "gateway/nginx-tls.conf" : "gateway/nginx.conf"),
        tls: config.gatewayTls,
        queueStorage: { size: config.gatewayQueueStorageSize, storageClass: config.gatewayQueueStorageClass },
        collectorImage: config.gatewayCollectorImage,
        nginxImage: config.gatewayNginxImage,
        cloudOtlpEndpoint: grafanaTarget.otlpEndpoint,
        cloudOtlpAuth: pulumi.secret(grafanaTarget.otlpAuthorizationHeader.apply((h) => h.replace(/^Basic /, ""))),
        clientKeys: config.gatewayKeys.clients,
        serverKeys: config.gatewayKeys.server,
      })
    : undefined;

/** The first key of a key file (its first word; the rest of a line is a comment). */
const firstKey = (file: pulumi.Output<string>, what: string) =>
  pulumi.secret(
    file.apply((text) => {
      const key = text.split("\n").map((l) => l.trim().split(/\s+/)[0] ?? "").find((k) => k !== "" && !k.startsWith("#"));
      if (key === undefined) throw new ConfigError(`beacon:${what} holds no key`);
      return key;
    }),
  );

// Stack outputs: only what people and `npm run env:write` need. No management credential is
// exported (the service account token stays inside the program), so `pulumi stack output
// --show-secrets` can reveal nothing but the apps' own credential. One default-exported object
// (Pulumi's nodejs host takes it as the outputs) so self-hosted stacks simply lack the cloud ones.
// With the gateway, the apps get its address and their own gateway keys; the Cloud header is
// not an output at all (only the gateway's Secret holds it).
const cloudOutputs =
  grafanaTarget instanceof CloudStack
    ? gateway !== undefined && config.target === "cloud" && config.gatewayKeys !== undefined
      ? {
          gatewayEndpoint: gateway.clientEndpoint,
          gatewayServerEndpoint: gateway.serverEndpoint,
          /** Secret: the current release's client key (the first line of beacon:gatewayClientKeys). */
          gatewayClientKey: firstKey(config.gatewayKeys.clients, "gatewayClientKeys"),
          /** Secret: the chat server's key. */
          gatewayServerKey: firstKey(config.gatewayKeys.server, "gatewayServerKeys"),
          otlpTokenExpiresAt: grafanaTarget.otlpTokenExpiresAt,
        }
      : {
          /** Secret: the value of the OTLP exporters' Authorization header. */
          otlpAuthorizationHeader: grafanaTarget.otlpAuthorizationHeader,
          /** When the token in that header expires; a `pulumi up` inside the rotation window replaces it. */
          otlpTokenExpiresAt: grafanaTarget.otlpTokenExpiresAt,
        }
    : {};

export default {
  target: config.target,
  grafanaUrl: grafanaTarget.grafanaUrl,
  otlpEndpoint: grafanaTarget.otlpEndpoint,
  ...cloudOutputs,
  dashboardUids: provisioned.dashboardUids,
  ruleGroups: provisioned.ruleGroupNames,
  savedQueries: provisioned.savedQueryCount,
};
