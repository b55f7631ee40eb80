// Overhead, runner side: the same k6 load (loadtest/overhead.ts) against the chat server
// started with telemetry off (OTEL_SDK_DISABLED=true), then on (exporting to the stack at the
// production sampling ratio of 10 %). Per run: k6's P95/P99 latency, the server's CPU seconds
// and its RSS sampled from /proc every 250 ms. Seed 002's budget: < 5 ms per request and
// < 10 MB of memory; the figures are reported against it, not asserted (2 shared cores).
import { SEED_CHATROOMS } from "../../server/seed.ts";
import type { OverheadShape } from "../lib/profiles.ts";
import type { OverheadConfig } from "../lib/run-configs.ts";
import type { StackEndpoints } from "../../stack/clients/backends.ts";
import { startChatServerProcess, type ProcessUsage } from "../../testkit/chat-server-process.ts";
import { count, runK6 } from "./k6.ts";

export const BUDGET = { latencyMs: 5, memoryMb: 10 } as const;
const SAMPLE_MS = 250;

export interface OverheadRun {
  readonly telemetry: "off" | "on";
  readonly requests: number;
  readonly failed: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly avgMs: number;
  /** Server CPU seconds during the k6 run, and as a share of one core. */
  readonly cpuSeconds: number;
  readonly cpuPercentOfCore: number;
  /** RSS after start-up (before load), its peak during the run, and the mean during the run (MB). */
  readonly rssIdleMb: number;
  readonly rssPeakMb: number;
  readonly rssMeanMb: number;
}

export interface OverheadReport {
  readonly off: OverheadRun;
  readonly on: OverheadRun;
  readonly deltaP95Ms: number;
  readonly deltaP99Ms: number;
  readonly deltaRssPeakMb: number;
  readonly deltaCpuPercent: number;
  readonly withinBudget: { readonly latency: boolean; readonly memory: boolean };
}

const mb = (b: number) => Math.round((b / 1_048_576) * 10) / 10;

async function runOnce(stack: StackEndpoints, shape: OverheadShape, telemetry: "off" | "on", workDir: string): Promise<OverheadRun> {
  const env: Record<string, string> =
    telemetry === "off"
      ? { OTEL_SDK_DISABLED: "true" }
      : { OTEL_SDK_DISABLED: "false", OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpHttp, OTEL_TRACES_SAMPLER_ARG: "0.1" };
  const server = await startChatServerProcess({ ...env, NODE_ENV: "production" });
  try {
    // Let start-up settle (JIT, SDK start) so the idle RSS is comparable.
    await new Promise((r) => setTimeout(r, 2_000));
    const idle = server.usage();
    const samples: ProcessUsage[] = [];
    const timer = setInterval(() => {
      try {
        samples.push(server.usage());
      } catch {
        // The process may be gone at the very end; the last samples suffice.
      }
    }, SAMPLE_MS);
    const started = Date.now();
    const config: OverheadConfig = {
      baseUrl: server.url,
      shape,
      chatroomId: SEED_CHATROOMS[0]?.id ?? "1001",
      routes: { health: "/healthz", signIn: "/api/auth/sign-in", messages: "/api/chatrooms/:id/messages", chatroom: "/api/chatrooms/:id" },
    };
    let k6;
    try {
      k6 = await runK6("overhead.ts", config, { workDir, name: `overhead-${telemetry}` });
    } finally {
      clearInterval(timer);
    }
    const end = server.usage();
    const wallS = (Date.now() - started) / 1000;
    const d = k6.summary.metrics.http_req_duration?.values ?? {};
    const rss = samples.map((s) => s.rssBytes);
    return {
      telemetry,
      requests: count(k6.summary, "http_reqs"),
      failed: Math.round((k6.summary.metrics.http_req_failed?.values.rate ?? 0) * count(k6.summary, "http_reqs")),
      p95Ms: d["p(95)"] ?? 0,
      p99Ms: d["p(99)"] ?? 0,
      avgMs: d.avg ?? 0,
      cpuSeconds: Math.round((end.cpuSeconds - idle.cpuSeconds) * 100) / 100,
      cpuPercentOfCore: Math.round(((end.cpuSeconds - idle.cpuSeconds) / wallS) * 1000) / 10,
      rssIdleMb: mb(idle.rssBytes),
      rssPeakMb: mb(Math.max(idle.rssBytes, ...rss)),
      rssMeanMb: mb(rss.length > 0 ? rss.reduce((a, b) => a + b, 0) / rss.length : idle.rssBytes),
    };
  } finally {
    await server.stop();
  }
}

export async function runOverhead(stack: StackEndpoints, shape: OverheadShape, workDir: string): Promise<OverheadReport> {
  // Off first, then on: the same order every time, so runs compare across machines.
  const off = await runOnce(stack, shape, "off", workDir);
  const on = await runOnce(stack, shape, "on", workDir);
  const r2 = (n: number) => Math.round(n * 100) / 100;
  const deltaP95Ms = r2(on.p95Ms - off.p95Ms);
  const deltaP99Ms = r2(on.p99Ms - off.p99Ms);
  const deltaRssPeakMb = r2(on.rssPeakMb - off.rssPeakMb);
  return {
    off,
    on,
    deltaP95Ms,
    deltaP99Ms,
    deltaRssPeakMb,
    deltaCpuPercent: r2(on.cpuPercentOfCore - off.cpuPercentOfCore),
    withinBudget: { latency: deltaP95Ms < BUDGET.latencyMs, memory: deltaRssPeakMb < BUDGET.memoryMb },
  };
}
