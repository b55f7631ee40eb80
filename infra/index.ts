// `pulumi up`: wires the components together; settings come from config.ts, content from
// the build output. Run through Pulumi.yaml at the repository root (see infra/README.md).
import path from "node:path";
import { CloudStack } from "./components/cloud-stack.ts";
import { Content } from "./components/content.ts";
import { Datasources } from "./components/datasources.ts";
import { SelfHostedGrafana } from "./components/self-hosted-grafana.ts";
import { loadConfig, loadContactPointSecrets } from "./config.ts";
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

export const target = config.target;
export const grafanaUrl = grafanaTarget.grafanaUrl;
export const otlpEndpoint = grafanaTarget.otlpEndpoint;
/** Secret: the value of the OTLP exporters' Authorization header (cloud only). */
export const otlpAuthorizationHeader = grafanaTarget instanceof CloudStack ? grafanaTarget.otlpAuthorizationHeader : undefined;
/** Secret: the stack service account token Pulumi manages the stack's Grafana with (cloud only). */
export const serviceAccountToken = grafanaTarget instanceof CloudStack ? grafanaTarget.serviceAccountToken : undefined;
export const dashboardUids = provisioned.dashboardUids;
export const ruleGroups = provisioned.ruleGroupNames;
export const savedQueries = provisioned.savedQueryCount;
