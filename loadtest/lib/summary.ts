// handleSummary for every k6 script: the whole summary as JSON to SUMMARY_FILE (figures and exact
// counts for whoever runs the script) and a few lines on stdout instead of per-iteration logs.
// The k6 global is passed in (`writeSummary(data, [...], __ENV.SUMMARY_FILE)`) to keep this pure.

/** Trend statistics every summary carries (k6's options.summaryTrendStats; p99 is not a k6 default). */
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"];

export interface MetricSummary {
  type: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}
export interface SummaryData {
  metrics: Record<string, MetricSummary>;
}

function line(name: string, m: MetricSummary | undefined): string {
  if (!m) return `  ${name}: -`;
  const v = m.values;
  const figures =
    m.type === "trend"
      ? `p95=${(v["p(95)"] ?? 0).toFixed(2)} p99=${(v["p(99)"] ?? 0).toFixed(2)} avg=${(v["avg"] ?? 0).toFixed(2)}`
      : m.type === "rate"
        ? `rate=${((v["rate"] ?? 0) * 100).toFixed(2)} %`
        : `count=${v["count"] ?? v["value"] ?? 0}`;
  const failed = Object.entries(m.thresholds ?? {}).filter(([, t]) => !t.ok).map(([k]) => k);
  return `  ${name}: ${figures}${failed.length > 0 ? `  THRESHOLD FAILED: ${failed.join(", ")}` : ""}`;
}

export function writeSummary(data: SummaryData, headline: readonly string[], summaryFile: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (summaryFile) out[summaryFile] = JSON.stringify(data, null, 1);
  const shown = [...new Set(["http_reqs", "http_req_failed", "http_req_duration", "checks", "dropped_iterations", ...headline])];
  out["stdout"] = `${shown.map((n) => line(n, data.metrics[n])).join("\n")}\n`;
  return out;
}
