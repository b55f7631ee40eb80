// Seed 000's "Reporting and Dashboards" list: each recommended panel exists on the client
// overview, of the right kind, querying the catalog metric that answers it.
import type { Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { METRICS, prometheusNames, type MetricDecl } from "../../catalog/index.ts";
import { clientOverview } from "./dashboard.ts";

const panels = (clientOverview().dashboard.panels ?? []).flatMap((p) => (p.type === "row" ? (p as RowPanel).panels : [p as Panel]));
const exprs = (p: Panel) => ((p.targets ?? []) as { expr?: string }[]).map((t) => t.expr ?? "");
const names = (m: MetricDecl) => prometheusNames(m).series;

interface SeedPanel {
  /** Seed 000's wording. */
  readonly seed: string;
  readonly title: RegExp;
  readonly type: string;
  /** The catalog metric the panel must query. */
  readonly metric: MetricDecl;
  /** Text one of its queries must contain. */
  readonly fragment?: string;
}

const seedPanel = (seed: string, title: RegExp, type: string, metric: MetricDecl, fragment?: string): SeedPanel => ({ seed, title, type, metric, fragment });

const SEED_PANELS: readonly SeedPanel[] = [
  seedPanel("Active WebSocket connections by streamer_name", /connections by streamer/i, "timeseries", METRICS.websocketConnectionsActive, "by (streamer_name"),
  seedPanel("WebSocket reconnects over time", /reconnects over time/i, "timeseries", METRICS.websocketReconnections),
  seedPanel("Connection errors by error_type", /errors by type/i, "timeseries", METRICS.connectionErrors, "by (error_type"),
  seedPanel("Messages sent/received per minute", /per minute/i, "timeseries", METRICS.messagesReceived, "* 60"),
  seedPanel("Message send duration (P50/P90/P95)", /P50 \/ P90 \/ P95/, "timeseries", METRICS.messageSendDuration, "histogram_quantile(0.9,"),
  seedPanel("API latency histogram (by endpoint)", /^API latency: \$endpoint/, "heatmap", METRICS.apiRequestDuration, 'endpoint=~"$endpoint"'),
  seedPanel("Memory usage (heap_used / rss)", /heap and RSS/i, "timeseries", METRICS.mainMemoryUsage, "rss|heap_used"),
  seedPanel("DOM nodes count", /DOM nodes/i, "timeseries", METRICS.domNodeCount),
  seedPanel("Open windows", /^Open windows$/, "stat", METRICS.openWindows),
  seedPanel("Updater events by version", /updater events by version/i, "timeseries", METRICS.updaterEvents, "by (version"),
];

describe("client overview", () => {
  it.each(SEED_PANELS)("has seed 000's panel: $seed", ({ title, type, metric, fragment }) => {
    const panel = panels.find((p) => title.test(p.title ?? ""));
    expect(panel, `no panel titled ${title}`).toBeDefined();
    expect(panel!.type).toBe(type);
    const queries = exprs(panel!);
    expect(queries.some((e) => names(metric).some((n) => e.includes(n))), queries.join("\n")).toBe(true);
    if (fragment !== undefined) expect(queries.some((e) => e.includes(fragment)), queries.join("\n")).toBe(true);
  });

  it("repeats the API latency heatmap per selected endpoint", () => {
    const heatmap = panels.find((p) => p.type === "heatmap")!;
    expect(heatmap.repeat).toBe("endpoint");
    expect((heatmap.targets as { format?: string }[])[0]!.format).toBe("heatmap");
  });
});
