// Stack outputs -> the client's and server's local .env files, so the apps export into the
// stack `pulumi up` just made. Pure: scripts/write-env.ts does the I/O. Variable names are the
// standard OpenTelemetry ones both apps read (client/telemetry/config.ts, server/config.ts).
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
});
export type StackOutputs = z.infer<typeof outputsSchema>;

export function parseStackOutputs(raw: unknown): StackOutputs {
  const parsed = outputsSchema.safeParse(raw);
  if (!parsed.success) {
    // Never echo values: one of these outputs is a credential.
    const fields = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new StackOutputsError(`pulumi stack output: ${fields.join("; ")}`);
  }
  if (parsed.data.target === "cloud" && parsed.data.otlpAuthorizationHeader === undefined) {
    throw new StackOutputsError("pulumi stack output: otlpAuthorizationHeader is missing for target cloud (run with --show-secrets)");
  }
  return parsed.data;
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
  const lines = [
    `# Written by scripts/write-env.ts from \`pulumi stack output\` of stack ${stackName} (${outputs.target}).`,
    "# Holds a credential: never commit it (it is gitignored) and keep it mode 0600.",
    `# Grafana: ${outputs.grafanaUrl}`,
    line("OTEL_EXPORTER_OTLP_ENDPOINT", outputs.otlpEndpoint),
    ...(outputs.otlpAuthorizationHeader ? [line("OTEL_EXPORTER_OTLP_HEADERS", otlpHeadersValue(outputs.otlpAuthorizationHeader))] : []),
  ];
  const text = `${lines.join("\n")}\n`;
  return { client: text, server: text };
}
