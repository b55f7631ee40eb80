// Overhead: the same HTTP load against the chat server, run once with telemetry off and once
// with it on (whoever runs it restarts the server in between and samples its CPU and RSS; the
// CI's runner sends the same plan, loadtest/lib/overhead-plan.ts, with vegeta). A read and a
// write per iteration, like a chat client: open a room, post a message.
//   k6 run -e RUN_CONFIG=overhead.config.json loadtest/overhead.ts
import http from "k6/http";
import { check, fail } from "k6";
import type { Options } from "k6/options";
import { overheadIterationRequests, overheadSetupRequests } from "./lib/overhead-plan.ts";
import { constantRate } from "./lib/profiles.ts";
import { runConfig } from "./lib/run-config.ts";
import type { OverheadConfig } from "./lib/run-configs.ts";
import { SUMMARY_TREND_STATS, writeSummary, type SummaryData } from "./lib/summary.ts";
import { OVERHEAD_THRESHOLDS } from "./lib/thresholds.ts";
import type { PlanRequest } from "./lib/validation-plan.ts";

const cfg = runConfig<OverheadConfig>(__ENV, open);

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: { overhead: constantRate("chat", cfg.shape.rate, cfg.shape.seconds) },
  thresholds: { ...OVERHEAD_THRESHOLDS },
};

const send = (r: PlanRequest) => http.request(r.method, cfg.baseUrl + r.path, r.body, { headers: r.headers, tags: { route: r.route, name: r.route } });

export function setup(): { token: string } {
  const [health, register, signIn] = overheadSetupRequests(cfg);
  if (!health || !register || !signIn) fail("overhead plan has no setup requests");
  const h = send(health);
  if (h.status !== health.status) fail(`${cfg.baseUrl}${health.path} answered ${h.status}: is the chat server up?`);
  const reg = send(register);
  if (reg.status !== register.status) fail(`registration answered ${reg.status}`);
  const res = send(signIn);
  if (res.status !== signIn.status) fail(`sign-in answered ${res.status}`);
  return { token: (res.json() as { token: string }).token };
}

export function chat(data: { token: string }): void {
  // Both requests first, then the checks: the iteration's timing is the two requests back to back.
  const requests = overheadIterationRequests(cfg, data.token);
  const responses = requests.map(send);
  requests.forEach((r, k) => check(responses[k], { [r.check]: (x) => x?.status === r.status }));
}

export function handleSummary(data: SummaryData) {
  return writeSummary(data, [], __ENV.SUMMARY_FILE);
}
