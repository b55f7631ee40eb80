// Seed 000's "Reporting and Dashboards" list, and its phases' reporting lines (7TV render time
// histogram, Zustand mutations per minute): each panel exists on the client overview, of the
// right kind, querying the catalog metric that answers it.
import type { Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { GATEWAY_METRICS, LABELS, METRICS, prometheusNames, type MetricDecl } from "../../catalog/index.ts";
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
  // Phase 4 and 5's reporting lines.
  seedPanel("7TV: render time histogram", /^Emote render time$/, "heatmap", METRICS.emoteRenderDuration, "by (le)"),
  seedPanel("Zustand: panel counting mutations/min", /mutations per minute/i, "timeseries", GATEWAY_METRICS.spanCalls, 'span_name=~"zustand:.*"'),
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
    const heatmap = panels.find((p) => p.type === "heatmap" && p.title?.startsWith("API latency"))!;
    expect(heatmap.repeat).toBe("endpoint");
    expect((heatmap.targets as { format?: string }[])[0]!.format).toBe("heatmap");
  });

  it("counts mutations per minute from the spans, and says they are sampled", () => {
    const panel = panels.find((p) => /mutations per minute/i.test(p.title ?? ""))!;
    expect(exprs(panel)).toEqual([
      '(sum by (span_name) (rate(traces_spanmetrics_calls_total{service=~"kicktalk", span_kind=~"SPAN_KIND_INTERNAL", span_name=~"zustand:.*", deployment_environment_name=~"$environment", service_version=~"$version"}[$__rate_interval]))) * 60',
    ]);
    expect(panel.title).toMatch(/sampled/);
    expect(panel.description).toMatch(/head-sampled/);
  });

  it("shows the chatroom switch on the input latency panel, an interaction the catalog declares", () => {
    expect(LABELS.INPUT_INTERACTION.values).toContain("chatroom_switch");
    const panel = panels.find((p) => p.title === "Input latency P95 by interaction")!;
    expect(exprs(panel)[0]).toContain("by (le, interaction)");
    expect(panel.description).toContain("chatroom_switch");
  });
});
