// `pulumi up`: wires the components together; settings come from config.ts, content from
// the build output. Run through Pulumi.yaml at the repository root (see infra/README.md).
import path from "node:path";
import { CloudStack } from "./components/cloud-stack.ts";
import { Content } from "./components/content.ts";
import { Datasources } from "./components/datasources.ts";
import { SelfHostedGrafana } from "./components/self-hosted-grafana.ts";
import { durationSeconds, loadConfig, loadContactPointSecrets } from "./config.ts";
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

// Stack outputs: only what people and `npm run env:write` need. No management credential is
// exported (the service account token stays inside the program), so `pulumi stack output
// --show-secrets` can reveal nothing but the apps' own OTLP header. One default-exported object
// (Pulumi's nodejs host takes it as the outputs) so self-hosted stacks simply lack the cloud ones.
const cloudOutputs =
  grafanaTarget instanceof CloudStack
    ? {
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
