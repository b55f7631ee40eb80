// Starts and stops the native local stack: the collector gateway (which also captures the traces
// and logs it receives to files), Prometheus and Alertmanager, all on loopback. Each runs detached with its log in the state dir; the state file records
// exactly what was started (pid + binary) so stopStack() ends only those processes.
import { spawn } from "node:child_process";
import { mkdirSync, openSync, closeSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSystemTools, SYSTEM_TOOLS } from "./system-packages.ts";
import { captureDir, DEFAULT_PORTS, NATIVE_FILES, renderNativeConfigs, scratchRulesDir, type StackPorts } from "./stack-config.ts";
import { freePort, portInUse, waitForHttp } from "./stack-wait.ts";
import { ensureCollector, REPO_ROOT } from "./tools.ts";

export const DEFAULT_STATE_DIR = join(REPO_ROOT, ".cache", "stack");
const LOKI_PUSH_RECEIVER = join(REPO_ROOT, "stack", "capture", "loki-push-receiver.ts");
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;

export type ServiceName = "loki-push" | "alertmanager" | "prometheus" | "collector";

export interface ServiceState {
  name: ServiceName;
  pid: number;
  binary: string;
  log: string;
}

export interface StackEndpoints {
  /** OTLP/HTTP base of the gateway: exporters append /v1/traces etc. */
  otlpHttp: string;
  /** OTLP/gRPC address of the gateway (host:port). */
  otlpGrpc: string;
  prometheus: string;
  alertmanager: string;
  /** Loki's push API (logs:import), served by the capture receiver. */
  lokiPush: string;
  /** Folder of the OTLP/JSON files the gateway writes traces and logs to (stack/clients/capture.ts). */
  captureDir: string;
  collectorHealth: string;
  collectorMetrics: string;
}

export interface StackState {
  startedAt: string;
  stateDir: string;
  dataDir: string;
  /** Folder Prometheus loads extra rule files from (besides generated/), for one run's rules. */
  scratchRulesDir: string;
  ports: StackPorts;
  endpoints: StackEndpoints;
  services: ServiceState[];
}

export interface StartOptions {
  /** Port layout; "auto" picks free loopback ports (tests), default the standard ones. */
  ports?: StackPorts | "auto";
  /** Where state.json, rendered configs and logs go (default .cache/stack in the repo). */
  stateDir?: string;
  /** Rules glob's directory for Prometheus (default generated/prometheus/rules). */
  rulesDir?: string;
  log?: (line: string) => void;
}

export function endpointsOf(ports: StackPorts, dataDir: string): StackEndpoints {
  const url = (p: number) => `http://127.0.0.1:${p}`;
  return {
    otlpHttp: url(ports.collectorHttp),
    otlpGrpc: `127.0.0.1:${ports.collectorGrpc}`,
    prometheus: url(ports.prometheus),
    alertmanager: url(ports.alertmanager),
    lokiPush: url(ports.lokiPush),
    captureDir: captureDir(dataDir),
    collectorHealth: url(ports.collectorHealth),
    collectorMetrics: url(ports.collectorMetrics),
  };
}

const stateFile = (stateDir: string) => join(stateDir, "state.json");

