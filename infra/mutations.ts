// Deliberate single changes to infra/ that the suite must notice: each is applied to a copy of
// infra/ and the listed test files are run on it (infra/mutations.test.ts); every test named in
// `kills` must then fail. The first ten are the ones issue 13 names or asks for; the rest guard
// what it added (token lifetimes, minimal outputs, the typed saved queries, the policy depth).
// A mutation whose `find` text no longer occurs exactly once fails the check: keep the list in
// step with the code.

export interface Mutation {
  readonly id: string;
  /** What the change breaks, in words. */
  readonly breaks: string;
  /** File under the repository root, and the exact text replaced (must occur once). */
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  /** Test files to run on the mutant, relative to the repository root. */
  readonly run: readonly string[];
  /** Full names ("describe > test") of tests that must fail; a regex is matched against the full name. */
  readonly kills: readonly RegExp[];
}

const SELF_HOSTED = "infra/program-self-hosted.test.ts";
const CLOUD = "infra/program-cloud.test.ts";

export const MUTATIONS: readonly Mutation[] = [
  {
    id: "contact-points-without-secret-outputs",
    breaks: "contact point blocks holding webhook URLs and keys are stored unencrypted in state",
    file: "infra/components/content.ts",
    find: "{ ...child, additionalSecretOutputs: sensitiveBlocks(blocks) }",
    replace: "child",
    run: [SELF_HOSTED],
    kills: [/resource options > declares every credential-bearing contact point block additionalSecretOutputs/],
  },
  {
    id: "notification-policy-without-depends-on",
    breaks: "the policy tree may be written before the contact points and mute timing it names",
    file: "infra/components/content.ts",
    find: 'dependsOn: referenced(policyReferences(content.notificationPolicy), "notification policy")',
    replace: 'dependsOnDropped: referenced(policyReferences(content.notificationPolicy), "notification policy")',
    run: [SELF_HOSTED],
    kills: [/resource options > makes the notification policy wait for every contact point/],
  },
  {
    id: "rule-groups-without-depends-on",
    breaks: "rule groups may be created before the datasources they query and the contact points they route to",
    file: "infra/components/content.ts",
    find: "{ ...child, dependsOn: [args.datasources, ...referenced(ruleGroupReferences(group), `rule group ${group.title}`)] }",
    replace: "child",
    run: [SELF_HOSTED],
    kills: [/resource options > makes each rule group wait for the datasources/],
  },
  {
    id: "tempo-url-without-tempo-path",
    breaks: "Grafana Cloud serves Tempo's API under /tempo: the datasource would 404",
    file: "infra/components/cloud-stack.ts",
    find: "url: pulumi.interpolate`${this.stack.tracesUrl}/tempo`",
    replace: "url: this.stack.tracesUrl",
    run: [CLOUD],
    kills: [/datasources on the stack's endpoints > tempo: URL, instance user/],
  },
  {
    id: "loki-user-is-prometheus-id",
    breaks: "Loki's basic-auth user would be the Prometheus instance id: every log query 401s",
    file: "infra/components/cloud-stack.ts",
    find: "loki: { url: this.stack.logsUrl, basicAuth: { user: this.stack.logsUserId.apply(String)",
    replace: "loki: { url: this.stack.logsUrl, basicAuth: { user: this.stack.prometheusUserId.apply(String)",
    run: [CLOUD],
    kills: [/datasources on the stack's endpoints > loki: URL, instance user/],
  },
  {
    id: "hard-coded-token-region",
    breaks: "the OTLP token would be created in another region than its policy and stack",
    file: "infra/components/cloud-stack.ts",
    find: "accessPolicyId: writePolicy.policyId,\n        region: args.region,",
    replace: 'accessPolicyId: writePolicy.policyId,\n        region: "prod-us-east-0",',
    run: [CLOUD],
    kills: [/puts every access policy and token in the stack's region/],
  },
  {
    id: "prometheus-url-without-api-prom",
    breaks: "Grafana Cloud serves the Prometheus API under /api/prom: every metric query would fail",
    file: "infra/components/cloud-stack.ts",
    find: "url: pulumi.interpolate`${this.stack.prometheusUrl}/api/prom`",
    replace: "url: this.stack.prometheusUrl",
    run: [CLOUD],
    kills: [/datasources on the stack's endpoints > prometheus: URL, instance user/],
  },
  {
    id: "dashboard-folder-as-plain-uid",
    breaks: "a dashboard's folder given as a plain string loses the dependency: it may be created before its folder",
    file: "infra/components/content.ts",
    find: "folder: folderOf(d.folderUid, `dashboard ${d.uid}`).uid",
    replace: "folder: d.folderUid",
    run: [SELF_HOSTED],
    kills: [/resource options > creates each dashboard after its folder/],
  },
  {
    id: "contact-point-secret-read-as-plain-config",
    breaks: "a contact point credential read with config.require is no secret: plain text in state and previews",
    file: "infra/config.ts",
    find: "[name, requireSecret(config, secretConfigKey(name), `contact point secret ${name}`)]",
    replace: "[name, pulumi.output(config.require(secretConfigKey(name)))]",
    run: [SELF_HOSTED],
    kills: [/builds contact points from typed blocks, every credential-bearing block a secret/],
  },
  {
    id: "otlp-header-from-read-token",
    breaks: "the apps would export with the datasources' read-only token: every OTLP request 401s",
    file: "infra/components/cloud-stack.ts",
    find: "pulumi.all([this.stack.id, writeToken.token])",
    replace: "pulumi.all([this.stack.id, readToken.token])",
    run: [CLOUD],
    kills: [/outputs > takes the OTLP endpoint from the stack's otlpUrl and builds the header/],
  },
  {
    id: "no-otlp-url-check",
    breaks: "a stack without an OTLP URL would export the endpoint \"/otlp\" and fail only in env:write or the apps",
    file: "infra/components/cloud-stack.ts",
    find: 'if (otlpUrl === undefined || otlpUrl.trim() === "") {',
    replace: "if (otlpUrl === undefined) {",
    run: [CLOUD],
    kills: [/fails `pulumi up` naming the stack when the stack reports no OTLP URL/],
  },
  {
    id: "token-lifetime-hard-coded",
    breaks: "tokens would ignore beacon:tokenExpireAfter and beacon:tokenRotationWindow",
    file: "infra/components/cloud-stack.ts",
    find: "const lifetime = { expireAfter: args.tokens.expireAfter, earlyRotationWindow: args.tokens.rotationWindow };",
    replace: 'const lifetime = { expireAfter: "2160h", earlyRotationWindow: "336h" };',
    run: [CLOUD],
    kills: [/gives every token a life span from config/],
  },
  {
    id: "env-write-shows-every-secret",
    breaks: "env:write would read every output with --show-secrets",
    file: "infra/env-files.ts",
    find: "for (const name of PLAIN_OUTPUTS) raw[name] = read(name, false);",
    replace: "for (const name of PLAIN_OUTPUTS) raw[name] = read(name, true);",
    run: ["infra/env-files.test.ts"],
    kills: [/reads only the outputs the apps need, and only the OTLP header with --show-secrets/],
  },
  {
    id: "policy-depth-four",
    breaks: "a fifth level of notification routes, which the provider supports, would be refused",
    file: "infra/alerting-args.ts",
    find: "export const MAX_POLICY_DEPTH = 5;",
    replace: "export const MAX_POLICY_DEPTH = 4;",
    run: ["infra/content-args.test.ts"],
    kills: [/accepts the provider's five levels of child policies/],
  },
  {
    id: "rule-groups-without-contact-points",
    breaks: "a rule group routing to a contact point by name may be created before it",
    file: "infra/components/content.ts",
    find: "dependsOn: [args.datasources, ...referenced(ruleGroupReferences(group), `rule group ${group.title}`)]",
    replace: "dependsOn: [args.datasources]",
    run: [SELF_HOSTED],
    kills: [/resource options > makes each rule group wait for the datasources it queries and the contact points/],
  },
  {
    id: "datasource-uid-changed",
    breaks: "dashboards, rules and saved queries name the datasources by their fixed uids",
    file: "infra/components/datasources.ts",
    find: "uid: spec.uid,",
    replace: "uid: `${spec.uid}-v2`,",
    run: [SELF_HOSTED],
    kills: [/creates Prometheus, Loki, Tempo and Alertmanager with the fixed uids/],
  },
];
