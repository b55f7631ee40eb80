// Overhead, runner side: the same load (loadtest/lib/overhead-plan.ts, the k6 script's plan, sent
// by vegeta) against the chat server started with telemetry off (OTEL_SDK_DISABLED=true), then on
// (exporting to the stack at the production sampling ratio of 10 %). Per run: the P95/P99
// latency vegeta measured, the server's CPU seconds and its RSS sampled from /proc every 250 ms. Seed 002's budget: < 5 ms per request and
// < 10 MB of memory; the figures are reported against it, not asserted (2 shared cores).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SEED_CHATROOMS } from "../../server/seed.ts";
import { overheadIterationRequests, overheadSetupRequests } from "../lib/overhead-plan.ts";
import { arrivalConcurrency, iterationsOf, type OverheadShape } from "../lib/profiles.ts";
import type { OverheadConfig } from "../lib/run-configs.ts";
import { LOADTEST_SERVER_ENV } from "../lib/server-env.ts";
import { failedThresholds, OVERHEAD_THRESHOLDS } from "../lib/thresholds.ts";
import type { PlanRequest } from "../lib/validation-plan.ts";
import { startChatServerProcess, type ProcessUsage } from "../../testkit/chat-server-process.ts";
import { attack, HTTP_GENERATOR } from "./vegeta.ts";

export const BUDGET = { latencyMs: 5, memoryMb: 10 } as const;
const SAMPLE_MS = 250;

export interface OverheadRun {
  readonly telemetry: "off" | "on";
  readonly requests: number;
  /** Requests not answered as planned (200 for the read, 201 for the post). */
  readonly failed: number;
  /** Iterations never started because the generator fell behind. */
  readonly droppedIterations: number;
  /** The k6 script's thresholds that did not hold (reported, not asserted: 2 shared cores). */
  readonly failedThresholds: readonly string[];
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly avgMs: number;
  /** Server CPU seconds during the load, and as a share of one core. */
  readonly cpuSeconds: number;
  readonly cpuPercentOfCore: number;
  /** RSS after start-up (before load), its peak during the run, and the mean during the run (MB). */
  readonly rssIdleMb: number;
  readonly rssPeakMb: number;
  readonly rssMeanMb: number;
}

export interface OverheadReport {
  /** What sent the load. */
  readonly generator: string;
  readonly off: OverheadRun;
  readonly on: OverheadRun;
  readonly deltaP95Ms: number;
  readonly deltaP99Ms: number;
  readonly deltaRssPeakMb: number;
  readonly deltaCpuPercent: number;
  readonly withinBudget: { readonly latency: boolean; readonly memory: boolean };
}

const mb = (b: number) => Math.round((b / 1_048_576) * 10) / 10;

const ROUTES = {
  health: "/healthz",
  register: "/api/auth/register",
  signIn: "/api/auth/sign-in",
  messages: "/api/chatrooms/:id/messages",
  chatroom: "/api/chatrooms/:id",
} as const;

async function sendOnce(baseUrl: string, r: PlanRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(baseUrl + r.path, { method: r.method, headers: r.headers, ...(r.body !== null ? { body: r.body } : {}), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

/** `otlpHttp`: where the server exports when telemetry is on (the stack's gateway). */
async function runOnce(otlpHttp: string, shape: OverheadShape, telemetry: "off" | "on", workDir: string): Promise<OverheadRun> {
  const env: Record<string, string> =
    telemetry === "off"
      ? { OTEL_SDK_DISABLED: "true" }
      : { OTEL_SDK_DISABLED: "false", OTEL_EXPORTER_OTLP_ENDPOINT: otlpHttp, OTEL_TRACES_SAMPLER_ARG: "0.1" };
  const server = await startChatServerProcess({ ...env, ...LOADTEST_SERVER_ENV, NODE_ENV: "production" });
  try {
    const config: OverheadConfig = { baseUrl: server.url, shape, chatroomId: SEED_CHATROOMS[0]?.id ?? "1001", routes: ROUTES };
    await writeFile(join(workDir, `overhead-${telemetry}.config.json`), JSON.stringify(config, null, 1)).catch(() => undefined);
    // Setup as the k6 script's (health, register, sign-in), counted like its requests.
    let requests = 0;
    let token = "";
    for (const r of overheadSetupRequests(config)) {
      const res = await sendOnce(server.url, r);
      requests++;
      if (res.status !== r.status) throw new Error(`${r.method} ${server.url}${r.path} answered ${res.status}: ${res.text.slice(0, 200)}`);
      if (r.route === ROUTES.signIn) token = (JSON.parse(res.text) as { token: string }).token;
    }
    const iteration = overheadIterationRequests(config, token);
    const expected = new Map(iteration.map((r) => [`${r.method} ${server.url}${r.path}`, r.status]));
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
    let failed = 0;
    let result;
    try {
      // The iteration's two requests are consecutive targets, at twice the iteration rate.
      result = await attack({
        name: `overhead-${telemetry}`,
        workDir,
        requests: iterationsOf(shape) * iteration.length,
        seconds: shape.seconds,
        target: (k) => {
          const r = iteration[k % iteration.length] as PlanRequest;
          return { method: r.method, url: server.url + r.path, headers: r.headers, body: r.body };
        },
        concurrency: arrivalConcurrency(shape.rate * iteration.length),
        onHit: (hit) => {
          requests++;
          if (hit.code !== expected.get(`${hit.method} ${hit.url}`)) failed++;
        },
      });
    } finally {
      clearInterval(timer);
    }
    const end = server.usage();
    const wallS = (Date.now() - started) / 1000;
    const d = result.latencyMs;
    const rss = samples.map((s) => s.rssBytes);
    const droppedIterations = Math.ceil((result.planned - result.sent) / iteration.length);
    const metrics = {
      http_req_failed: { rate: requests > 0 ? failed / requests : 0 },
      checks: { rate: requests > 0 ? (requests - failed) / requests : 0 },
      http_req_duration: d,
      dropped_iterations: { count: droppedIterations },
    };
    return {
      telemetry,
      requests,
      failed,
      droppedIterations,
      failedThresholds: failedThresholds(OVERHEAD_THRESHOLDS, metrics),
      p95Ms: d["p(95)"] ?? 0,
      p99Ms: d["p(99)"] ?? 0,
      avgMs: d["avg"] ?? 0,
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

/** `otlpHttp`: the OTLP/HTTP endpoint the server exports to when telemetry is on (the stack's gateway). */
export async function runOverhead(otlpHttp: string, shape: OverheadShape, workDir: string): Promise<OverheadReport> {
  // Off first, then on: the same order every time, so runs compare across machines.
  const off = await runOnce(otlpHttp, shape, "off", workDir);
  const on = await runOnce(otlpHttp, shape, "on", workDir);
  const r2 = (n: number) => Math.round(n * 100) / 100;
  const deltaP95Ms = r2(on.p95Ms - off.p95Ms);
  const deltaP99Ms = r2(on.p99Ms - off.p99Ms);
  const deltaRssPeakMb = r2(on.rssPeakMb - off.rssPeakMb);
  return {
    generator: HTTP_GENERATOR,
    off,
    on,
    deltaP95Ms,
    deltaP99Ms,
    deltaRssPeakMb,
    deltaCpuPercent: r2(on.cpuPercentOfCore - off.cpuPercentOfCore),
    withinBudget: { latency: deltaP95Ms < BUDGET.latencyMs, memory: deltaRssPeakMb < BUDGET.memoryMb },
  };
}
