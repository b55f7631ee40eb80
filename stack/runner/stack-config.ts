// One set of stack configs (stack/config/*, templates with {{key}} placeholders), two renderings:
//  - native: everything on 127.0.0.1, ports from a StackPorts layout, data under a temp dir;
//  - docker: docker-compose service names and the images' standard ports and paths, committed
//    under stack/docker/ (compose cannot run a renderer) and drift-checked by stack/stack-config.test.ts.
// CLI: `node stack/runner/stack-config.ts --write-docker` rewrites stack/docker/.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./tools.ts";

export const CONFIG_DIR = join(REPO_ROOT, "stack", "config");
export const DOCKER_CONFIG_DIR = join(REPO_ROOT, "stack", "docker");
/** Where `npm run build` writes Prometheus rule groups (alerts/ owns their content). */
export const RULES_DIR = join(REPO_ROOT, "generated", "prometheus", "rules");

export const CONFIG_FILES = ["collector.yaml", "prometheus.yml", "alertmanager.yml", "tempo.yaml", "loki.yaml"] as const;
export type ConfigFile = (typeof CONFIG_FILES)[number];

export interface StackPorts {
  collectorGrpc: number;
  collectorHttp: number;
  collectorHealth: number;
  collectorMetrics: number;
  prometheus: number;
  alertmanager: number;
  tempoHttp: number;
  tempoGrpc: number;
  tempoOtlpGrpc: number;
  tempoMemberlist: number;
  lokiHttp: number;
  lokiGrpc: number;
}

/** The native stack's usual ports: the standard ones, except where two tools share a default
 *  (Tempo's OTLP receiver would take the gateway's 4317; Loki's gRPC would take Tempo's 9095). */
export const DEFAULT_PORTS: StackPorts = {
  collectorGrpc: 4317,
  collectorHttp: 4318,
  collectorHealth: 13133,
  collectorMetrics: 8888,
  prometheus: 9090,
  alertmanager: 9093,
  tempoHttp: 3200,
  tempoGrpc: 9095,
  tempoOtlpGrpc: 4417,
  tempoMemberlist: 7946,
  lokiHttp: 3100,
  lokiGrpc: 9096,
};

/** Inside docker-compose every service has its own network namespace: the images' defaults. */
const DOCKER_PORTS: StackPorts = { ...DEFAULT_PORTS, tempoOtlpGrpc: 4317, lokiGrpc: 9095 };

/** Which docker-compose service listens on each port. */
const DOCKER_SERVICE_OF: Record<keyof StackPorts, string> = {
  collectorGrpc: "otel-collector",
  collectorHttp: "otel-collector",
  collectorHealth: "otel-collector",
  collectorMetrics: "otel-collector",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  tempoHttp: "tempo",
  tempoGrpc: "tempo",
  tempoOtlpGrpc: "tempo",
  tempoMemberlist: "tempo",
  lokiHttp: "loki",
  lokiGrpc: "loki",
};

/** Where a run may drop extra rule files for Prometheus; it goes with the stack's data. */
export const scratchRulesDir = (dataDir: string) => join(dataDir, "scratch-rules");

export interface NativeTarget {
  kind: "native";
  ports: StackPorts;
  /** Root of the stack's data (Prometheus TSDB, Tempo blocks, Loki chunks). */
  dataDir: string;
  rulesDir?: string;
}
export type RenderTarget = NativeTarget | { kind: "docker" };

function variables(target: RenderTarget): Record<string, string> {
  const docker = target.kind === "docker";
  const ports = docker ? DOCKER_PORTS : target.ports;
  const bind = docker ? "0.0.0.0" : "127.0.0.1";
  const vars: Record<string, string> = {
    "host.bind": bind,
    // Single-binary rings only talk to themselves.
    "host.advertise": "127.0.0.1",
    "path.rules": docker ? "/etc/prometheus/rules" : (target.rulesDir ?? RULES_DIR),
    "path.scratchRules": docker ? "/etc/prometheus/scratch-rules" : scratchRulesDir(target.dataDir),
    "path.tempoData": docker ? "/var/tempo" : join(target.dataDir, "tempo"),
    "path.lokiData": docker ? "/loki" : join(target.dataDir, "loki"),
  };
  for (const [key, port] of Object.entries(ports) as [keyof StackPorts, number][]) {
    const host = docker ? DOCKER_SERVICE_OF[key] : "127.0.0.1";
    vars[`port.${key}`] = String(port);
    vars[`listen.${key}`] = `${bind}:${port}`;
    vars[`addr.${key}`] = `${host}:${port}`;
    vars[`url.${key}`] = `http://${host}:${port}`;
  }
  vars["url.loki"] = vars["url.lokiHttp"] as string;
  vars["url.tempo"] = vars["url.tempoHttp"] as string;
  return vars;
}

/** Renders one template; an unknown placeholder is an error naming the file and key. */
export function renderTemplate(file: string, text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new Error(`stack/config/${file}: unknown template key {{${key}}}`);
    return v;
  });
}

export function renderStackConfigs(target: RenderTarget): Record<ConfigFile, string> {
  const vars = variables(target);
  const out = {} as Record<ConfigFile, string>;
  for (const file of CONFIG_FILES) {
    const text = readFileSync(join(CONFIG_DIR, file), "utf8");
    const header = target.kind === "docker" ? `# GENERATED from stack/config/${file} by stack/runner/stack-config.ts --write-docker; do not edit.\n` : "";
    out[file] = header + renderTemplate(file, text, vars);
  }
  return out;
}

export function writeDockerConfigs(): string[] {
  mkdirSync(DOCKER_CONFIG_DIR, { recursive: true });
  const rendered = renderStackConfigs({ kind: "docker" });
  return CONFIG_FILES.map((file) => {
    writeFileSync(join(DOCKER_CONFIG_DIR, file), rendered[file]);
    return join("stack", "docker", file);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes("--write-docker")) {
    console.error("usage: node stack/runner/stack-config.ts --write-docker");
    process.exit(2);
  }
  for (const f of writeDockerConfigs()) console.log(`wrote ${f}`);
}
