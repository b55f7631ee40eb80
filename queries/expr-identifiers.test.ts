import { describe, expect, it } from "vitest";
import { METRICS } from "../catalog/index.ts";
import { promqlMetricNames } from "./expr-identifiers.ts";
import { earlier, increase, sumBy } from "./promql.ts";

describe("earlier()", () => {
  it("reads every range of an expression a duration earlier", () => {
    const weekSoFar = sumBy([], increase(METRICS.linksCreated, {}, "$__range"));
    expect(earlier(`${weekSoFar} / ${weekSoFar}`, "1w")).toBe(
      "sum (increase(chat_server_links_created_total[$__range] offset 1w)) / sum (increase(chat_server_links_created_total[$__range] offset 1w))",
    );
  });
});

describe("promqlMetricNames()", () => {
  it("names the metrics an expression selects, not its offsets, ranges or grouping labels", () => {
    expect(promqlMetricNames('sum by (status) (increase(chat_server_links_processed_total{status="failed"}[1h] offset 1w)) / on (job) up')).toEqual([
      "chat_server_links_processed_total",
      "up",
    ]);
  });
});
