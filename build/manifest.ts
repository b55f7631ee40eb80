// generated/manifest.json: the index of everything the build wrote. Pulumi, the e2e
// runner and the diff read content through it, never by globbing.
import type { FolderKey, QueryLanguage } from "./content-types.ts";

export const GENERATED_DIR = "generated";

export interface ManifestQuery {
  /** refId of the target inside its panel, or the saved query id. */
  readonly ref: string;
  readonly language: QueryLanguage;
  readonly expr: string;
  /** Prometheus queries that ask for exemplars: the e2e also wants a captured trace behind one. */
  readonly exemplar?: true;
}

export interface ManifestPanel {
  readonly id: number;
  readonly title: string;
  readonly type: string;
  readonly unit: string | undefined;
  readonly queries: readonly ManifestQuery[];
}

export interface Manifest {
  readonly folders: readonly { readonly key: FolderKey; readonly uid: string; readonly title: string }[];
  /** Paths are relative to generated/. */
  readonly dashboards: readonly {
    readonly uid: string;
    readonly title: string;
    readonly folder: FolderKey;
    readonly file: string;
    readonly panels: readonly ManifestPanel[];
  }[];
  /** Grafana-managed rule groups, each file in the provisioning API's RuleGroup shape. */
  readonly ruleGroups: readonly { readonly title: string; readonly folder: FolderKey; readonly file: string }[];
  readonly prometheusRuleFiles: readonly string[];
  readonly promtoolTestFiles: readonly string[];
  readonly contactPoints: string;
  readonly notificationPolicy: string;
  readonly muteTimings: string;
  readonly savedQueries: { readonly library: string; readonly exploreUrls: string };
  readonly provisioning: { readonly datasources: string; readonly dashboards: string; readonly alerting: string };
}
