// The gateway as tests run it: N real collector replicas of the generated config (gateway/,
// target "local"), Debian's nginx in front (per-client rate limit, load balancing with retry on
// the other replica), a real Prometheus receiving the replicas' remote write and scraping their
// own metrics, and a test collector standing in for Grafana Cloud's OTLP endpoint (traces and
// logs; its proxy can answer 503 to play an outage). All on 127.0.0.1, in one temp dir.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderGatewayConfig } from "../gateway/config.ts";
import { renderNginxConfig } from "../gateway/nginx.ts";
import { ensureSystemTools, SYSTEM_TOOLS } from "../stack/runner/system-packages.ts";
import { ensureCollector } from "../stack/runner/tools.ts";
import { startTestCollector, type TestCollector } from "./collector.ts";
import { freePort, waitFor, waitForHttp } from "./process.ts";

const READY_MS = 30_000;

export interface GatewayReplica {
  /** The replica id (BEACON_GATEWAY_REPLICA, the `instance` of its aggregated series) it runs as. */
  readonly id: string;
  readonly clientUrl: string;
  readonly serverUrl: string;
  readonly metricsUrl: string;
  /** SIGTERM (what Kubernetes sends a pod) or SIGKILL; resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Starts the replica again on the same ports and storage dir (its persistent queue): in place,
   * as Kubernetes restarts a container, under the same id; or, given `id`, as a new pod would.
   */
  start(opts?: { id?: string }): Promise<void>;
  running(): boolean;
}

export interface GatewayFleet {
  /** Where installs send: nginx in front of every replica. */
  readonly clientUrl: string;
  /** Where the chat server sends (nginx too; no per-client limit on it). */
  readonly serverUrl: string;
  readonly replicas: readonly GatewayReplica[];
  readonly prometheusUrl: string;
  /** Grafana Cloud's stand-in for traces and logs. */
  readonly cloud: TestCollector;
  /** Rewrites the client key file (the gateway re-reads it: revoke and rotate without restart). */
  setClientKeys(keys: readonly string[]): Promise<void>;
  /** Instant PromQL query; returns [labels, value] pairs. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

export interface FleetOptions {
  replicas?: number;
  clientKeys: readonly string[];
  serverKeys: readonly string[];
  /** nginx limit_req per client (address + key), requests/s, and its burst. */
  ratePerSecond?: number;
  burst?: number;
  /** BEACON_GATEWAY_RETRY_MAX_INTERVAL (default 2s: a scaled-down outage recovers quickly). */
  retryMaxInterval?: string;
}

/** Debian's nginx (its light build has the ssl module gateway/tls.test.ts needs). */
export const NGINX: { binary: string; debianPackage: string } = { binary: "/usr/sbin/nginx", debianPackage: "nginx-light" };

