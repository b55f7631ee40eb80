// Gateway capacity: OTLP/HTTP exports shaped like the client's (built from the catalog by the
// runner, filled per request by loadtest/lib/gateway-plan.ts) straight at the collector, at one
// fixed rate per run. Whoever runs it steps the rate and compares what was sent with what the
// collector accepted and exported (its own metrics), to find the highest rate with zero loss and
// where the gateway starts to refuse. The CI's runner sends the same plan with vegeta.
//   k6 run -e RUN_CONFIG=gateway-100.config.json loadtest/gateway.ts
import http from "k6/http";
import { check, fail } from "k6";
import exec from "k6/execution";
import { Counter } from "k6/metrics";
import type { Options } from "k6/options";
import { gatewayExport, READINESS_EXPORT } from "./lib/gateway-plan.ts";
import { constantRate } from "./lib/profiles.ts";
import { runConfig } from "./lib/run-config.ts";
import type { GatewayConfig } from "./lib/run-configs.ts";
import { SUMMARY_TREND_STATS, writeSummary, type SummaryData } from "./lib/summary.ts";
import { GATEWAY_THRESHOLDS } from "./lib/thresholds.ts";

const cfg = runConfig<GatewayConfig>(__ENV, open);
const itemsSent = new Counter("beacon_otlp_items_sent");
const itemsAccepted = new Counter("beacon_otlp_items_accepted");

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  // Exports near the gateway's limit take longer: more VUs up front than the server scripts.
  scenarios: { gateway: constantRate("exportBatch", cfg.rate, cfg.seconds, "0s", 25) },
  thresholds: {
    ...GATEWAY_THRESHOLDS,
    beacon_otlp_items_sent: ["count>=0"],
    beacon_otlp_items_accepted: ["count>=0"],
  },
};

export function setup(): void {
  const res = http.post(cfg.otlpUrl + READINESS_EXPORT.path, READINESS_EXPORT.body, { headers: READINESS_EXPORT.headers });
  if (res.status !== 200) fail(`collector ${cfg.otlpUrl}${READINESS_EXPORT.path} answered ${res.status}: is it up?`);
}

export function exportBatch(): void {
  const e = gatewayExport(cfg.payloads, cfg.runId, exec.scenario.iterationInTest, Date.now());
  const res = http.post(cfg.otlpUrl + e.path, e.body, { headers: e.headers, tags: { signal: e.signal } });
  itemsSent.add(e.items, { signal: e.signal });
  if (check(res, { "export accepted (200)": (r) => r.status === 200 })) itemsAccepted.add(e.items, { signal: e.signal });
}

export function handleSummary(data: SummaryData) {
  return writeSummary(data, ["beacon_otlp_items_sent", "beacon_otlp_items_accepted"], __ENV.SUMMARY_FILE);
}
