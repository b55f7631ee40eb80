// Issue 12 defect 11: every dashboard filters by environment and version (labels the gateway
// promotes from the resource) and marks releases; defect 9: the per-instance panel groups by a
// label the server really sets (service.instance.id → instance).
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { ALL_GATEWAY_METRICS, ALL_METRICS, prometheusNames, RESOURCE_LABELS } from "../catalog/index.ts";
import { flatPanels } from "../build/panel-queries.ts";
import { lintPromql } from "../build/lint/promql.ts";
import { RELEASE_MATCHERS, withReleaseMatchers } from "./common/release-filter.ts";
import { DASHBOARDS } from "./index.ts";

interface Target {
  expr?: string;
  datasource?: { type?: string };
}
const promTargets = (p: Panel) => ((p.targets ?? []) as Target[]).filter((t) => (t.datasource?.type ?? p.datasource?.type) === "prometheus" && t.expr);
const SERIES = new Set([...ALL_METRICS, ...ALL_GATEWAY_METRICS].flatMap((m) => prometheusNames(m).series));

describe("release filters and annotations", () => {
  it("every dashboard has environment and version variables read from target_info", () => {
    for (const { dashboard: d } of DASHBOARDS) {
      const vars = (d.templating?.list ?? []).filter((v) => v.name === "environment" || v.name === "version");
      expect(vars.map((v) => v.name), d.uid).toEqual(["environment", "version"]);
      for (const v of vars) {
        expect((v.query as { query: string }).query, `${d.uid} ${v.name}`).toMatch(/^label_values\(target_info\{job=~"kicktalk\|kicktalk-chat-server"/);
        expect(v.allValue).toBe(".*");
      }
    }
  });

  it("every catalog selector of every Prometheus panel query carries both matchers", () => {
    let selectors = 0;
    for (const { dashboard: d } of DASHBOARDS) {
      for (const p of flatPanels(d)) {
        for (const t of promTargets(p)) {
          for (const m of t.expr!.matchAll(/([a-z_:][a-z0-9_:]*)(\{[^}]*\})?/g)) {
            if (!SERIES.has(m[1]!) || t.expr![m.index! + m[0].length] === "(") continue;
            selectors++;
            expect(m[2] ?? "", `${d.uid} "${p.title}": ${t.expr}`).toContain(RELEASE_MATCHERS);
          }
        }
      }
    }
    expect(selectors).toBeGreaterThan(100);
  });

  it("the matchers are declared resource labels, and insertion keeps existing matchers", () => {
    expect(RESOURCE_LABELS).toEqual(expect.arrayContaining(["service_version", "deployment_environment_name"]));
    expect(withReleaseMatchers('rate(chat_server_http_requests_total{route=~"$route"}[5m]) / on () group_left sum(slo:x:ratio_rate5m)')).toBe(
      `rate(chat_server_http_requests_total{route=~"$route", ${RELEASE_MATCHERS}}[5m]) / on () group_left sum(slo:x:ratio_rate5m)`,
    );
    expect(lintPromql(withReleaseMatchers("sum(chat_server_ws_connections_active)"), { recordingRules: new Set() })).toEqual([]);
  });

  it("releases show as annotations: a version that exists now and did not 5 minutes earlier", () => {
    for (const { dashboard: d } of DASHBOARDS) {
      const a = (d.annotations?.list ?? []).find((x) => x.name === "Releases");
      expect(a, d.uid).toBeDefined();
      const expr = (a as unknown as { expr: string }).expr;
      expect(expr).toContain("unless");
      expect(expr).toContain("offset 5m");
      expect(lintPromql(expr, { recordingRules: new Set() }), expr).toEqual([]);
    }
  });

  it("9. WebSocket connections per instance group by the instance the server now sets (service.instance.id)", () => {
    const server = DASHBOARDS.find((e) => e.dashboard.uid === "beacon-server-red")!.dashboard;
    const panel = flatPanels(server).find((p) => p.type === "timeseries" && p.title === "WebSocket connections")!;
    expect(promTargets(panel)[0]?.expr).toMatch(/^sum by \(instance\) \(chat_server_ws_connections_active\{/);
  });
});
