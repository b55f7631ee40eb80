// Runs the Pulumi program under Pulumi's own mocks (the CLI cannot be installed here): every
// resource registration is recorded with its inputs, provider and parent (from the URN),
// and every stack output is resolved together with its secret-ness.
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export const FIXTURE_DIR = path.join("infra", "test-fixtures", "generated");

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  /** Provider reference "<urn>::<id>", set when the resource was given one (directly or inherited). */
  readonly provider: string | undefined;
  readonly urn: string;
  /** Type of the parent resource, read from the URN's type chain; undefined at the stack root. */
  readonly parentType: string | undefined;
}

export interface ResolvedOutput {
  readonly value: unknown;
  readonly secret: boolean;
}

export interface ProgramRun {
  readonly resources: readonly RecordedResource[];
  readonly outputs: Readonly<Record<string, ResolvedOutput>>;
  readonly logs: readonly string[];
}

/** Computed outputs a real provider would return, so apply() chains run. Values are fakes. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "grafana:cloud/stack:Stack": {
      const slug = String(inputs["slug"]);
      return {
        slug,
        url: `https://${slug}.grafana.net`,
        otlpUrl: "https://otlp-gateway-prod-us-east-0.grafana.net",
        prometheusUrl: "https://prometheus-prod-13-prod-us-east-0.grafana.net",
        prometheusUserId: 1100001,
        logsUrl: "https://logs-prod-006.grafana.net",
        logsUserId: 2200002,
        tracesUrl: "https://tempo-prod-04-prod-us-east-0.grafana.net",
        tracesUserId: 3300003,
      };
    }
    case "grafana:cloud/accessPolicy:AccessPolicy":
      return { policyId: `policy-${name}` };
    case "grafana:cloud/accessPolicyToken:AccessPolicyToken":
      return { token: `glc_fake_${name}` };
    case "grafana:cloud/stackServiceAccountToken:StackServiceAccountToken":
      return { key: "glsa_fake_service_account_key" };
    case "grafana:oss/dashboard:Dashboard":
      return { uid: (JSON.parse(String(inputs["configJson"])) as { uid: string }).uid };
    default:
      return {};
  }
}

const FAKE_STACK_ID = "424242";

export const FAKES = { stackId: FAKE_STACK_ID, otlpWriteToken: "glc_fake_cloud-otlp-write-token", serviceAccountKey: "glsa_fake_service_account_key" } as const;

function parentTypeOf(urn: string): string | undefined {
  const chain = urn.split("::")[2]?.split("$") ?? [];
  return chain.length > 1 ? chain[chain.length - 2] : undefined;
}

/**
 * Sets the mocks and the stack config, imports infra/index.ts and waits for every
 * registration. `config` keys are full ("beacon:target"); `secretKeys` lists the secret ones.
 * Call once per test file: the program is an ES module and runs once per process.
 */
export async function runProgram(config: Record<string, string>, secretKeys: readonly string[]): Promise<ProgramRun> {
  const recorded: Omit<RecordedResource, "urn" | "parentType">[] = [];
  const logs: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, custom: args.custom === true, provider: args.provider || undefined });
        const id = args.type === "grafana:cloud/stack:Stack" ? FAKE_STACK_ID : `${args.name}-id`;
        return { id, state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs as Record<string, unknown>) } };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return args.inputs as Record<string, unknown>;
      },
    },
    "beacon",
    "test",
    false,
  );
  pulumi.runtime.setAllConfig(config, [...secretKeys]);
  const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, { urn: string }> };

  const originalInfo = pulumi.log.info;
  pulumi.log.info = async (msg: string) => {
    logs.push(msg);
  };
  try {
    const program = (await import("../index.ts")) as Record<string, unknown>;
    const outputs: Record<string, ResolvedOutput> = {};
    for (const [key, exported] of Object.entries(program)) {
      if (pulumi.Output.isInstance(exported)) {
        const value = await new Promise<unknown>((resolve) => exported.apply(resolve));
        outputs[key] = { value, secret: await pulumi.isSecret(exported) };
      } else {
        outputs[key] = { value: exported, secret: false };
      }
    }
    await pulumi.runtime.disconnect();
    const urns = [...monitor.getRegisteredResources().keys()];
    const resources = recorded.map((r) => {
      const urn = urns.find((u) => u.endsWith(`::${r.name}`) && u.split("::")[2]?.split("$").pop() === r.type);
      if (urn === undefined) throw new Error(`no URN registered for ${r.type} ${r.name}`);
      return { ...r, urn, parentType: parentTypeOf(urn) };
    });
    return { resources, outputs, logs };
  } finally {
    pulumi.log.info = originalInfo;
  }
}

/** True when a recorded input is a Pulumi secret (mocks see secrets in their wire form). */
export function isSecretInput(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** The plain value of an input, secret or not. */
export function plain(value: unknown): unknown {
  return isSecretInput(value) ? value.value : value;
}

/** Resources of one type, by name. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}
