// Query library items (what the build writes, queries.grafana.app/v1 Query objects) -> the
// provider's typed apps.v1.Query args. The typed resource takes each target's datasource query
// and variables as JSON text; the item's schema (generated-content.ts) already refused every
// field the resource could not carry, so nothing is dropped here.
import type * as grafana from "@pulumiverse/grafana";
import { MANAGED_BY_LABEL, type QueryLibraryItem } from "./generated-content.ts";

/** Manager identity stamped on each query when the item carries no managed-by label. */
export const DEFAULT_MANAGER_IDENTITY = "beacon";

export function savedQueryArgs(item: QueryLibraryItem): grafana.apps.v1.QueryArgs {
  const { spec } = item;
  return {
    metadata: { uid: item.metadata.name },
    spec: {
      title: spec.title,
      description: spec.description,
      isVisible: spec.isVisible,
      isLocked: spec.isLocked,
      tags: spec.tags ? [...spec.tags] : undefined,
      targets: spec.targets.map((t) => ({
        propertiesJson: JSON.stringify(t.properties),
        variablesJson: t.variables === undefined ? undefined : JSON.stringify(t.variables),
        dataType: t.dataType,
      })),
      vars: spec.vars?.map((v) => ({
        key: v.key,
        defaultValues: v.defaultValues ? [...v.defaultValues] : undefined,
        valueListDefinitionJson: v.valueListDefinition === undefined ? undefined : JSON.stringify(v.valueListDefinition),
      })),
    },
    options: {
      // `pulumi up` owns these: it takes over a query of the same uid created by hand.
      overwrite: true,
      managerIdentity: item.metadata.labels?.[MANAGED_BY_LABEL] ?? DEFAULT_MANAGER_IDENTITY,
    },
  };
}
