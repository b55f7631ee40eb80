// Stack outputs -> the client's and server's local .env files, so the apps export into the
// stack `pulumi up` just made. scripts/write-env.ts runs the CLI and writes the files; this
// module decides which outputs are read (only the ones the apps need, and only the OTLP header
// with --show-secrets) and what the files hold. Variable names are the standard OpenTelemetry
// ones both apps read (client/telemetry/config.ts, server/config.ts).
import { z } from "zod";

export class StackOutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackOutputsError";
  }
}

const noNewline = (s: string) => !/[\r\n\0"\\]/.test(s);

const outputsSchema = z.object({
  target: z.enum(["cloud", "self-hosted"]),
  grafanaUrl: z.url(),
  otlpEndpoint: z.url({ protocol: /^https?$/ }),
  otlpAuthorizationHeader: z.string().regex(/^Basic [A-Za-z0-9+/]+=*$/, "must be Basic <base64>").optional(),
  otlpTokenExpiresAt: z.string().optional(),
  /** With the fleet gateway (cloud, beacon:gateway): where the apps send, and their own keys. */
  gatewayEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  gatewayServerEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  gatewayClientKey: z.string().regex(/^[A-Za-z0-9._~+/=-]+$/, "must be one key (no spaces)").optional(),
  gatewayServerKey: z.string().regex(/^[A-Za-z0-9._~+/=-]+$/, "must be one key (no spaces)").optional(),
});
export type StackOutputs = z.infer<typeof outputsSchema>;

export function parseStackOutputs(raw: unknown): StackOutputs {
  const parsed = outputsSchema.safeParse(raw);
  if (!parsed.success) {
    // Never echo values: one of these outputs is a credential.
    const fields = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new StackOutputsError(`pulumi stack output: ${fields.join("; ")}`);
  }
  const g = parsed.data;
  const gatewayParts = [g.gatewayEndpoint, g.gatewayServerEndpoint, g.gatewayClientKey, g.gatewayServerKey];
  if (gatewayParts.some((v) => v !== undefined) && gatewayParts.some((v) => v === undefined)) {
    throw new StackOutputsError("pulumi stack output: gatewayEndpoint, gatewayServerEndpoint, gatewayClientKey and gatewayServerKey come together (keys need --show-secrets)");
  }
  if (g.gatewayEndpoint !== undefined && g.otlpAuthorizationHeader !== undefined) {
    // Only the gateway holds the Cloud credential; an app given it could bypass the gateway.
    throw new StackOutputsError("pulumi stack output: a stack with the gateway must not hand out otlpAuthorizationHeader");
  }
  if (parsed.data.target === "cloud" && g.gatewayEndpoint === undefined && parsed.data.otlpAuthorizationHeader === undefined) {
    throw new StackOutputsError("pulumi stack output: otlpAuthorizationHeader is missing for target cloud (run with --show-secrets)");
  }
  return parsed.data;
}

/** Runs `pulumi <args>` and returns its stdout (scripts/write-env.ts passes the real CLI). */
export type PulumiCli = (args: readonly string[]) => string;

/** Outputs read without --show-secrets (none of them is a secret). */
export const PLAIN_OUTPUTS = ["target", "grafanaUrl", "otlpEndpoint"] as const;
/** Cloud only: the one secret the apps need (read with --show-secrets), and its expiry. */
export const CLOUD_SECRET_OUTPUT = "otlpAuthorizationHeader";
export const CLOUD_PLAIN_OUTPUTS = ["otlpTokenExpiresAt"] as const;
/** Cloud with the fleet gateway: its addresses (plain) and the apps' own gateway keys (secret). */
export const GATEWAY_PLAIN_OUTPUTS = ["gatewayEndpoint", "gatewayServerEndpoint"] as const;
export const GATEWAY_SECRET_OUTPUTS = ["gatewayClientKey", "gatewayServerKey"] as const;

/**
 * Reads exactly the outputs the apps need, one `pulumi stack output <name>` each; only the OTLP
 * header is asked for with --show-secrets, so no other secret output could ever be revealed.
 */
export function readStackOutputs(pulumi: PulumiCli, stack: string): StackOutputs {
  const read = (name: string, showSecrets: boolean): unknown => {
    const text = pulumi(["stack", "output", name, "--json", "--stack", stack, ...(showSecrets ? ["--show-secrets"] : [])]);
    try {
      return JSON.parse(text);
    } catch {
      throw new StackOutputsError(`pulumi stack output ${name}: not JSON`);
    }
  };
  const raw: Record<string, unknown> = {};
  for (const name of PLAIN_OUTPUTS) raw[name] = read(name, false);
  if (raw["target"] === "cloud") {
    // A stack with the gateway: the apps get its address and their own keys, and the Cloud
    // header is never asked for (the stack does not even export it).
    const gateway = readOptional(pulumi, stack, "gatewayEndpoint");
    if (gateway !== undefined) {
      raw["gatewayEndpoint"] = gateway;
      raw["gatewayServerEndpoint"] = read("gatewayServerEndpoint", false);
      for (const name of GATEWAY_SECRET_OUTPUTS) raw[name] = read(name, true);
    } else {
      raw[CLOUD_SECRET_OUTPUT] = read(CLOUD_SECRET_OUTPUT, true);
    }
    for (const name of CLOUD_PLAIN_OUTPUTS) raw[name] = read(name, false);
  }
  return parseStackOutputs(raw);
}

/** An output that a stack may lack (the CLI fails on a missing one): undefined then. */
function readOptional(pulumi: PulumiCli, stack: string, name: string): unknown {
  let text: string;
  try {
    text = pulumi(["stack", "output", name, "--json", "--stack", stack]);
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new StackOutputsError(`pulumi stack output ${name}: not JSON`);
  }
}

function line(key: string, value: string): string {
  if (!noNewline(value)) throw new StackOutputsError(`${key}: value contains a quote, backslash or line break`);
  return `${key}="${value}"`;
}

/** OTEL_EXPORTER_OTLP_HEADERS form: key=value pairs with percent-encoded values (OTel spec). */
export function otlpHeadersValue(authorization: string): string {
  return `Authorization=${encodeURIComponent(authorization)}`;
}

export interface EnvFiles {
  /** client/.env */
  readonly client: string;
  /** server/.env */
  readonly server: string;
}

export function envFiles(outputs: StackOutputs, stackName: string): EnvFiles {
  const header = [
    `# Written by scripts/write-env.ts from \`pulumi stack output\` of stack ${stackName} (${outputs.target}).`,
    "# Holds a credential: never commit it (it is gitignored) and keep it mode 0600.",
    `# Grafana: ${outputs.grafanaUrl}`,
  ];
  if (outputs.gatewayEndpoint !== undefined && outputs.gatewayServerEndpoint !== undefined && outputs.gatewayClientKey !== undefined && outputs.gatewayServerKey !== undefined) {
    // Each app gets the gateway's address and its own gateway key; never the Cloud credential.
    const file = (endpoint: string, key: string, who: string) =>
      `${[...header, `# The fleet gateway (the ${who} key; revoke it by removing it from beacon:gateway${who === "client" ? "Client" : "Server"}Keys).`, line("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint), line("OTEL_EXPORTER_OTLP_HEADERS", otlpHeadersValue(`Bearer ${key}`))].join("\n")}\n`;
    return { client: file(outputs.gatewayEndpoint, outputs.gatewayClientKey, "client"), server: file(outputs.gatewayServerEndpoint, outputs.gatewayServerKey, "server") };
  }
  const lines = [
    ...header,
    ...(outputs.otlpTokenExpiresAt ? [`# The OTLP token expires at ${outputs.otlpTokenExpiresAt}; run \`npm run env:write\` again after the \`pulumi up\` that rotates it.`] : []),
    line("OTEL_EXPORTER_OTLP_ENDPOINT", outputs.otlpEndpoint),
    ...(outputs.otlpAuthorizationHeader ? [line("OTEL_EXPORTER_OTLP_HEADERS", otlpHeadersValue(outputs.otlpAuthorizationHeader))] : []),
  ];
  const text = `${lines.join("\n")}\n`;
  return { client: text, server: text };
}
