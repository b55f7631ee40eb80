// Template variables. Datasource variables default to the provisioned uids (DATASOURCES) and
// fall back to any datasource of the type elsewhere; filter variables come from catalog label
// declarations, and panels use them only through regex matchers (`=~"$var"`), so "All" (.*)
// keeps every series.
import {
  CustomVariableBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { CLIENT_SERVICE, ENVIRONMENT_LABEL, GATEWAY_METRICS, SERVER_SERVICE, VERSION_LABEL, type EnumLabel, type MetricDecl } from "../../catalog/index.ts";
import { seriesName } from "../../queries/promql.ts";
import { DATASOURCES } from "../../build/content-types.ts";
import { DS, DS_VARS, type DsKind } from "./queries.ts";

const ALL = { selected: true, text: "All", value: "$__all" };

export function datasourceVariable(kind: DsKind): DatasourceVariableBuilder {
  const ds = DATASOURCES[kind];
  return new DatasourceVariableBuilder(DS_VARS[kind])
    .label(`${kind[0]!.toUpperCase()}${kind.slice(1)}`)
    .type(ds.type)
    .current({ selected: true, text: ds.name, value: ds.uid });
}

/** A multi-select over an enum label's declared values. */
export function enumVariable(name: string, label: EnumLabel, title: string): CustomVariableBuilder {
  return new CustomVariableBuilder(name)
    .label(title)
    .description(label.description)
    .values(label.values.join(","))
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current(ALL);
}

/** A multi-select over the values a label really has in Prometheus (capped labels). */
export function labelValuesVariable(name: string, metric: MetricDecl, labelName: string, title: string): QueryVariableBuilder {
  if (!metric.labels.some((l) => l.name === labelName)) {
    throw new Error(`variable ${name}: metric ${metric.name} has no label ${labelName}`);
  }
  // A histogram's label values are those of its `_count`.
  const query = `label_values(${seriesName(metric, metric.instrument === "histogram" ? "count" : undefined)}, ${labelName})`;
  return new QueryVariableBuilder(name)
    .label(title)
    .datasource(DS.prometheus)
    .query({ qryType: 1, query, refId: "PrometheusVariableQueryEditor-VariableQuery" })
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current(ALL);
}

/** Regex matcher on a variable: the only way panels use filter variables. */
export const matchVar = (name: string) => ({ op: "=~" as const, value: `$${name}` });

/** The services whose processes the release variables and annotations look at (not the collector's own target_info). */
const APP_JOBS = `${CLIENT_SERVICE}|${SERVER_SERVICE}`;
const targetInfo = (matchers: string) => `${seriesName(GATEWAY_METRICS.targetInfo)}{job=~"${APP_JOBS}"${matchers}}`;

/** A multi-select over the values a resource label has in target_info (one series per process). */
function resourceLabelVariable(name: string, label: string, title: string, description: string, matchers = ""): QueryVariableBuilder {
  const query = `label_values(${targetInfo(matchers)}, ${label})`;
  return new QueryVariableBuilder(name)
    .label(title)
    .description(description)
    .datasource(DS.prometheus)
    .query({ qryType: 1, query, refId: "PrometheusVariableQueryEditor-VariableQuery" })
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalDesc)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current(ALL);
}

/**
 * Environment and version, on every dashboard (issue 12 defect 11). buildDashboard() adds their
 * matchers to every catalog selector of the panels; "All" (.*) also keeps series without them.
 */
export const RELEASE_VARIABLES = { environment: "environment", version: "version" } as const;

export function releaseVariables(): QueryVariableBuilder[] {
  return [
    resourceLabelVariable(RELEASE_VARIABLES.environment, ENVIRONMENT_LABEL, "Environment", "deployment.environment.name of the processes shown."),
    resourceLabelVariable(
      RELEASE_VARIABLES.version,
      VERSION_LABEL,
      "Version",
      "service.version (release) of the processes shown, in the selected environments.",
      `, ${ENVIRONMENT_LABEL}=~"$${RELEASE_VARIABLES.environment}"`,
    ),
  ];
}

/**
 * Releases as annotations: a (service, version) pair that exists now and did not 5 minutes
 * earlier, i.e. the first minutes of each new release in each environment shown.
 */
export function releaseAnnotationExpr(): string {
  const current = targetInfo(`, ${ENVIRONMENT_LABEL}=~"$${RELEASE_VARIABLES.environment}"`);
  const by = `job, ${VERSION_LABEL}, ${ENVIRONMENT_LABEL}`;
  return `group by (${by}) (${current}) unless group by (${by}) (${current} offset 5m)`;
}
