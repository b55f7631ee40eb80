// Runs the chat server (`server/main.ts`, exactly what `npm run server` runs) as a child
// process on a free loopback port, for the load tests and the e2e: start, read its URLs from
// its first log line, sample its CPU time and RSS from /proc, stop it with SIGTERM (the
// server then flushes its telemetry) and wait for the exit.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./tools.ts";

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

/** Clock ticks per second for /proc/<pid>/stat; 100 on every Linux this project runs on. */
const CLK_TCK = 100;

export function readProcUsage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { cpuSeconds: (utime + stime) / CLK_TCK, rssBytes: kb("VmRSS"), peakRssBytes: kb("VmHWM") };
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
