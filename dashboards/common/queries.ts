// Query layer: every target names its datasource through a dashboard variable, so the same
// JSON runs on Grafana Cloud and on a self-hosted Grafana whatever the datasources' uids are.
import type { DataSourceRef } from "@grafana/grafana-foundation-sdk/common";
import * as loki from "@grafana/grafana-foundation-sdk/loki";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as tempo from "@grafana/grafana-foundation-sdk/tempo";
import { DATASOURCES } from "../../build/content-types.ts";
import { GATEWAY_METRICS, type SpanFamilyDecl } from "../../catalog/index.ts";
import { quantile, type Matchers } from "../../queries/promql.ts";
import { familyServices } from "../../queries/traceql.ts";

/** Names of the datasource variables (`${datasource}` is Prometheus, as in the SDK examples). */
export const DS_VARS = { prometheus: "datasource", loki: "loki", tempo: "tempo" } as const;
export type DsKind = keyof typeof DS_VARS;

const ref = (kind: DsKind): DataSourceRef => ({ type: DATASOURCES[kind].type, uid: `\${${DS_VARS[kind]}}` });

export const DS: Readonly<Record<DsKind, DataSourceRef>> = {
  prometheus: ref("prometheus"),
  loki: ref("loki"),
  tempo: ref("tempo"),
};

/** A range query drawn as a series per label set; `legend` is a Grafana legend format. */
export function promQuery(expr: string, legend = "__auto"): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(DS.prometheus)
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legend)
    .range();
}

/** One value per series at the end of the range: stats, rankings and tables. */
export function promInstant(expr: string, legend = "__auto"): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(DS.prometheus)
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legend)
    .instant()
    .format(prometheus.PromQueryFormat.Table);
}

/** Histogram buckets for a heatmap panel (`le` as the y axis). */
export function promHeatmap(expr: string): prometheus.DataqueryBuilder {
  return promQuery(expr, "{{le}}").format(prometheus.PromQueryFormat.Heatmap);
}

/** A LogQL query: log lines for logs/table panels, or a metric query for time series. */
export function lokiQuery(expr: string, legend = "__auto"): loki.DataqueryBuilder {
  return new loki.DataqueryBuilder()
    .datasource(DS.loki)
    .editorMode(loki.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legend)
    .queryType(loki.LokiQueryType.Range);
}

export function lokiInstant(expr: string, legend = "__auto"): loki.DataqueryBuilder {
  return lokiQuery(expr, legend).queryType(loki.LokiQueryType.Instant).instant(true);
}

/** The newest log lines of a stream (tables of recent errors, log panels). */
export function lokiLogs(expr: string, maxLines = 100): loki.DataqueryBuilder {
  return new loki.DataqueryBuilder()
    .datasource(DS.loki)
    .editorMode(loki.QueryEditorMode.Code)
    .expr(expr)
    .queryType(loki.LokiQueryType.Range)
    .maxLines(maxLines)
    .direction(loki.LokiQueryDirection.Backward);
}

/** A TraceQL search: matching traces as a table. */
export function tempoQuery(traceql: string, limit = 20): tempo.DataqueryBuilder {
  return new tempo.DataqueryBuilder()
    .datasource(DS.tempo)
    .queryType("traceql")
    .query(traceql)
    .limit(limit)
    .tableType(tempo.SearchTableType.Traces);
}

/**
 * The 95th percentile of the spans that measure the same operation as a latency panel, from the
 * span metrics (Tempo's metrics generator, or the native gateway's span_metrics connector), with
 * exemplars: the panel draws a dot per sampled trace that opens it in Tempo. The apps' own
 * histograms carry no exemplars (the JS SDK records none), so this is how a latency panel links
 * to traces. `names` narrows the family to a regex of its span names (template variables allowed).
 */
export function spanExemplarQuery(family: SpanFamilyDecl, opts: { names?: string; legend?: string } = {}): prometheus.DataqueryBuilder {
  const expr = quantile(0.95, GATEWAY_METRICS.spanLatency, { matchers: spanMatchers(family, opts.names) });
  return promQuery(expr, opts.legend ?? "P95 of spans (exemplars)").exemplar(true);
}

/**
 * Span-metrics matchers (traces_spanmetrics_*) selecting one span family: its services, its
 * kind, and its names (`names`, a regex of them, narrows the family).
 */
export function spanMatchers(family: SpanFamilyDecl, names: string = family.namePattern): Matchers {
  const matchers = {
    service: familyServices(family).join("|"),
    span_kind: `SPAN_KIND_${family.kind.toUpperCase()}`,
    span_name: names,
  };
  return Object.fromEntries(Object.entries(matchers).map(([k, v]) => [k, { op: "=~" as const, value: v }]));
}