export async function readStackState(stateDir = DEFAULT_STATE_DIR): Promise<StackState | undefined> {
  const text = await readFile(stateFile(stateDir), "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as StackState);
}

async function autoPorts(): Promise<StackPorts> {
  const ports = {} as StackPorts;
  const taken = new Set<number>();
  for (const key of Object.keys(DEFAULT_PORTS) as (keyof StackPorts)[]) {
    let p = await freePort();
    while (taken.has(p)) p = await freePort();
    taken.add(p);
    ports[key] = p;
  }
  return ports;
}

/** Is `pid` still the process we started (not a recycled pid)? */
function isOurProcess(svc: ServiceState): boolean {
  try {
    const cmdline = readFileSync(`/proc/${svc.pid}/cmdline`, "utf8").split("\0");
    return cmdline[0] === svc.binary;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopService(svc: ServiceState): Promise<"stopped" | "killed" | "gone"> {
  if (!isOurProcess(svc)) return "gone";
  process.kill(svc.pid, "SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  while (Date.now() < deadline) {
    if (!alive(svc.pid) || !isOurProcess(svc)) return "stopped";
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(svc.pid, "SIGKILL");
  return "killed";
}

function logTail(path: string, lines = 25): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Stops exactly the processes a state file records, then removes its data and state. */
export async function stopStack(stateDir = DEFAULT_STATE_DIR, log: (line: string) => void = () => {}): Promise<boolean> {
  const state = await readStackState(stateDir);
  if (!state) return false;
  // Reverse start order: the gateway first, so it does not export into stopped backends.
  for (const svc of [...state.services].reverse()) {
    const how = await stopService(svc);
    log(`${svc.name.padEnd(12)} pid ${svc.pid}: ${how}`);
  }
  await rm(state.dataDir, { recursive: true, force: true });
  await rm(stateFile(stateDir), { force: true });
  return true;
}

/** Brings the stack up and waits until every part is ready; on any failure stops what it started. */
export async function startStack(opts: StartOptions = {}): Promise<StackState> {
  const log = opts.log ?? (() => {});
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR;
  const existing = await readStackState(stateDir);
  if (existing && existing.services.some(isOurProcess)) {
    throw new Error(`a stack is already up (state ${stateFile(stateDir)}); run \`npm run stack:down\` first`);
  }
  const ports = opts.ports === "auto" ? await autoPorts() : (opts.ports ?? DEFAULT_PORTS);
  const busy: string[] = [];
  for (const [key, port] of Object.entries(ports) as [keyof StackPorts, number][]) {
    if (await portInUse(port)) busy.push(`${port} (${key})`);
  }
  if (busy.length > 0) {
    throw new Error(`port(s) already in use on 127.0.0.1: ${busy.join(", ")}. Stop whatever holds them ("npm run stack:down" if it is a stack), or pick free ports with BEACON_STACK_PORTS=auto.`);
  }

  // Builds run one after another (2 cores); a failure names the tool and its build log.
  log("ensuring tools (first run builds them; minutes)");
  const collector = await ensureCollector();
  ensureSystemTools(SYSTEM_TOOLS.prometheus, SYSTEM_TOOLS.alertmanager);

  mkdirSync(stateDir, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), "beacon-stack-"));
  const configDir = join(stateDir, "config");
  const logDir = join(stateDir, "logs");
  mkdirSync(configDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  mkdirSync(scratchRulesDir(dataDir), { recursive: true });
  mkdirSync(captureDir(dataDir), { recursive: true });
  const rendered = renderNativeConfigs({ ports, dataDir, ...(opts.rulesDir ? { rulesDir: opts.rulesDir } : {}) });
  for (const file of NATIVE_FILES) await writeFile(join(configDir, file), rendered[file]);
  const cfg = (file: string) => join(configDir, file);

  const commands: { name: ServiceName; binary: string; args: string[]; ready: string }[] = [
    {
      name: "loki-push",
      binary: process.execPath,
      args: [LOKI_PUSH_RECEIVER, "--listen", `127.0.0.1:${ports.lokiPush}`, "--out", join(captureDir(dataDir), "loki-push.jsonl")],
      ready: `http://127.0.0.1:${ports.lokiPush}/ready`,
    },
    {
      name: "alertmanager",
      binary: SYSTEM_TOOLS.alertmanager.binary,
      args: [
        `--config.file=${cfg("alertmanager.yml")}`,
        `--storage.path=${join(dataDir, "alertmanager")}`,
        `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
        "--cluster.listen-address=", // no HA gossip port
      ],
      ready: `http://127.0.0.1:${ports.alertmanager}/-/ready`,
    },
    {
      name: "prometheus",
      binary: SYSTEM_TOOLS.prometheus.binary,
      args: [
        `--config.file=${cfg("prometheus.yml")}`,
        `--storage.tsdb.path=${join(dataDir, "prometheus")}`,
        `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        "--web.enable-remote-write-receiver",
        "--web.enable-lifecycle", // POST /-/reload after `npm run build` regenerates rules
        "--enable-feature=exemplar-storage", // exemplar → trace links
      ],
      ready: `http://127.0.0.1:${ports.prometheus}/-/ready`,
    },
    {
      name: "collector",
      binary: collector,
      args: [`--config=file:${cfg("collector.yaml")}`, `--config=file:${cfg("collector-capture.yaml")}`],
      ready: `http://127.0.0.1:${ports.collectorHealth}/`,
    },
  ];

  const state: StackState = {
    startedAt: new Date().toISOString(),
    stateDir,
    dataDir,
    ports,
    endpoints: endpointsOf(ports, dataDir),
    scratchRulesDir: scratchRulesDir(dataDir),
    services: [],
  };
  const save = () => writeFile(stateFile(stateDir), `${JSON.stringify(state, null, 2)}\n`);
  try {
    for (const c of commands) {
      const logPath = join(logDir, `${c.name}.log`);
      const fd = openSync(logPath, "w");
      // Detached with its own process group: the stack outlives `npm run stack:up`.
      const child = spawn(c.binary, c.args, { detached: true, stdio: ["ignore", fd, fd], cwd: dataDir });
      closeSync(fd);
      if (child.pid === undefined) throw new Error(`could not start ${c.name} (${c.binary})`);
      child.unref();
      state.services.push({ name: c.name, pid: child.pid, binary: c.binary, log: logPath });
      await save(); // recorded before waiting, so stack:down can stop a half-started stack
    }
    log(`started ${state.services.map((s) => `${s.name} (pid ${s.pid})`).join(", ")}; waiting until ready`);
    await Promise.all(
      commands.map(async (c) => {
        const svc = state.services.find((s) => s.name === c.name) as ServiceState;
        const exited = new Promise<never>((_, reject) => {
          const timer = setInterval(() => {
            // cmdline, not kill(0): a child that exited under a live parent lingers as a zombie.
            if (!isOurProcess(svc)) {
              clearInterval(timer);
              reject(new Error(`${c.name} exited during startup`));
            }
          }, 250);
          timer.unref();
        });
        exited.catch(() => undefined);
        try {
          await Promise.race([waitForHttp(c.ready, READY_TIMEOUT_MS), exited]);
        } catch (err) {
          throw new Error(`${c.name} did not become ready: ${(err as Error).message}\n--- ${svc.log} (tail) ---\n${logTail(svc.log)}`);
        }
      }),
    );
  } catch (err) {
    await stopStack(stateDir);
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return state;
}

export function describeStack(state: StackState): string {
  const e = state.endpoints;
  const rows: [string, string][] = [
    ["OTLP/HTTP gateway", e.otlpHttp],
    ["OTLP/gRPC gateway", e.otlpGrpc],
    ["Prometheus", e.prometheus],
    ["Alertmanager", e.alertmanager],
    ["Loki push (import)", e.lokiPush],
    ["Traces and logs", `${e.captureDir} (OTLP/JSON, as Grafana Cloud would receive them)`],
    ["Collector health", e.collectorHealth],
    ["Collector metrics", `${e.collectorMetrics}/metrics`],
  ];
  return [
    ...rows.map(([k, v]) => `  ${k.padEnd(18)} ${v}`),
    `  data:  ${state.dataDir}`,
    `  logs:  ${join(state.stateDir, "logs")}`,
    `  state: ${stateFile(state.stateDir)}`,
  ].join("\n");
}
