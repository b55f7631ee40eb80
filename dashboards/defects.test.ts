// Issue 12's dashboard defects, each asserted on the built dashboards: bars per interval,
// Loki tables with columns, stats over the range, topk in range queries, thresholds owned by
// the alert or SLO that judges the figure.
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { ALERT_RULES } from "../alerts/alert-rules.ts";
import { RULE_GROUPS } from "../alerts/groups/index.ts";
import { flatPanels } from "../build/panel-queries.ts";
import { BAR_INTERVAL } from "./common/styles.ts";
import { DASHBOARDS } from "./index.ts";

interface Target {
  expr?: string;
  instant?: boolean;
  range?: boolean;
}
const all: { d: Dashboard; p: Panel }[] = DASHBOARDS.flatMap((e) => flatPanels(e.dashboard).map((p) => ({ d: e.dashboard, p })));
const targets = (p: Panel) => (p.targets ?? []) as Target[];
const custom = (p: Panel) => (p.fieldConfig?.defaults?.custom ?? {}) as { drawStyle?: string };
const options = (p: Panel) => (p.options ?? {}) as { graphMode?: string };
const find = (uid: string, title: string) => all.find(({ d, p }) => d.uid === uid && p.title === title)!.p;
const at = (x: { d: Dashboard; p: Panel }) => `${x.d.uid} "${x.p.title}"`;

describe("issue 12 defects in the dashboards", () => {
  it("1. bars count per interval over [$__interval] with a minimum step, never [$__rate_interval] drawn every step", () => {
    const bars = all.filter(({ p }) => p.type === "timeseries" && custom(p).drawStyle === "bars");
    expect(bars.length).toBeGreaterThanOrEqual(6);
    for (const b of bars) {
      expect(b.p.interval, at(b)).toBe(BAR_INTERVAL);
      for (const t of targets(b.p)) {
        expect(t.expr, at(b)).toContain("[$__interval]");
        expect(t.expr, at(b)).not.toContain("$__rate_interval");
      }
    }
    // The Loki panel beside "Errors by area" counts over the same intervals.
    const metric = find("beacon-client-errors", "Errors by area (metric)");
    const logs = find("beacon-client-errors", "Error records by area (Loki)");
    expect(targets(logs)[0]?.expr).toContain("[$__interval]");
    expect(logs.interval).toBe(metric.interval);
  });

  it("2. Loki tables turn the labels blob into the columns their descriptions promise", () => {
    const columns = (p: Panel) => {
      const organize = (p.transformations ?? []).find((t) => t.id === "organize");
      expect((p.transformations ?? []).map((t) => t.id)).toEqual(["extractFields", "organize"]);
      return Object.keys((organize?.options as { includeByName: Record<string, boolean> }).includeByName);
    };
    expect(columns(find("beacon-link-processing", "Recent errors"))).toEqual(["Time", "link_domain", "link_failure_reason", "link_id", "duration_ms", "Line"]);
    expect(columns(find("beacon-client-errors", "Recent errors"))).toEqual(["Time", "area", "error_type", "error_fingerprint", "trace_id", "Line"]);
  });

  it("3. counts show 0, not No data, when nothing happened", () => {
    for (const [uid, title] of [
      ["beacon-client-errors", "Fatal errors"],
      ["beacon-link-processing", "Failed"],
      ["beacon-telemetry-pipeline", "Dropped share"],
    ] as const) {
      expect(targets(find(uid, title))[0]?.expr, title).toContain("or vector(0)");
    }
  });

  it("4. stats over [$__range] are one instant query without a sparkline", () => {
    const rangeStats = all.filter(({ p }) => p.type === "stat" && targets(p).some((t) => t.expr?.includes("$__range")));
    expect(rangeStats.length).toBeGreaterThanOrEqual(12);
    for (const s of rangeStats) {
      for (const t of targets(s.p)) expect({ instant: t.instant, range: t.range }, at(s)).toEqual({ instant: true, range: false });
      expect(options(s.p).graphMode, at(s)).toBe("none");
    }
  });

  it("5. topk in a range query ranks once, at the end of the range, so it draws k lines", () => {
    const withTopk = all.filter(({ p }) => targets(p).some((t) => !t.instant && t.expr?.includes("topk(") && !t.expr.includes("{service_name")));
    expect(withTopk.length).toBeGreaterThan(0);
    // Only the ranked targets: a latency panel's span-exemplar target beside them ranks nothing.
    for (const x of withTopk) for (const t of targets(x.p).filter((t) => t.expr?.includes("topk("))) expect(t.expr, at(x)).toMatch(/and on \([^)]*\) topk\(\d+, .*\[\$__range\] @ end\(\)/);
  });

  it("10. a panel an alert links shows that alert's thresholds", () => {
    const groups = new Map(RULE_GROUPS.flatMap((g) => g.alerts.map((a) => [a.name, a] as const)));
    for (const a of ALERT_RULES) {
      const rule = groups.get(a.name)!;
      if (rule.condition.kind !== "threshold") continue;
      const panel = all.find(({ d, p }) => d.uid === a.annotations.__dashboardUid__ && String(p.id) === a.annotations.__panelId__);
      expect(panel, a.name).toBeDefined();
      const steps = (panel!.p.fieldConfig?.defaults?.thresholds?.steps ?? []).map((s) => s.value);
      const t = rule.condition.threshold;
      // Success-rate panels show the complement of a failure-share threshold.
      expect(steps.some((v) => v !== null && (Math.abs(v - t) < 1e-9 || Math.abs(v - (1 - t)) < 1e-9)), `${a.name} → ${at(panel!)}: ${JSON.stringify(steps)} lacks ${t}`).toBe(true);
    }
  });

  it("10. the 5xx stat turns colour at the server-availability SLO's budget and page burn, not at a made-up 1 %", () => {
    const steps = find("beacon-server-red", "5xx ratio").fieldConfig?.defaults?.thresholds?.steps?.map((s) => s.value);
    expect(steps).toEqual([null, 0.001, 0.0144]);
  });
});
