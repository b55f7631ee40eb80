// Datasources with their correlations, declared once: the docker-compose Grafana gets them
// as provisioning YAML, Pulumi creates the same ones (same uids) through the API.
// Correlations: traces → logs (by trace id), logs → traces (derived field on trace_id),
// exemplars → traces, and the Tempo service graph from Prometheus.
import { DATASOURCES } from "./content-types.ts";

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

export function datasourceSpecs(urls: DatasourceUrls): DatasourceSpec[] {
  const { prometheus, loki, tempo, alertmanager } = DATASOURCES;
  return [
    {
      ...prometheus,
      url: urls.prometheus,
      isDefault: true,
      jsonData: {
        httpMethod: "POST",
        // The collector's remote write carries exemplars with the trace_id label.
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
        tracesToMetrics: { datasourceUid: prometheus.uid },
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
