// Saved queries as Grafana query library resources (Grafana's "Saved queries").
// Shape: apiVersion queries.grafana.app/v1, kind Query, spec {title, description, isVisible,
// isLocked, tags, vars: [{key, defaultValues}], targets: [{properties: <datasource query>}]}.
// The Go types live in Grafana Enterprise and are unpublished; this follows the mirror in
// grafana/terraform-provider-grafana (internal/resources/appplatform, "QuerySpec mirrors
// queries/v1.QuerySpec", JSON tags "must match the API exactly") and the provider docs for
// grafana_apps_queries_query_v1 / @pulumiverse/grafana apps.v1.Query. What a target's
// `variables` map holds is not documented there, so it is left out; `vars` only names the
// template variables with a regex default that keeps every series.
import type { SavedQuery } from "../build/content-types.ts";
import { datasourceQuery } from "./explore-url.ts";
import { templateVariables } from "./expr-identifiers.ts";

export const QUERY_LIBRARY_API_VERSION = "queries.grafana.app/v1";
export const QUERY_KIND = "Query";

export interface QueryResource {
  readonly apiVersion: typeof QUERY_LIBRARY_API_VERSION;
  readonly kind: typeof QUERY_KIND;
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: {
    readonly title: string;
    readonly description: string;
    readonly isVisible: boolean;
    /** Generated content: edits in the UI would be overwritten by the next provisioning. */
    readonly isLocked: boolean;
    readonly tags: readonly string[];
    readonly vars: readonly { readonly key: string; readonly defaultValues: readonly string[] }[];
    readonly targets: readonly { readonly properties: Record<string, unknown> }[];
  };
}

export function queryResource(q: SavedQuery, datasourceUid?: string): QueryResource {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(q.id)) {
    throw new Error(`saved query ${q.id}: id must be a Kubernetes resource name (kebab-case, ≤ 63 chars)`);
  }
  return {
    apiVersion: QUERY_LIBRARY_API_VERSION,
    kind: QUERY_KIND,
    metadata: { name: q.id, labels: { "app.kubernetes.io/managed-by": "beacon" } },
    spec: {
      title: q.title,
      description: q.description,
      isVisible: true,
      isLocked: true,
      tags: [...q.tags],
      vars: templateVariables(q.expr).map((key) => ({ key, defaultValues: [".*"] })),
      targets: [{ properties: datasourceQuery(q, datasourceUid) }],
    },
  };
}
