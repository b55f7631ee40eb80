// Overhead: the same HTTP load against the chat server, run once with telemetry off and once
// with it on (the runner restarts the server in between and samples its CPU and RSS). A read
// and a write per iteration, like a chat client: open a room, post a message.
import http from "k6/http";
import { check, fail } from "k6";
import { constantRate } from "./lib/profiles.ts";
import { runConfig } from "./lib/run-config.ts";
import type { OverheadConfig } from "./lib/run-configs.ts";
import { SUMMARY_TREND_STATS, writeSummary } from "./lib/summary.ts";

const cfg = runConfig<OverheadConfig>();
const url = (route: string) => cfg.baseUrl + route.replace(":id", cfg.chatroomId);
const tagged = (route: string, headers: Record<string, string> = {}) => ({ headers, tags: { route, name: route } });

export const options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: { overhead: constantRate("chat", cfg.shape.rate, cfg.shape.seconds) },
  thresholds: {
    http_req_failed: ["rate==0"],
    http_req_duration: ["p(95)<250", "p(99)<500"],
    checks: ["rate==1"],
    dropped_iterations: ["count==0"],
  },
};

export function setup(): { token: string } {
  const health = http.get(url(cfg.routes.health), tagged(cfg.routes.health));
  if (health.status !== 200) fail(`${cfg.baseUrl}${cfg.routes.health} answered ${health.status}: is the chat server up?`);
  const res = http.post(url(cfg.routes.signIn), JSON.stringify({ username: "k6_overhead" }), tagged(cfg.routes.signIn, { "content-type": "application/json" }));
  if (res.status !== 200) fail(`sign-in answered ${res.status}`);
  return { token: (res.json() as { token: string }).token };
}

export function chat(data: { token: string }): void {
  const room = http.get(url(cfg.routes.chatroom), tagged(cfg.routes.chatroom));
  const post = http.post(
    url(cfg.routes.messages),
    JSON.stringify({ content: "overhead run: hello chat" }),
    tagged(cfg.routes.messages, { authorization: `Bearer ${data.token}`, "content-type": "application/json" }),
  );
  check(room, { "room read (200)": (r) => r.status === 200 });
  check(post, { "message accepted (201)": (r) => r.status === 201 });
}

export function handleSummary(data: Parameters<typeof writeSummary>[0]) {
  return writeSummary(data, []);
}
