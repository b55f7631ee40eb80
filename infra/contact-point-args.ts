// Grafana API contact points (what the build writes) -> @pulumiverse/grafana ContactPoint args.
// Typed blocks (slacks, webhooks, ...) rather than the free-form `settings` map: the provider
// normalises typed fields, so `pulumi up` after `pulumi up` shows no diff. Secret settings are
// filled from secret config and never appear in the generated files.
import type * as pulumi from "@pulumi/pulumi";
import type * as grafana from "@pulumiverse/grafana";
import type { ContactPointFile, IntegrationType } from "./generated-content.ts";

export class ContactPointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContactPointError";
  }
}

/** Integration type -> the ContactPointArgs block that holds it. */
export const BLOCK_OF = { email: "emails", slack: "slacks", pagerduty: "pagerduties", webhook: "webhooks" } as const satisfies Record<IntegrationType, keyof grafana.alerting.ContactPointArgs>;
export type ContactPointBlock = (typeof BLOCK_OF)[IntegrationType];

/** Grafana API setting key -> provider field, per integration type. Unknown keys are errors, not silently dropped. */
const FIELDS: Record<IntegrationType, Record<string, string>> = {
  email: { addresses: "addresses", singleEmail: "singleEmail", message: "message", subject: "subject" },
  slack: {
    url: "url",
    token: "token",
    recipient: "recipient",
    username: "username",
    title: "title",
    text: "text",
    icon_emoji: "iconEmoji",
    icon_url: "iconUrl",
    mentionChannel: "mentionChannel",
    mentionUsers: "mentionUsers",
    mentionGroups: "mentionGroups",
    color: "color",
    endpointUrl: "endpointUrl",
  },
  pagerduty: {
    integrationKey: "integrationKey",
    severity: "severity",
    class: "class",
    component: "component",
    group: "group",
    summary: "summary",
    source: "source",
    client: "client",
    client_url: "clientUrl",
    details: "details",
    url: "url",
  },
  webhook: {
    url: "url",
    httpMethod: "httpMethod",
    maxAlerts: "maxAlerts",
    title: "title",
    message: "message",
    authorization_scheme: "authorizationScheme",
    authorization_credentials: "authorizationCredentials",
    username: "basicAuthUser",
    password: "basicAuthPassword",
  },
};

/** Provider fields that carry credentials: they may only come from secureSettings (secret config). */
export const SENSITIVE_FIELDS: Record<ContactPointBlock, readonly string[]> = {
  emails: [],
  slacks: ["url", "token"],
  pagerduties: ["integrationKey"],
  webhooks: ["url", "authorizationCredentials", "basicAuthPassword"],
};

/** Fields the provider requires (one of each list), checked here to name the contact point. */
const REQUIRED: Record<IntegrationType, readonly string[]> = {
  email: ["addresses"],
  slack: ["url", "token"],
  pagerduty: ["integrationKey"],
  webhook: ["url"],
};

type Block = Record<string, unknown>;
export type ContactPointBlocks = Pick<grafana.alerting.ContactPointArgs, ContactPointBlock>;

function field(cp: string, type: IntegrationType, key: string): string {
  const name = FIELDS[type][key];
  if (name === undefined) {
    throw new ContactPointError(`contact point "${cp}": ${type} setting "${key}" is not supported (known: ${Object.keys(FIELDS[type]).join(", ")})`);
  }
  return name;
}

function plainValue(type: IntegrationType, name: string, value: unknown): unknown {
  if (type === "email" && name === "addresses") {
    // The API joins addresses with ";" (or ","); the provider wants a list.
    return (Array.isArray(value) ? value.map(String) : String(value).split(/[;,]/)).map((a) => a.trim()).filter((a) => a.length > 0);
  }
  if (type === "webhook" && name === "maxAlerts") return Number(value);
  return value;
}

/** The typed blocks of one contact point, with secrets resolved from `secrets` (SECRET_NAME -> value). */
export function contactPointBlocks(cp: ContactPointFile, secrets: Readonly<Record<string, pulumi.Input<string>>>): ContactPointBlocks {
  const blocks: Partial<Record<ContactPointBlock, Block[]>> = {};
  for (const integration of cp.integrations) {
    const block: Block = {};
    for (const [key, value] of Object.entries(integration.settings)) {
      const name = field(cp.name, integration.type, key);
      if (SENSITIVE_FIELDS[BLOCK_OF[integration.type]].includes(name)) {
        throw new ContactPointError(`contact point "${cp.name}": ${integration.type} setting "${key}" is a credential; put it in secureSettings with a secret name`);
      }
      block[name] = plainValue(integration.type, name, value);
    }
    for (const [key, secretName] of Object.entries(integration.secureSettings)) {
      const secret = secrets[secretName];
      if (secret === undefined) throw new ContactPointError(`contact point "${cp.name}": secret ${secretName} (for ${integration.type} ${key}) was not supplied`);
      block[field(cp.name, integration.type, key)] = secret;
    }
    if (integration.disableResolveMessage !== undefined) block["disableResolveMessage"] = integration.disableResolveMessage;
    if (!REQUIRED[integration.type].some((f) => block[f] !== undefined)) {
      throw new ContactPointError(`contact point "${cp.name}": ${integration.type} needs ${REQUIRED[integration.type].join(" or ")}`);
    }
    (blocks[BLOCK_OF[integration.type]] ??= []).push(block);
  }
  // Each block's fields were mapped key by key from FIELDS, which mirrors the provider's types.
  return blocks as ContactPointBlocks;
}

/** Blocks that hold a credential: the Content component declares them additionalSecretOutputs. */
export function sensitiveBlocks(blocks: ContactPointBlocks): ContactPointBlock[] {
  return (Object.keys(blocks) as ContactPointBlock[]).filter((b) => blocks[b] !== undefined && SENSITIVE_FIELDS[b].length > 0).sort();
}
