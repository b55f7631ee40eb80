// Gateway capacity: OTLP/HTTP exports shaped like the client's (built from the catalog by the
// runner) straight at the collector, at one fixed rate per run. The runner steps the rate and
// compares what k6 sent with what the collector accepted and exported (its own metrics), to
// find the highest rate with zero loss and where the gateway starts to refuse.
import http from "k6/http";
import { check, fail } from "k6";
import exec from "k6/execution";
import { Counter } from "k6/metrics";
import { constantRate } from "./lib/profiles.ts";
import { runConfig } from "./lib/run-config.ts";
import type { GatewayConfig } from "./lib/run-configs.ts";
import { SUMMARY_TREND_STATS, writeSummary } from "./lib/summary.ts";

const cfg = runConfig<GatewayConfig>();
const itemsSent = new Counter("beacon_otlp_items_sent");
const itemsAccepted = new Counter("beacon_otlp_items_accepted");

export const options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  // Exports near the gateway's limit take longer: more VUs up front than the server scripts.
  scenarios: { gateway: constantRate("exportBatch", cfg.rate, cfg.seconds, "0s", 25) },
  // Capacity runs are meant to reach refusal: thresholds here report, the runner judges loss.
  thresholds: {
    http_req_failed: ["rate==0"],
    http_req_duration: ["p(95)<1000", "p(99)<2000"],
    checks: ["rate==1"],
    beacon_otlp_items_sent: ["count>=0"],
    beacon_otlp_items_accepted: ["count>=0"],
  },
};

export function setup(): void {
  // An empty export is valid OTLP: 200 means the receiver is up.
  const res = http.post(`${cfg.otlpUrl}/v1/traces`, JSON.stringify({ resourceSpans: [] }), { headers: { "content-type": "application/json" } });
  if (res.status !== 200) fail(`collector ${cfg.otlpUrl}/v1/traces answered ${res.status}: is the stack up?`);
}

/** Fills the payload placeholders (see loadtest/runner/gateway-payloads.ts). */
function fill(body: string, i: number): string {
  const iter = i.toString(16).padStart(16, "0");
  const nowNs = `${Date.now()}000000`;
  return body.replaceAll("__RUN__", cfg.runId).replaceAll("__ITER14__", iter.slice(2)).replaceAll("__ITER__", iter).replaceAll("__NOW_NS__", nowNs);
}

export function exportBatch(): void {
  const i = exec.scenario.iterationInTest;
  const p = cfg.payloads[i % cfg.payloads.length];
  if (!p) return;
  const res = http.post(`${cfg.otlpUrl}/v1/${p.signal}`, fill(p.body, i), { headers: { "content-type": "application/json" }, tags: { signal: p.signal } });
  itemsSent.add(p.items, { signal: p.signal });
  if (check(res, { "export accepted (200)": (r) => r.status === 200 })) itemsAccepted.add(p.items, { signal: p.signal });
}

export function handleSummary(data: Parameters<typeof writeSummary>[0]) {
  return writeSummary(data, ["beacon_otlp_items_sent", "beacon_otlp_items_accepted"]);
}
