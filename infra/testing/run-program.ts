// Runs the Pulumi program under Pulumi's own mocks (the CLI cannot be installed here), the way
// the nodejs host runs it: inside the root `pulumi:pulumi:Stack` (runInPulumiStack), named
// exports as stack outputs. Every registration is recorded three ways:
//   - inputs and the state the mocks return;
//   - the resource options as the program declared them, seen by a stack transformation
//     (mocks alone carry no options: dependsOn, additionalSecretOutputs, protect, ...);
//   - the RegisterResource request as the engine would receive it (parent, provider,
//     dependency URNs, property dependencies), which the policy-pack test replays through
//     Pulumi's analyzer.
// Each call imports a fresh instance of infra/index.ts, so one test file can run several stacks.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

export const FIXTURE_DIR = path.join("infra", "test-fixtures", "generated");

/** The example stacks leave secrets to `pulumi config set --secret`; tests supply stand-ins. */
export const STAND_IN_SECRETS: Readonly<Record<string, string>> = {
  "beacon:cloudAccessPolicyToken": "glc_stand_in",
  "beacon:grafanaAuth": "admin:admin",
  "beacon:slackWebhookUrl": "https://hooks.slack.example/stand-in",
  "beacon:pagerdutyIntegrationKey": "stand-in",
  "beacon:alertWebhookUrl": "https://alerts.example/stand-in",
};

/** Runs the program with a committed Pulumi.<stack>.yaml's config plus the stand-in secrets. */
export async function runStackFile(stackFile: string, extra: Record<string, string> = {}, override?: StateOverride): Promise<ProgramRun> {
  const { config } = parse(readFileSync(stackFile, "utf8")) as { config: Record<string, string> };
  return runProgram({ ...config, ...STAND_IN_SECRETS, ...extra }, Object.keys(STAND_IN_SECRETS), override);
}

/** Resource options as the program passed them (after the SDK's own defaults, e.g. secret outputs). */
export interface RecordedOptions {
  /** Names of the resources given in `dependsOn`. */
  readonly dependsOn: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly protect: boolean | undefined;
  readonly deleteBeforeReplace: boolean | undefined;
  readonly retainOnDelete: boolean | undefined;
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
}

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** What the mocked provider returned: inputs plus computed outputs. */
  readonly state: Record<string, unknown>;
  readonly custom: boolean;
  /** Provider reference "<urn>::<id>", set when the resource was given one (directly or inherited). */
  readonly provider: string | undefined;
  readonly urn: string;
  readonly parentUrn: string | undefined;
  /** Type of the parent resource, read from the URN's type chain ("pulumi:pulumi:Stack" at the root). */
  readonly parentType: string | undefined;
  readonly opts: RecordedOptions;
  /** Every URN the engine is told this resource waits for: dependsOn (components expanded) and inputs. */
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
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

/** Overrides of what the mocked provider returns, e.g. a stack that reports no OTLP URL. */
export type StateOverride = (type: string, name: string, state: Record<string, unknown>) => Record<string, unknown>;

export const FAKES = {
  stackId: "424242",
  serviceAccountKey: "glsa_fake_cloud-service-account-token",
  /** Token values are `glc_fake_<resource name>`, so a test sees which token went where. */
  token: (resourceName: string) => `glc_fake_${resourceName}`,
  /** Stack endpoints are built from the stack's region, so a hard-coded region shows. */
  stackUrls: (region: string) => ({
    otlpUrl: `https://otlp-gateway-${region}.grafana.net`,
    prometheusUrl: `https://prometheus-prod-13-${region}.grafana.net`,
    logsUrl: `https://logs-prod-006-${region}.grafana.net`,
    tracesUrl: `https://tempo-prod-04-${region}.grafana.net`,
  }),
  /** Distinct per backend, so a user id swapped between datasources shows. */
  userIds: { prometheus: 1100001, logs: 2200002, traces: 3300003 },
  /** The gateway Service's load balancer. */
  loadBalancer: "gw-lb.example.net",
} as const;

/** Computed outputs a real provider would return, so apply() chains run. Values are fakes. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "grafana:cloud/stack:Stack": {
      const slug = String(inputs["slug"]);
      return {
        slug,
        url: `https://${slug}.grafana.net`,
        ...FAKES.stackUrls(String(inputs["regionSlug"])),
        prometheusUserId: FAKES.userIds.prometheus,
        logsUserId: FAKES.userIds.logs,
        tracesUserId: FAKES.userIds.traces,
      };
    }
    case "grafana:cloud/accessPolicy:AccessPolicy":
      return { policyId: `policy-${name}` };
    case "grafana:cloud/accessPolicyToken:AccessPolicyToken":
    case "grafana:cloud/accessPolicyRotatingToken:AccessPolicyRotatingToken":
      return { token: FAKES.token(name), name: `${String(inputs["namePrefix"] ?? inputs["name"])}-x1y2`, expiresAt: "2026-03-04T00:00:00Z", readyForRotation: false };
    case "grafana:cloud/stackServiceAccountToken:StackServiceAccountToken":
    case "grafana:cloud/stackServiceAccountRotatingToken:StackServiceAccountRotatingToken":
      return { key: `glsa_fake_${name}`, expiration: "2026-03-04T00:00:00Z", readyForRotation: false };
    case "grafana:oss/dashboard:Dashboard":
      return { uid: (JSON.parse(String(inputs["configJson"])) as { uid: string }).uid };
    case "kubernetes:core/v1:Service":
      return { metadata: k8sMetadata(name, inputs), status: { loadBalancer: { ingress: [{ hostname: FAKES.loadBalancer }] } } };
    default:
      return type.startsWith("kubernetes:") ? { metadata: k8sMetadata(name, inputs) } : {};
  }
}

/** Kubernetes auto-names a resource without metadata.name: `<resource name>-<suffix>`. */
function k8sMetadata(name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const metadata = (inputs["metadata"] ?? {}) as Record<string, unknown>;
  return { ...metadata, name: metadata["name"] ?? `${name}-k8s0` };
}

