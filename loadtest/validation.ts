// Validation: drive the chat server over HTTP and WebSocket at a fixed rate for a fixed count,
// with the plan of loadtest/lib/validation-plan.ts (the CI's own runs send the same plan with
// vegeta and Node ws). k6 counts what it sent and received (per route, method and status; chat
// messages pushed over WebSocket), so the summary holds the exact figures the backends must
// report. Every n-th message carries a sampled traceparent with a known trace id.
//   k6 run -e RUN_CONFIG=validation.config.json loadtest/validation.ts
import http from "k6/http";
import { check, fail } from "k6";
import exec from "k6/execution";
import { Counter } from "k6/metrics";
import type { Options } from "k6/options";
import { setTimeout } from "k6/timers";
import { WebSocket } from "k6/websockets";
import { constantRate } from "./lib/profiles.ts";
import { runConfig } from "./lib/run-config.ts";
import type { ValidationConfig } from "./lib/run-configs.ts";
import { SUMMARY_TREND_STATS, writeSummary, type SummaryData } from "./lib/summary.ts";
import { validationThresholds } from "./lib/thresholds.ts";
import {
  classifyFrame,
  DRAIN_S,
  iterationRequests,
  setupRequests,
  subscribeFrame,
  WARMUP_S,
  type PlannedRequest,
  type PlanRequest,
} from "./lib/validation-plan.ts";

const cfg = runConfig<ValidationConfig>(__ENV, open);
const { rate, seconds, subscribers } = cfg.shape;

const wsReceived = new Counter("beacon_ws_chat_messages_received");
const wsSubscribed = new Counter("beacon_ws_subscriptions");
const wsErrors = new Counter("beacon_ws_errors");

const key = (p: PlannedRequest) => `http_reqs{route:${p.route},method:${p.method},status:${p.status}}`;

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    subscribers: {
      executor: "per-vu-iterations",
      exec: "subscriber",
      vus: subscribers,
      iterations: 1,
      maxDuration: `${WARMUP_S + seconds + DRAIN_S + 30}s`,
    },
    messages: constantRate("postMessage", rate, seconds, `${WARMUP_S}s`),
  },
  thresholds: {
    ...validationThresholds(subscribers),
    beacon_ws_chat_messages_received: ["count>=0"],
    // Message iterations = trace ids used: whoever checks Tempo rebuilds the ids from this count.
    "iterations{scenario:messages}": ["count>=0"],
    // One sub-metric per planned (route, method, status): the summary then holds exact counts.
    ...Object.fromEntries(cfg.plan.map((p) => [key(p), ["count>=0"]])),
  },
};

/** Sends one planned request, tagged with its route template, and checks its status. */
function send(r: PlanRequest) {
  const res = http.request(r.method, cfg.baseUrl + r.path, r.body, {
    headers: r.headers,
    tags: { route: r.route, name: r.route },
    responseCallback: http.expectedStatuses(r.status),
  });
  check(res, { [r.check]: (x) => x.status === r.status });
  return res;
}

export function setup(): { token: string } {
  const [health, register, signIn] = setupRequests(cfg);
  if (!health || !register || !signIn) fail("validation plan has no setup requests");
  const h = send(health);
  if (h.status !== health.status) fail(`${cfg.baseUrl}${health.path} answered ${h.status}: is the chat server up?`);
  const reg = send(register);
  if (reg.status !== register.status) fail(`registration answered ${reg.status}: ${String(reg.body).slice(0, 200)}`);
  const res = send(signIn);
  if (res.status !== signIn.status) fail(`sign-in answered ${res.status}: ${String(res.body).slice(0, 200)}`);
  return { token: (res.json() as { token: string }).token };
}

export function postMessage(data: { token: string }): void {
  for (const r of iterationRequests(cfg, exec.scenario.iterationInTest, data.token)) send(r);
}

export function subscriber(): void {
  const ws = new WebSocket(cfg.wsUrl);
  ws.onopen = () => ws.send(subscribeFrame(cfg));
  ws.onmessage = (e) => {
    const kind = classifyFrame(cfg, String(e?.data ?? ""));
    if (kind === "subscribed") wsSubscribed.add(1);
    else if (kind === "chat") wsReceived.add(1);
  };
  ws.onerror = () => wsErrors.add(1);
  setTimeout(() => ws.close(), (WARMUP_S + seconds + DRAIN_S) * 1000);
}

export function handleSummary(data: SummaryData) {
  return writeSummary(data, ["beacon_ws_chat_messages_received", "beacon_ws_subscriptions", ...cfg.plan.map(key)], __ENV.SUMMARY_FILE);
}
