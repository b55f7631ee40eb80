// A real OpenTelemetry Collector for tests: the Beacon distribution (stack/runner/tools.ts) with an
// OTLP/HTTP receiver on a free loopback port and one file exporter (OTLP/JSON lines) per signal.
// In front of it sits a small pass-through HTTP proxy that counts every request exactly (for
// "zero bytes when telemetry is off" and "< 10 KB per flush") and can answer with an error
// instead of forwarding, to exercise exporters' retry and offline-queue paths.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCollector } from "../stack/runner/tools.ts";
import {
  flattenLogs,
  flattenMetrics,
  flattenTraces,
  parseJsonLines,
  type FlatLogRecord,
  type FlatMetricPoint,
  type FlatSpan,
} from "../queries/evaluate/otlp-records.ts";
import { freePort, waitFor, waitForHttp } from "./process.ts";

export type { FlatLogRecord, FlatMetricPoint, FlatSpan } from "../queries/evaluate/otlp-records.ts";
export { waitFor } from "./process.ts";

/**
 * How the endpoint answers. "ok" forwards to the collector and relays its answer; the others
 * answer without forwarding: "unavailable" 503 (retryable), "throttled" 429 with Retry-After: 1,
 * "error" 500, "bad-request" 400 (not retryable), "hang" never answers until stop().
 */
export type RespondMode = "ok" | "unavailable" | "throttled" | "error" | "bad-request" | "hang";

export type Signal = "traces" | "metrics" | "logs";

export interface ReceivedRequest {
  method: string;
  path: string;
  signal: Signal | "other";
  /** Body size as sent on the wire (after any Content-Encoding), in bytes. */
  bytes: number;
  contentType: string;
  contentEncoding: string;
  /** Status the client got; 0 while a "hang" request is still open. */
  status: number;
}

