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
import type { EnumLabel, MetricDecl } from "../../catalog/index.ts";
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
  const query = `label_values(${seriesName(metric)}, ${labelName})`;
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
