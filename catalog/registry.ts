// The whole catalog as one registry, validated once when first imported.
import { LOG_EVENTS } from "./logs.ts";
import { CLIENT_METRICS } from "./metrics/client.ts";
import { ALL_COLLECTOR_METRICS, COLLECTOR_METRICS } from "./metrics/collector.ts";
import { GATEWAY_METRICS } from "./metrics/gateway.ts";
import { PIPELINE_METRICS } from "./metrics/pipeline.ts";
import { SERVER_METRICS } from "./metrics/server.ts";
import { prometheusNames } from "./prometheus-names.ts";
import { ALL_SLOS } from "./slos.ts";
import { SPAN_FAMILIES } from "./spans.ts";
import type { DerivedMetricDecl, LogEventDecl, MetricDecl, SpanFamilyDecl } from "./types.ts";
import { assertValidCatalog, CatalogError, sloErrors } from "./validate.ts";

const GROUPS = { CLIENT_METRICS, PIPELINE_METRICS, SERVER_METRICS };

// A key two groups share would silently keep only the last declaration in METRICS.
const keyOwners = new Map<string, string>();
for (const [group, metrics] of Object.entries(GROUPS)) {
  for (const key of Object.keys(metrics)) {
    const other = keyOwners.get(key);
    if (other !== undefined) throw new Error(`catalog: metric key ${key} is declared in both ${other} and ${group}; rename one`);
    keyOwners.set(key, group);
  }
}

export const METRICS = { ...CLIENT_METRICS, ...PIPELINE_METRICS, ...SERVER_METRICS } as const;

export const ALL_METRICS: readonly MetricDecl[] = Object.values(METRICS);
export const ALL_SPAN_FAMILIES: readonly SpanFamilyDecl[] = Object.values(SPAN_FAMILIES);
export const ALL_LOG_EVENTS: readonly LogEventDecl[] = Object.values(LOG_EVENTS);

/** Metrics derived from spans by the gateway or Tempo (not in METRICS: no SDK emits them). */
export { GATEWAY_METRICS };
export const ALL_GATEWAY_METRICS: readonly DerivedMetricDecl[] = Object.values(GATEWAY_METRICS);

/**
 * The gateway's own metrics (otelcol_*, scraped from the collector): not in GATEWAY_METRICS, so the
 * release filter, which reads app releases, leaves their selectors alone.
 */
export { COLLECTOR_METRICS, ALL_COLLECTOR_METRICS };

// Validated together, so a derived metric cannot take a series name an app metric has.
assertValidCatalog({ metrics: [...ALL_METRICS, ...ALL_GATEWAY_METRICS, ...ALL_COLLECTOR_METRICS], spans: ALL_SPAN_FAMILIES, logs: ALL_LOG_EVENTS });
{
  const problems = sloErrors(ALL_SLOS, ALL_METRICS);
  if (problems.length > 0) throw new CatalogError(problems);
}

const BY_SERIES = new Map<string, MetricDecl>();
for (const m of [...ALL_METRICS, ...ALL_GATEWAY_METRICS, ...ALL_COLLECTOR_METRICS]) for (const s of prometheusNames(m).series) BY_SERIES.set(s, m);

/** The declaration behind a Prometheus series name (`…_bucket` included), if any. */
export function metricByPrometheusName(series: string): MetricDecl | undefined {
  return BY_SERIES.get(series);
}