function track(child: ChildProcess, what: string): () => string {
  let log = "";
  const add = (d: Buffer) => {
    log = (log + d.toString()).slice(-16_000);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  child.on("error", (err) => add(Buffer.from(`cannot start ${what}: ${err.message}`)));
  return () => log;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once("exit", () => r());
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  const done = exited(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await done;
  clearTimeout(timer);
}

export async function startGatewayFleet(opts: FleetOptions): Promise<GatewayFleet> {
  ensureSystemTools(SYSTEM_TOOLS.prometheus, NGINX);
  const binary = await ensureCollector();
  const dir = await mkdtemp(join(tmpdir(), "beacon-gateway-"));
  const children = new Set<ChildProcess>();
  const killAll = () => {
    for (const c of children) c.kill("SIGKILL");
  };
  process.once("exit", killAll);
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    process.removeListener("exit", killAll);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const cloud = await startTestCollector();
    cleanups.push(() => cloud.stop());

    const clientKeysFile = join(dir, "client-keys");
    const serverKeysFile = join(dir, "server-keys");
    await writeFile(clientKeysFile, opts.clientKeys.join("\n") + "\n");
    await writeFile(serverKeysFile, opts.serverKeys.join("\n") + "\n");
    const configFile = join(dir, "gateway.yaml");
    await writeFile(configFile, renderGatewayConfig("local"));

    const promPort = await freePort();
    const prometheusUrl = `http://127.0.0.1:${promPort}`;
    const n = opts.replicas ?? 1;
    const replicaPorts = [];
    for (let i = 0; i < n; i++) {
      replicaPorts.push({ client: await freePort(), server: await freePort(), health: await freePort(), metrics: await freePort() });
    }

    const replicas: GatewayReplica[] = replicaPorts.map((ports, i) => {
      let id = `gateway-${i}`;
      let child: ChildProcess | undefined;
      let log = () => "";
      const start = async (startOpts: { id?: string } = {}) => {
        if (startOpts.id !== undefined) id = startOpts.id;
        const c = spawn(binary, [`--config=file:${configFile}`], {
          stdio: ["ignore", "pipe", "pipe"],
          env: {
            ...process.env,
            BEACON_GATEWAY_CLIENT_ENDPOINT: `127.0.0.1:${ports.client}`,
            BEACON_GATEWAY_SERVER_ENDPOINT: `127.0.0.1:${ports.server}`,
            BEACON_GATEWAY_HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
            BEACON_GATEWAY_METRICS_HOST: "127.0.0.1",
            BEACON_GATEWAY_METRICS_PORT: String(ports.metrics),
            BEACON_GATEWAY_CLIENT_KEYS_FILE: clientKeysFile,
            BEACON_GATEWAY_SERVER_KEYS_FILE: serverKeysFile,
            BEACON_GATEWAY_STORAGE_DIR: join(dir, `storage-${i}`),
            BEACON_GATEWAY_REPLICA: id,
            BEACON_GATEWAY_INTERVAL: "1s",
            BEACON_GATEWAY_RETRY_MAX_INTERVAL: opts.retryMaxInterval ?? "2s",
            BEACON_GATEWAY_PROMETHEUS_URL: prometheusUrl,
            GRAFANA_CLOUD_OTLP_ENDPOINT: cloud.otlpHttpEndpoint,
            GRAFANA_CLOUD_OTLP_AUTH: Buffer.from("123456:test-cloud-token").toString("base64"),
          },
        });
        children.add(c);
        c.once("exit", () => children.delete(c));
        child = c;
        log = track(c, id);
        const died = exited(c).then(() => {
          throw new Error(`${id} exited during startup:\n${log()}`);
        });
        died.catch(() => undefined);
        await Promise.race([waitForHttp(`http://127.0.0.1:${ports.health}/`, READY_MS), died]);
      };
      return {
        get id() {
          return id;
        },
        clientUrl: `http://127.0.0.1:${ports.client}`,
        serverUrl: `http://127.0.0.1:${ports.server}`,
        metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
        start,
        running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
        async stop(signal = "SIGTERM") {
          if (child) await stopChild(child, signal);
        },
      };
    });
    for (const r of replicas) cleanups.push(() => r.stop());
    await mkdir(join(dir, "prometheus"), { recursive: true });
    await writeFile(
      join(dir, "prometheus.yml"),
      `global:\n  scrape_interval: 1s\nstorage:\n  tsdb:\n    out_of_order_time_window: 1h\nscrape_configs:\n  - job_name: otel-collector\n    static_configs:\n      - targets: [${replicaPorts.map((p) => `"127.0.0.1:${p.metrics}"`).join(", ")}]\n`,
    );
    const prom = spawn(
      SYSTEM_TOOLS.prometheus.binary,
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "prometheus")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        "--web.enable-remote-write-receiver",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    children.add(prom);
    const promLog = track(prom, "prometheus");
    cleanups.push(() => stopChild(prom));
    await waitForHttp(`${prometheusUrl}/-/ready`, READY_MS).catch((err: Error) => {
      throw new Error(`${err.message}\n${promLog()}`);
    });
    await Promise.all(replicas.map((r) => r.start()));

    const clientPort = await freePort();
    const serverPort = await freePort();
    await mkdir(join(dir, "nginx"), { recursive: true });
    const nginxConf = join(dir, "nginx", "nginx.conf");
    await writeFile(
      nginxConf,
      renderNginxConfig({
        prefix: join(dir, "nginx"),
        clientListen: `127.0.0.1:${clientPort}`,
        serverListen: `127.0.0.1:${serverPort}`,
        clientUpstreams: replicaPorts.map((p) => `127.0.0.1:${p.client}`),
        serverUpstreams: replicaPorts.map((p) => `127.0.0.1:${p.server}`),
        ratePerSecond: opts.ratePerSecond ?? 50,
        burst: opts.burst ?? 100,
        foreground: true,
      }),
    );
    const nginx = spawn(NGINX.binary, ["-p", join(dir, "nginx"), "-c", nginxConf, "-e", join(dir, "nginx", "error.log")], { stdio: ["ignore", "pipe", "pipe"] });
    children.add(nginx);
    const nginxLog = track(nginx, "nginx");
    cleanups.push(() => stopChild(nginx, "SIGQUIT"));
    await waitFor(
      () => fetch(`http://127.0.0.1:${clientPort}/nginx-health`).then((r) => r.status).catch(() => 0),
      (s) => s === 200,
      READY_MS,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${nginxLog()}`);
    });

    return {
      clientUrl: `http://127.0.0.1:${clientPort}`,
      serverUrl: `http://127.0.0.1:${serverPort}`,
      replicas,
      prometheusUrl,
      cloud,
      async setClientKeys(keys) {
        // In place: the collector watches the file (a Secret volume's symlink swap works too).
        await writeFile(clientKeysFile, keys.join("\n") + "\n");
      },
      async query(expr) {
        const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
        const body = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
        if (body.status !== "success") throw new Error(`PromQL ${expr}: ${body.error}`);
        return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
