// Runs infra/policy the way the Pulumi engine does, without the CLI: Pulumi's own policy-pack
// runner (@pulumi/pulumi/cmd/run-policy-pack, what the nodejs language host starts for
// `--policy-pack`) in a child process with the pack directory as cwd, then the engine's side of
// the Analyzer gRPC interface: GetAnalyzerInfo, Configure, ConfigureStack, Analyze for each
// resource (its inputs and options) and AnalyzeStack for all of them (with parents and
// dependencies). Resources come from run-program.ts, i.e. what the program really registers.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import type { RecordedResource } from "./run-program.ts";

// The generated gRPC stubs are CommonJS; load them (and the grpc-js and protobuf instances they
// were generated against) the way @pulumi/pulumi itself does.
const requirePulumi = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi/proto/analyzer_pb.js"));
// Untyped on purpose: the stubs' .d.ts files describe module shapes this ESM file cannot import.
const analyzerPb = requirePulumi("./analyzer_pb.js") as any;
const analyzerRpc = requirePulumi("./analyzer_grpc_pb.js") as any;
const grpc = requirePulumi("@grpc/grpc-js") as any;
const structPb = requirePulumi("google-protobuf/google/protobuf/struct_pb.js") as any;
const emptyPb = requirePulumi("google-protobuf/google/protobuf/empty_pb.js") as any;

const NODE = path.resolve("node_modules", ".bin", "node");
const RUN_POLICY_PACK = createRequire(import.meta.url).resolve("@pulumi/pulumi/cmd/run-policy-pack");
/** How long the runner may take to print its port (it loads ts-node and the pack: ~1.5 s here). */
const START_TIMEOUT_MS = 30_000;

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

export interface Diagnostic {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly enforcementLevel: EnforcementLevel;
  /** The policy's description, a newline, then what it reported. */
  readonly message: string;
  readonly urn: string;
}

export interface PolicyInfo {
  readonly name: string;
  readonly version: string;
  readonly policies: readonly { readonly name: string; readonly enforcementLevel: EnforcementLevel }[];
}

/** A resource as the analyzer sees it; inputs for Analyze, state for AnalyzeStack. */
export type AnalyzedResource = Pick<RecordedResource, "type" | "name" | "urn" | "inputs" | "state" | "parentUrn" | "dependencies" | "propertyDependencies"> & {
  readonly opts: Pick<RecordedResource["opts"], "additionalSecretOutputs" | "protect" | "ignoreChanges" | "deleteBeforeReplace">;
  readonly providerResource?: { readonly type: string; readonly name: string; readonly urn: string; readonly inputs: Record<string, unknown> } | undefined;
};

export interface PolicyAnalyzer {
  readonly info: PolicyInfo;
  analyze(resource: AnalyzedResource): Promise<Diagnostic[]>;
  analyzeStack(resources: readonly AnalyzedResource[]): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

function options(r: AnalyzedResource): unknown {
  const o = new analyzerPb.AnalyzerResourceOptions();
  o.setProtect(r.opts.protect ?? false);
  o.setIgnorechangesList([...r.opts.ignoreChanges]);
  o.setAdditionalsecretoutputsList([...r.opts.additionalSecretOutputs]);
  if (r.opts.deleteBeforeReplace !== undefined) {
    o.setDeletebeforereplacedefined(true);
    o.setDeletebeforereplace(r.opts.deleteBeforeReplace);
  }
  if (r.parentUrn) o.setParent(r.parentUrn);
  return o;
}

function provider(r: AnalyzedResource): unknown {
  if (r.providerResource === undefined) return undefined;
  const p = new analyzerPb.AnalyzerProviderResource();
  p.setType(r.providerResource.type);
  p.setName(r.providerResource.name);
  p.setUrn(r.providerResource.urn);
  p.setProperties(structPb.Struct.fromJavaScript(r.providerResource.inputs));
  return p;
}

function diagnostics(response: { getDiagnosticsList(): { getPolicyname(): string; getPolicypackname(): string; getEnforcementlevel(): number; getMessage(): string; getUrn(): string }[] }): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
    message: d.getMessage(),
    urn: d.getUrn(),
  }));
}

/** Starts the pack in `packDir` under Pulumi's runner and connects to it as the engine. */
export async function startPolicyPack(packDir = path.join("infra", "policy"), stack = { project: "beacon", stack: "test" }): Promise<PolicyAnalyzer> {
  // argv as the language host passes it: <engine address> <program>; cwd is the pack.
  const child: ChildProcess = spawn(NODE, [RUN_POLICY_PACK, "127.0.0.1:1", "."], { cwd: path.resolve(packDir), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`policy pack did not print its port within ${START_TIMEOUT_MS} ms; stderr:\n${stderr}`)), START_TIMEOUT_MS);
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      const line = /^(\d+)\s*$/m.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`policy pack exited with ${code} before serving; stderr:\n${stderr}`));
    });
  });

  const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(new Error(`${method}: ${err.message}\n${stderr}`)) : resolve(res))));

  const infoResponse = await call<{ getName(): string; getVersion(): string; getPoliciesList(): { getName(): string; getEnforcementlevel(): number }[] }>("getAnalyzerInfo", new emptyPb.Empty());
  const info: PolicyInfo = {
    name: infoResponse.getName(),
    version: infoResponse.getVersion(),
    policies: infoResponse.getPoliciesList().map((p) => ({ name: p.getName(), enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory" })),
  };
  await call("configure", new analyzerPb.ConfigureAnalyzerRequest());
  const configureStack = new analyzerPb.AnalyzerStackConfigureRequest();
  configureStack.setProject(stack.project);
  configureStack.setStack(stack.stack);
  await call("configureStack", configureStack);

  return {
    info,
    async analyze(r) {
      const req = new analyzerPb.AnalyzeRequest();
      req.setType(r.type);
      req.setName(r.name);
      req.setUrn(r.urn);
      req.setProperties(structPb.Struct.fromJavaScript(r.inputs));
      req.setOptions(options(r));
      const p = provider(r);
      if (p) req.setProvider(p);
      return diagnostics(await call("analyze", req));
    },
    async analyzeStack(resources) {
      const req = new analyzerPb.AnalyzeStackRequest();
      req.setResourcesList(
        resources.map((r) => {
          const a = new analyzerPb.AnalyzerResource();
          a.setType(r.type);
          a.setName(r.name);
          a.setUrn(r.urn);
          a.setProperties(structPb.Struct.fromJavaScript(r.state));
          a.setOptions(options(r));
          const p = provider(r);
          if (p) a.setProvider(p);
          if (r.parentUrn) a.setParent(r.parentUrn);
          a.setDependenciesList([...r.dependencies]);
          for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            const deps = new analyzerPb.AnalyzerPropertyDependencies();
            deps.setUrnsList([...urns]);
            a.getPropertydependenciesMap().set(key, deps);
          }
          return a;
        }),
      );
      return diagnostics(await call("analyzeStack", req));
    },
    async close() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** The recorded resources as the engine hands them to analyzers: custom resources, with their provider. */
export function analyzerResources(resources: readonly RecordedResource[]): AnalyzedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
    .map((r) => {
      const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
      const p = providerUrn ? byUrn.get(providerUrn) : undefined;
      return { ...r, providerResource: p && { type: p.type, name: p.name, urn: p.urn, inputs: p.inputs } };
    });
}
