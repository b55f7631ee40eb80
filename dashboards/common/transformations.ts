// Grafana transformations the tables of log records need. A Loki logs frame has the fields
// Time, Line and `labels` (stream labels and structured metadata as one object): without these
// a table shows that object as one JSON blob, so fields a description promises as columns
// (domain, reason, link id) would stay inside it.
import type { DataTransformerConfig } from "@grafana/grafana-foundation-sdk/dashboard";

/**
 * `labels` → one column per key (extractFields), then only Time, the named keys in that order
 * and the line (organize).
 */
export function labelColumns(keys: readonly string[]): DataTransformerConfig[] {
  const order = ["Time", ...keys, "Line"];
  return [
    { id: "extractFields", options: { source: "labels", format: "kvp", replace: false, keepTime: true } },
    {
      id: "organize",
      options: {
        includeByName: Object.fromEntries(order.map((k) => [k, true])),
        indexByName: Object.fromEntries(order.map((k, i) => [k, i])),
        renameByName: { Line: "Record" },
        excludeByName: {},
      },
    },
  ];
}