export interface TestCollector {
  /** "http://127.0.0.1:<port>" — exporters append /v1/traces, /v1/metrics, /v1/logs. */
  readonly otlpHttpEndpoint: string;
  spans(): Promise<FlatSpan[]>;
  metrics(): Promise<FlatMetricPoint[]>;
  logs(): Promise<FlatLogRecord[]>;
  /** OTLP requests received so far, all signals, including those answered with an error. */
  receivedRequests(): Promise<number>;
  /** Every request received so far, oldest first. */
  requests(): Promise<ReceivedRequest[]>;
  /** Changes how later requests are answered (e.g. an outage, then recovery). */
  setRespond(mode: RespondMode): void;
  /** Forgets everything received so far (spans, metrics, logs, requests). */
  reset(): Promise<void>;
  /** Polls `read` until `done`; throws with the last value on timeout (default 10 s). */
  waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface TestCollectorOptions {
  respond?: RespondMode;
}

const SIGNAL_PATHS: Record<string, Signal> = { "/v1/traces": "traces", "/v1/metrics": "metrics", "/v1/logs": "logs" };
const ERROR_STATUS: Record<Exclude<RespondMode, "ok" | "hang">, number> = {
  unavailable: 503,
  throttled: 429,
  error: 500,
  "bad-request": 400,
};
const STARTUP_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;

function collectorConfig(dir: string, otlpPort: number, healthPort: number): string {
  const file = (signal: Signal) => `
  file/${signal}:
    path: ${JSON.stringify(join(dir, `${signal}.jsonl`))}
    format: json
    flush_interval: 50ms`;
  const pipeline = (signal: Signal) => `
    ${signal}:
      receivers: [otlp]
      exporters: [file/${signal}]`;
  return `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpPort}
exporters:${file("traces")}${file("metrics")}${file("logs")}
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
service:
  extensions: [health_check]
  telemetry:
    # No internal metrics server: its fixed default port would clash between parallel collectors.
    metrics:
      level: none
    logs:
      level: warn
  pipelines:${pipeline("traces")}${pipeline("metrics")}${pipeline("logs")}
`;
}

interface Running {
  child: ChildProcess;
  otlpPort: number;
  stderr: () => string;
}

async function startCollectorProcess(binary: string, dir: string): Promise<Running> {
  let lastError: Error | undefined;
  // Free ports are picked by binding port 0 and releasing it; another process can grab one in
  // between, so a collector that fails to bind is retried with fresh ports.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const otlpPort = await freePort();
    const healthPort = await freePort();
    const configPath = join(dir, "config.yaml");
    await writeFile(configPath, collectorConfig(dir, otlpPort, healthPort));
    const child = spawn(binary, [`--config=file:${configPath}`], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8_000);
    });
    const exited = new Promise<never>((_, reject) => {
      child.once("exit", (code, signal) => reject(new Error(`collector exited (${signal ?? code}) during startup:\n${stderr}`)));
      child.once("error", (err) => reject(new Error(`cannot start collector ${binary}: ${err.message}`)));
    });
    exited.catch(() => undefined);
    try {
      await Promise.race([waitForHttp(`http://127.0.0.1:${healthPort}/`, STARTUP_TIMEOUT_MS), exited]);
      return { child, otlpPort, stderr: () => stderr };
    } catch (err) {
      child.kill("SIGKILL");
      lastError = err as Error;
    }
  }
  throw new Error(`test collector did not start after ${START_ATTEMPTS} attempts: ${lastError?.message}`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startTestCollector(opts: TestCollectorOptions = {}): Promise<TestCollector> {
  const binary = await ensureCollector();
  const dir = await mkdtemp(join(tmpdir(), "beacon-collector-"));
  const running = await startCollectorProcess(binary, dir).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  const killOnExit = () => running.child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let mode: RespondMode = opts.respond ?? "ok";
  let received: ReceivedRequest[] = [];
  // Byte offsets per file at the last reset(): reads start there.
  const offsets: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  const upstream = `http://127.0.0.1:${running.otlpPort}`;

  const proxy: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const record: ReceivedRequest = {
        method: req.method ?? "",
        path,
        signal: SIGNAL_PATHS[path] ?? "other",
        bytes: body.length,
        contentType: req.headers["content-type"] ?? "",
        contentEncoding: String(req.headers["content-encoding"] ?? ""),
        status: 0,
      };
      received.push(record);
      const current = mode;
      if (current === "hang") return; // closed by stop()
      if (current !== "ok") {
        record.status = ERROR_STATUS[current];
        const headers: Record<string, string> = { "content-type": "text/plain" };
        if (current === "throttled") headers["retry-after"] = "1";
        res.writeHead(record.status, headers).end(`test collector answers ${current}`);
        return;
      }
      const headers: Record<string, string> = {};
      for (const h of ["content-type", "content-encoding"] as const) {
        const v = req.headers[h];
        if (v) headers[h] = String(v);
      }
      const up = await fetch(upstream + (req.url ?? "/"), {
        method: req.method ?? "POST",
        headers,
        ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
      });
      const answer = Buffer.from(await up.arrayBuffer());
      record.status = up.status;
      res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/octet-stream" }).end(answer);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`test collector proxy: ${(err as Error).message}`);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const proxyPort = (proxy.address() as AddressInfo).port;

  async function readSignal(signal: Signal): Promise<unknown[]> {
    const buf = await readFile(join(dir, `${signal}.jsonl`)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return Buffer.alloc(0);
      throw err;
    });
    return parseJsonLines(buf.subarray(offsets[signal]).toString("utf8"), `${dir}/${signal}.jsonl`);
  }

  let stopped = false;
  return {
    otlpHttpEndpoint: `http://127.0.0.1:${proxyPort}`,
    spans: async () => (await readSignal("traces")).flatMap((r) => flattenTraces(r as Parameters<typeof flattenTraces>[0])),
    metrics: async () => (await readSignal("metrics")).flatMap((r) => flattenMetrics(r as Parameters<typeof flattenMetrics>[0])),
    logs: async () => (await readSignal("logs")).flatMap((r) => flattenLogs(r as Parameters<typeof flattenLogs>[0])),
    receivedRequests: async () => received.filter((r) => r.signal !== "other").length,
    requests: async () => received.map((r) => ({ ...r })),
    setRespond(next) {
      mode = next;
    },
    async reset() {
      received = [];
      for (const signal of ["traces", "metrics", "logs"] as const) {
        // Only complete lines count; a partial tail is re-read next time.
        const buf = await readFile(join(dir, `${signal}.jsonl`)).catch(() => Buffer.alloc(0));
        offsets[signal] = buf.lastIndexOf(0x0a) + 1;
      }
    },
    waitFor,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener("exit", killOnExit);
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      const exited = new Promise<void>((r) => {
        if (running.child.exitCode !== null || running.child.signalCode !== null) r();
        else running.child.once("exit", () => r());
      });
      running.child.kill("SIGTERM");
      const timer = setTimeout(() => running.child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
