// One set of stack configs (stack/config/*, templates with {{key}} placeholders), two renderings:
//  - native: the gateway, Prometheus and Alertmanager on 127.0.0.1, ports from a StackPorts layout,
//    data under a temp dir; traces and logs captured to files (collector-capture.yaml), since
//    Tempo and Loki (AGPL) are neither built nor fetched here;
//  - docker: docker-compose service names and the images' standard ports and paths, with the
//    official Tempo and Loki images (collector-backends.yaml), committed under stack/docker/
//    (compose cannot run a renderer) and drift-checked by stack/stack-config.test.ts.
// CLI: `node stack/runner/stack-config.ts --write-docker` rewrites stack/docker/.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./tools.ts";

export const CONFIG_DIR = join(REPO_ROOT, "stack", "config");
export const DOCKER_CONFIG_DIR = join(REPO_ROOT, "stack", "docker");
/** Where `npm run build` writes Prometheus rule groups (alerts/ owns their content). */
export const RULES_DIR = join(REPO_ROOT, "generated", "prometheus", "rules");

const SHARED_FILES = ["collector.yaml", "prometheus.yml", "alertmanager.yml"] as const;
/** What each rendering consists of; the collector merges its two files (`--config` twice). */
export const NATIVE_FILES = [...SHARED_FILES, "collector-capture.yaml"] as const;
export const DOCKER_FILES = [...SHARED_FILES, "collector-backends.yaml", "tempo.yaml", "loki.yaml"] as const;
export type NativeFile = (typeof NATIVE_FILES)[number];
export type DockerFile = (typeof DOCKER_FILES)[number];

export interface StackPorts {
  collectorGrpc: number;
  collectorHttp: number;
  collectorHealth: number;
  collectorMetrics: number;
  prometheus: number;
  alertmanager: number;
  /** Loki's push API (logs:import): the capture receiver natively, Loki itself in compose. */
  lokiPush: number;
}

/** The native stack's usual ports: the standard ones. */
export const DEFAULT_PORTS: StackPorts = {
  collectorGrpc: 4317,
  collectorHttp: 4318,
  collectorHealth: 13133,
  collectorMetrics: 8888,
  prometheus: 9090,
  alertmanager: 9093,
  lokiPush: 3100,
};

/** Inside docker-compose every service has its own network namespace: the images' defaults. */
const DOCKER_PORTS = {
  ...DEFAULT_PORTS,
  tempoHttp: 3200,
  tempoGrpc: 9095,
  tempoOtlpGrpc: 4317,
  tempoMemberlist: 7946,
  lokiHttp: 3100,
  lokiGrpc: 9095,
} as const;

/** Which docker-compose service listens on each port. */
const DOCKER_SERVICE_OF: Record<keyof typeof DOCKER_PORTS, string> = {
  collectorGrpc: "otel-collector",
  collectorHttp: "otel-collector",
  collectorHealth: "otel-collector",
  collectorMetrics: "otel-collector",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  lokiPush: "loki",
  tempoHttp: "tempo",
  tempoGrpc: "tempo",
  tempoOtlpGrpc: "tempo",
  tempoMemberlist: "tempo",
  lokiHttp: "loki",
  lokiGrpc: "loki",
};

/** Where a run may drop extra rule files for Prometheus; it goes with the stack's data. */
export const scratchRulesDir = (dataDir: string) => join(dataDir, "scratch-rules");
/** Where the native gateway writes the traces and logs it received (OTLP/JSON lines). */
export const captureDir = (dataDir: string) => join(dataDir, "capture");

export interface NativeTarget {
  kind: "native";
  ports: StackPorts;
  /** Root of the stack's data (Prometheus TSDB, Alertmanager, captured traces and logs). */
  dataDir: string;
  rulesDir?: string;
}
export type RenderTarget = NativeTarget | { kind: "docker" };

/** Prometheus also scrapes Tempo and Loki where they run (compose). */
const BACKEND_SCRAPE_JOBS = ["tempo", "loki"]
  .map((job) => `  - job_name: ${job}\n    static_configs:\n      - targets: ["${job}:${DOCKER_PORTS[job === "tempo" ? "tempoHttp" : "lokiHttp"]}"]\n`)
  .join("");

function variables(target: RenderTarget): Record<string, string> {
  const docker = target.kind === "docker";
  const ports: Record<string, number> = docker ? DOCKER_PORTS : { ...target.ports };
  const bind = docker ? "0.0.0.0" : "127.0.0.1";
  const vars: Record<string, string> = {
    "host.bind": bind,
    // Single-binary rings only talk to themselves.
    "host.advertise": "127.0.0.1",
    "path.rules": docker ? "/etc/prometheus/rules" : (target.rulesDir ?? RULES_DIR),
    "path.scratchRules": docker ? "/etc/prometheus/scratch-rules" : scratchRulesDir(target.dataDir),
    "scrape.backends": docker ? BACKEND_SCRAPE_JOBS : "",
  };
  if (docker) {
    vars["path.tempoData"] = "/var/tempo";
    vars["path.lokiData"] = "/loki";
  } else {
    vars["path.capture"] = captureDir(target.dataDir);
  }
  for (const [key, port] of Object.entries(ports)) {
    const host = docker ? DOCKER_SERVICE_OF[key as keyof typeof DOCKER_PORTS] : "127.0.0.1";
    vars[`port.${key}`] = String(port);
    vars[`listen.${key}`] = `${bind}:${port}`;
    vars[`addr.${key}`] = `${host}:${port}`;
    vars[`url.${key}`] = `http://${host}:${port}`;
  }
  if (docker) {
    vars["url.loki"] = vars["url.lokiHttp"] as string;
    vars["url.tempo"] = vars["url.tempoHttp"] as string;
  }
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

function render<F extends string>(files: readonly F[], target: RenderTarget): Record<F, string> {
  const vars = variables(target);
  const out = {} as Record<F, string>;
  for (const file of files) {
    const text = readFileSync(join(CONFIG_DIR, file), "utf8");
    const header = target.kind === "docker" ? `# GENERATED from stack/config/${file} by stack/runner/stack-config.ts --write-docker; do not edit.\n` : "";
    out[file] = header + renderTemplate(file, text, vars);
  }
  return out;
}

export function renderNativeConfigs(target: Omit<NativeTarget, "kind">): Record<NativeFile, string> {
  return render(NATIVE_FILES, { kind: "native", ...target });
}

export function renderDockerConfigs(): Record<DockerFile, string> {
  return render(DOCKER_FILES, { kind: "docker" });
}

export function writeDockerConfigs(): string[] {
  mkdirSync(DOCKER_CONFIG_DIR, { recursive: true });
  const rendered = renderDockerConfigs();
  return DOCKER_FILES.map((file) => {
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