function typeOfUrn(urn: string | undefined): string | undefined {
  if (!urn) return undefined;
  return urn.split("::")[2]?.split("$").pop();
}

interface WireRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProvider(): string;
  getObject(): unknown;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
}
interface WireResponse {
  getUrn(): string;
  getObject(): unknown;
}
type Monitor = { registerResource(req: WireRequest, cb: (err: unknown, res: WireResponse | undefined) => void): unknown };

let runs = 0;

/**
 * Sets the mocks and the stack config, runs infra/index.ts inside a root stack and waits for
 * every registration. `config` keys are full ("beacon:target"); `secretKeys` lists the secret
 * ones. Rejects with the program's error when the program fails, as `pulumi up` would.
 */
export async function runProgram(config: Record<string, string>, secretKeys: readonly string[], override?: StateOverride): Promise<ProgramRun> {
  const logs: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const inputs = args.inputs as Record<string, unknown>;
        const state = { ...inputs, ...computedState(args.type, args.name, inputs) };
        const id = args.type === "grafana:cloud/stack:Stack" ? FAKES.stackId : `${args.name}-id`;
        return { id, state: override ? override(args.type, args.name, state) : state };
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

  // What the engine receives, keyed by URN.
  const wire = new Map<string, Omit<RecordedResource, "opts">>();
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, res) => {
      if (!err && res) {
        const urn = res.getUrn();
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
        wire.set(urn, {
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          inputs: pulumi.runtime.deserializeProperties(req.getObject() as never) as Record<string, unknown>,
          state: pulumi.runtime.deserializeProperties(res.getObject() as never) as Record<string, unknown>,
          provider: req.getProvider() || undefined,
          urn,
          parentUrn: req.getParent() || undefined,
          parentType: typeOfUrn(req.getParent() || undefined),
          dependencies: req.getDependenciesList(),
          propertyDependencies,
        });
      }
      cb(err, res);
    });

  // What the program declared, keyed by type and name (unique in this program).
  const declared = new Map<string, RecordedOptions>();
  const names = new WeakMap<pulumi.Resource, string>();
  const nameOf = (r: unknown): string => names.get(r as pulumi.Resource) ?? "(not a resource of this program)";

  const originalInfo = pulumi.log.info;
  pulumi.log.info = async (msg: string) => {
    logs.push(msg);
  };
  let program: Record<string, unknown> = {};
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        names.set(args.resource, args.name);
        const o = args.opts as pulumi.CustomResourceOptions;
        const dependsOn = o.dependsOn === undefined ? [] : [o.dependsOn].flat();
        declared.set(`${args.type}::${args.name}`, {
          dependsOn: dependsOn.map(nameOf),
          additionalSecretOutputs: o.additionalSecretOutputs ?? [],
          protect: o.protect,
          deleteBeforeReplace: o.deleteBeforeReplace,
          retainOnDelete: o.retainOnDelete,
          ignoreChanges: o.ignoreChanges ?? [],
          replaceOnChanges: o.replaceOnChanges ?? [],
        });
        return undefined;
      });
      // A fresh module instance per run (the query only defeats the module cache).
      const entry = new URL(`../index.ts?run=${++runs}`, import.meta.url).href;
      const mod = (await import(/* @vite-ignore */ entry)) as Record<string, unknown>;
      program = Object.getOwnPropertyDescriptor(mod, "default") !== undefined ? (mod["default"] as Record<string, unknown>) : mod;
      return program;
    });
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
    const resources = [...wire.values()]
      .filter((r) => r.type !== "pulumi:pulumi:Stack")
      .map((r) => {
        const opts = declared.get(`${r.type}::${r.name}`);
        if (opts === undefined) throw new Error(`the stack transformation never saw ${r.type} ${r.name}`);
        return { ...r, opts };
      });
    return { resources, outputs, logs };
  } finally {
    pulumi.log.info = originalInfo;
  }
}

/**
 * Runs the program on plain Node in a child process (infra/testing/native-run.ts), as Pulumi's
 * host does; for failures, which Pulumi reports through unhandled rejections.
 */
export function nativeRun(stackFile: string, options: { state?: Record<string, Record<string, unknown>>; set?: Record<string, string> } = {}): { status: number | null; stdout: string; stderr: string } {
  const args = [path.join("infra", "testing", "native-run.ts"), stackFile];
  if (options.state) args.push("--state", JSON.stringify(options.state));
  for (const [key, value] of Object.entries(options.set ?? {})) args.push("--set", `${key}=${value}`);
  const r = spawnSync(path.resolve("node_modules", ".bin", "node"), args, { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** True when a recorded input is a Pulumi secret (mocks see secrets in their wire form). */
export function isSecretInput(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** The plain value of an input, secret or not. */
export function plain(value: unknown): unknown {
  return isSecretInput(value) ? value.value : value;
}

/** Resources of one type. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The one resource of that name; throws when the program did not register it. */
export function byName(run: ProgramRun, name: string): RecordedResource {
  const r = run.resources.find((x) => x.name === name);
  if (!r) throw new Error(`resource ${name} was not registered`);
  return r;
}

/** Names of the resources whose URNs `r` depends on (as the engine sees them). */
export function dependencyNames(run: ProgramRun, r: RecordedResource): string[] {
  return r.dependencies.map((urn) => run.resources.find((x) => x.urn === urn)?.name ?? urn).sort();
}

/** Resource counts by type (custom resources only). */
export function countsByType(run: ProgramRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources.filter((x) => x.custom)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}
