// Validation: drive the chat server over HTTP and WebSocket at a fixed rate for a fixed
// count. k6 counts what it sent and received (per route, method and status; chat messages
// pushed over WebSocket); the runner then checks that Prometheus, Loki and Tempo saw exactly
// that. Every n-th message carries a sampled traceparent with a known trace id.
import http from "k6/http";
import { check, fail } from "k6";
import exec from "k6/execution";
import { Counter } from "k6/metrics";
import { WebSocket } from "k6/websockets";
import { constantRate } from "./lib/profiles.ts";
import { runConfig } from "./lib/run-config.ts";
import type { PlannedRequest, ValidationConfig } from "./lib/run-configs.ts";
import { SUMMARY_TREND_STATS, writeSummary } from "./lib/summary.ts";
import { isSampled, traceIdOf, traceparent } from "./lib/trace-ids.ts";

const cfg = runConfig<ValidationConfig>();
const { rate, seconds, subscribers } = cfg.shape;
/** Subscribers connect first; messages start after this many seconds. */
const WARMUP_S = 3;
/** Subscribers stay this long after the last message so every push arrives before they close. */
const DRAIN_S = 4;

const wsReceived = new Counter("beacon_ws_chat_messages_received");
const wsSubscribed = new Counter("beacon_ws_subscriptions");
const wsErrors = new Counter("beacon_ws_errors");

const key = (p: PlannedRequest) => `http_reqs{route:${p.route},method:${p.method},status:${p.status}}`;

export const options = {
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
    // Validation tolerates no loss: every request answered as planned, nothing dropped.
    http_req_failed: ["rate==0"],
    checks: ["rate==1"],
    http_req_duration: ["p(95)<500", "p(99)<1000"],
    dropped_iterations: ["count==0"],
    beacon_ws_subscriptions: [`count==${subscribers}`],
    beacon_ws_errors: ["count==0"],
    beacon_ws_chat_messages_received: ["count>=0"],
    // Message iterations = trace ids used; the runner rebuilds the ids from this count.
    "iterations{scenario:messages}": ["count>=0"],
    // One sub-metric per planned (route, method, status): the summary then holds exact counts.
    ...Object.fromEntries(cfg.plan.map((p) => [key(p), ["count>=0"]])),
  },
};

const url = (route: string) => cfg.baseUrl + route.replace(":id", cfg.chatroomId);
const tagged = (route: string, expected: number[], headers: Record<string, string> = {}) => ({
  headers,
  tags: { route, name: route },
  responseCallback: http.expectedStatuses(...expected),
});

export function setup(): { token: string } {
  const health = http.get(url(cfg.routes.health), tagged(cfg.routes.health, [200]));
  if (health.status !== 200) fail(`${cfg.baseUrl}${cfg.routes.health} answered ${health.status}: is the chat server up?`);
  const res = http.post(url(cfg.routes.signIn), JSON.stringify({ username: `k6_${cfg.runId.slice(0, 8)}` }), {
    ...tagged(cfg.routes.signIn, [200]),
    headers: { "content-type": "application/json" },
  });
  if (res.status !== 200) fail(`sign-in answered ${res.status}: ${String(res.body).slice(0, 200)}`);
  return { token: (res.json() as { token: string }).token };
}

export function postMessage(data: { token: string }): void {
  const i = exec.scenario.iterationInTest;
  const auth = { authorization: `Bearer ${data.token}`, "content-type": "application/json" };
  const traceId = traceIdOf(cfg.runId, i);
  const res = http.post(url(cfg.routes.messages), JSON.stringify({ content: `validation message ${i}` }), {
    ...tagged(cfg.routes.messages, [201]),
    headers: { ...auth, traceparent: traceparent(traceId, isSampled(i, cfg.sampleEvery)) },
  });
  check(res, { "message accepted (201)": (r) => r.status === 201 });
  if (i % 10 === 5) {
    const room = http.get(url(cfg.routes.chatroom), tagged(cfg.routes.chatroom, [200]));
    check(room, { "chatroom read (200)": (r) => r.status === 200 });
  }
  if (i % 10 === 7) {
    const empty = http.post(url(cfg.routes.messages), JSON.stringify({ content: "   " }), tagged(cfg.routes.messages, [400], auth));
    check(empty, { "empty message rejected (400)": (r) => r.status === 400 });
  }
  if (i % 20 === 9) {
    const missing = http.get(cfg.baseUrl + cfg.routes.chatroom.replace(":id", "no-such-room"), tagged(cfg.routes.chatroom, [404]));
    check(missing, { "unknown chatroom (404)": (r) => r.status === 404 });
  }
}

export function subscriber(): void {
  const ws = new WebSocket(cfg.wsUrl);
  ws.onopen = () => ws.send(JSON.stringify({ event: cfg.events.subscribe, data: { channel: cfg.channel } }));
  ws.onmessage = (e: { data: string }) => {
    const frame = JSON.parse(e.data) as { event: string; channel?: string };
    if (frame.event === cfg.events.subscribed && frame.channel === cfg.channel) wsSubscribed.add(1);
    else if (frame.event === cfg.events.chatMessage) wsReceived.add(1);
  };
  ws.onerror = () => wsErrors.add(1);
  setTimeout(() => ws.close(), (WARMUP_S + seconds + DRAIN_S) * 1000);
}

export function handleSummary(data: Parameters<typeof writeSummary>[0]) {
  return writeSummary(data, ["beacon_ws_chat_messages_received", "beacon_ws_subscriptions", ...cfg.plan.map(key)]);
}
