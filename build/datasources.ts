// Datasources with their correlations, declared once: the docker-compose Grafana gets them
// as provisioning YAML, Pulumi creates the same ones (same uids) through the API.
// Correlations: traces → logs (by trace id), logs → traces (derived field on trace_id),
// exemplars → traces, and the Tempo service graph from Prometheus.
import { DATASOURCES } from "./content-types.ts";
import { METRICS } from "../catalog/index.ts";
import { ratio, seriesName } from "../queries/promql.ts";

export interface DatasourceUrls {
  readonly prometheus: string;
  readonly loki: string;
  readonly tempo: string;
  readonly alertmanager: string;
}

/** Where the services listen inside docker-compose (service names from docker-compose.yml). */
export const COMPOSE_URLS: DatasourceUrls = {
  prometheus: "http://prometheus:9090",
  loki: "http://loki:3100",
  tempo: "http://tempo:3200",
  alertmanager: "http://alertmanager:9093",
};

export interface DatasourceSpec {
  readonly name: string;
  readonly type: string;
  readonly uid: string;
  readonly url: string;
  readonly isDefault: boolean;
  readonly jsonData: Record<string, unknown>;
}

/**
 * Trace → metrics links, built from the catalog: the request rate, error share and latency of
 * the span's service, client or server. `$__tags` becomes `job="<service.name>"`.
 */
export const TRACE_TO_METRICS_QUERIES: readonly { name: string; query: string }[] = [
  { name: "Server request rate", query: `sum by (route) (rate(${seriesName(METRICS.httpRequests)}{$__tags}[5m]))` },
  { name: "Server 5xx share", query: ratio(METRICS.httpRequests, { status_code: { op: "=~", value: "5.." } }, { window: "5m" }).replace(/\{status_code/g, "{$__tags, status_code").replace(/_total\[5m\]/g, "_total{$__tags}[5m]") },
  { name: "Server latency P95", query: `histogram_quantile(0.95, sum by (le) (rate(${seriesName(METRICS.httpRequestDuration, "bucket")}{$__tags}[5m])))` },
  { name: "Client API latency P95", query: `histogram_quantile(0.95, sum by (le, endpoint) (rate(${seriesName(METRICS.apiRequestDuration, "bucket")}{$__tags}[5m])))` },
  { name: "Client message send P95", query: `histogram_quantile(0.95, sum by (le) (rate(${seriesName(METRICS.messageSendDuration, "bucket")}{$__tags, success="true"}[5m])))` },
];

export function datasourceSpecs(urls: DatasourceUrls): DatasourceSpec[] {
  const { prometheus, loki, tempo, alertmanager } = DATASOURCES;
  return [
    {
      ...prometheus,
      url: urls.prometheus,
      isDefault: true,
      jsonData: {
        httpMethod: "POST",
        // The collector's remote write carries exemplars with the trace_id label. (Tempo's
        // metrics generator labels them traceID: a second destination is still to add, together
        // with infra/program-self-hosted.test.ts, which pins this list.)
        exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: tempo.uid }],
      },
    },
    {
      ...loki,
      url: urls.loki,
      isDefault: false,
      jsonData: {
        // OTLP logs keep trace_id as structured metadata: link it to Tempo.
        derivedFields: [
          { name: "TraceID", matcherType: "label", matcherRegex: "trace_id", datasourceUid: tempo.uid, url: "${__value.raw}", urlDisplayLabel: "View trace" },
        ],
      },
    },
    {
      ...tempo,
      url: urls.tempo,
      isDefault: false,
      jsonData: {
        tracesToLogsV2: {
          datasourceUid: loki.uid,
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          customQuery: true,
          query: '{service_name="${__span.tags["service.name"]}"} | trace_id="${__trace.traceId}"',
        },
        // Without queries Grafana shows no metrics link on a span: one per RED signal of the
        // span's service, over the span's time ± 5 m ($__tags filters by service.name as job).
        tracesToMetrics: {
          datasourceUid: prometheus.uid,
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          tags: [{ key: "service.name", value: "job" }],
          queries: TRACE_TO_METRICS_QUERIES,
        },
        serviceMap: { datasourceUid: prometheus.uid },
        nodeGraph: { enabled: true },
        search: { hide: false },
        traceQuery: { timeShiftEnabled: true, spanStartTimeShift: "-30m", spanEndTimeShift: "30m" },
        lokiSearch: { datasourceUid: loki.uid },
      },
    },
    {
      ...alertmanager,
      url: urls.alertmanager,
      isDefault: false,
      jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
    },
  ];
}
