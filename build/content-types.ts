// What each content module hands to the build. The build writes it under generated/, the
// lint checks it, the diff compares it, Pulumi provisions it and the e2e runs its queries.
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";

/** Grafana folders the content lives in: uid and title, fixed. */
export const FOLDERS = {
  client: { uid: "beacon-client", title: "Beacon · Client" },
  server: { uid: "beacon-server", title: "Beacon · Chat server" },
  pipeline: { uid: "beacon-pipeline", title: "Beacon · Telemetry pipeline" },
  explore: { uid: "beacon-explore", title: "Beacon · Explore shortcuts" },
  alerts: { uid: "beacon-alerts", title: "Beacon · Alerts" },
} as const;
export type FolderKey = keyof typeof FOLDERS;

/** Datasource uids: fixed, so dashboards, rules and saved queries can name them anywhere. */
export const DATASOURCES = {
  prometheus: { uid: "beacon-prometheus", type: "prometheus", name: "Beacon Prometheus" },
  loki: { uid: "beacon-loki", type: "loki", name: "Beacon Loki" },
  tempo: { uid: "beacon-tempo", type: "tempo", name: "Beacon Tempo" },
  alertmanager: { uid: "beacon-alertmanager", type: "alertmanager", name: "Beacon Alertmanager" },
} as const;
export type DatasourceKey = keyof typeof DATASOURCES;

export interface DashboardEntry {
  readonly folder: FolderKey;
  /** The built dashboard (DashboardBuilder.build()). */
  readonly dashboard: Dashboard;
}

export type QueryLanguage = "promql" | "logql" | "traceql";

/** One saved Explore query: declared once, emitted as URL, query-library JSON and panel. */
export interface SavedQuery {
  /** Stable id, kebab-case: becomes the query library resource name. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly language: QueryLanguage;
  readonly expr: string;
  readonly tags: readonly string[];
}
