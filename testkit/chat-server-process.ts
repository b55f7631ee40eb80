// Runs the chat server (`server/main.ts`, exactly what `npm run server` runs) as a child
// process on a free loopback port, for the load tests and the e2e: start, read its URLs from
// its first log line, sample its CPU time and RSS from /proc, stop it with SIGTERM (the
// server then flushes its telemetry) and wait for the exit.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { readProcStat, readProcStatusBytes } from "./proc.ts";
import { REPO_ROOT } from "../stack/runner/tools.ts";

export interface ChatServerProcess {
  readonly url: string;
  readonly wsUrl: string;
  readonly pid: number;
  /** Everything the server printed, for error reports. */
  output(): string;
  /** CPU seconds (user + system) and resident set size (bytes) right now, from /proc. */
  usage(): ProcessUsage;
  /** SIGTERM, then wait for the exit (SIGKILL after `timeoutMs`). Resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

export interface ProcessUsage {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  /** Peak RSS of the process so far (VmHWM). */
  readonly peakRssBytes: number;
}

export function readProcUsage(pid: number): ProcessUsage {
  return { cpuSeconds: readProcStat(pid)?.cpuSeconds ?? 0, rssBytes: readProcStatusBytes(pid, "VmRSS"), peakRssBytes: readProcStatusBytes(pid, "VmHWM") };
}

export async function startChatServerProcess(env: Record<string, string>, startTimeoutMs = 30_000): Promise<ChatServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, "server", "main.ts")], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const urls = await new Promise<{ url: string; wsUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chat server did not start within ${startTimeoutMs} ms; output:\n${out}`)), startTimeoutMs);
    const onData = () => {
      const m = /listening on (http:\/\/\S+) \(WebSocket (ws:\/\/\S+)\)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolve({ url: m[1] as string, wsUrl: m[2] as string });
    };
    child.stdout?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`chat server exited with ${code} before listening; output:\n${out}`));
    });
  });

  return {
    ...urls,
    pid: child.pid as number,
    output: () => out,
    usage: () => readProcUsage(child.pid as number),
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
