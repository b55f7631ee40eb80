// Invariants of the generated dashboards: what Grafana, the lint and the e2e runner rely on.
import type { Dashboard, Panel, RowPanel, VariableModel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { ALL_METRICS, CLIENT_SERVICE, SERVER_SERVICE, metricByPrometheusName, prometheusNames } from "../catalog/index.ts";
import { DATASOURCES, FOLDERS } from "../build/content-types.ts";
import { logFieldsOf } from "../queries/logql.ts";
import { logqlServices, promqlMetricNames, templateVariables, variableMatchers } from "../queries/expr-identifiers.ts";
import { GENERATED_TAG, refId } from "./common/dashboard.ts";
import { DASHBOARDS } from "./index.ts";
import { clientOverview } from "./client-overview/dashboard.ts";
import { clientErrors } from "./client-errors/dashboard.ts";
import { serverRed } from "./server/dashboard.ts";
import { linkProcessing } from "./link-processing/dashboard.ts";
import { telemetryPipeline } from "./pipeline/dashboard.ts";
import { exploreShortcuts } from "./explore/dashboard.ts";
import { sloDashboard } from "./slo/dashboard.ts";
import { RULE_GROUPS } from "../alerts/groups/index.ts";

/** Recording rules the build generates: panels may read them (the SLO burn rates do). */
const RECORDINGS = new Set(RULE_GROUPS.flatMap((g) => g.recordings.map((r) => r.record)));

interface Target {
  refId?: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  query?: string;
}

const isRow = (p: Panel | RowPanel): p is RowPanel => p.type === "row";
const panelsOf = (d: Dashboard): Panel[] => (d.panels ?? []).flatMap((p) => (isRow(p) ? p.panels : [p]));
const targetsOf = (p: Panel): Target[] => (p.targets ?? []) as Target[];
const variablesOf = (d: Dashboard): VariableModel[] => d.templating?.list ?? [];
const where = (d: Dashboard, p?: Panel) => `${d.uid}${p ? ` panel ${p.id} "${p.title}"` : ""}`;

/** `${name}` → name, for datasource references. */
const varRef = (uid: string | undefined) => /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(uid ?? "")?.[1];

const all = DASHBOARDS.map((e) => e.dashboard);

describe("dashboards", () => {
  it("are the six of the brief and the SLO error budgets, each in a known folder", () => {
    expect(all).toHaveLength(7);
    for (const e of DASHBOARDS) expect(Object.keys(FOLDERS)).toContain(e.folder);
  });

  it("have unique fixed uids, the generated tag, a topic tag, a description and a title", () => {
    const uids = all.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const d of all) {
      expect(d.uid, d.title).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(d.tags, where(d)).toContain(GENERATED_TAG);
      expect(d.tags!.length, where(d)).toBeGreaterThan(2);
      expect(d.description?.trim(), where(d)).toBeTruthy();
    }
  });

  it("give every panel a unit, a description and a datasource that is a variable of its type", () => {
    for (const d of all) {
      const dsVars = new Map(variablesOf(d).filter((v) => v.type === "datasource").map((v) => [v.name, v.query as string]));
      expect(dsVars.size, where(d)).toBeGreaterThan(0);
      for (const p of panelsOf(d)) {
        expect(p.fieldConfig?.defaults?.unit, where(d, p)).toBeTruthy();
        expect(p.description?.trim(), where(d, p)).toBeTruthy();
        const panelVar = varRef(p.datasource?.uid);
        expect(panelVar, `${where(d, p)}: datasource ${JSON.stringify(p.datasource)}`).toBeDefined();
        expect(dsVars.get(panelVar!), where(d, p)).toBe(p.datasource?.type);
        for (const t of targetsOf(p)) {
          const v = varRef(t.datasource?.uid);
          expect(v, `${where(d, p)} target ${t.refId}`).toBeDefined();
          expect(dsVars.get(v!), `${where(d, p)} target ${t.refId}`).toBe(t.datasource?.type);
        }
      }
    }
  });

  it("default each datasource variable to the provisioned datasource", () => {
    const byType = new Map(Object.values(DATASOURCES).map((ds) => [ds.type as string, ds.uid as string]));
    for (const d of all) {
      for (const v of variablesOf(d).filter((v) => v.type === "datasource")) {
        expect(v.current?.value, `${where(d)} variable ${v.name}`).toBe(byType.get(v.query as string));
      }
    }
  });

  it("number panels uniquely and give every target a unique refId", () => {
    for (const d of all) {
      const ids = (d.panels ?? []).flatMap((p) => [p.id, ...(isRow(p) ? p.panels.map((i) => i.id) : [])]);
      expect(new Set(ids).size, where(d)).toBe(ids.length);
      expect(ids.every((id) => typeof id === "number" && id > 0), where(d)).toBe(true);
      for (const p of panelsOf(d)) {
        const refs = targetsOf(p).map((t) => t.refId);
        expect(refs, where(d, p)).toEqual(refs.map((_, i) => refId(i)));
      }
    }
  });

  it("keep every panel within 24 columns and let no two overlap", () => {
    for (const d of all) {
      const boxes = (d.panels ?? []).map((p) => ({ p, g: p.gridPos! }));
      for (const { p, g } of boxes) {
        expect(g, `${where(d)} panel ${p.id}`).toBeDefined();
        expect(g.x >= 0 && g.w >= 1 && g.x + g.w <= 24 && g.h >= 1 && g.y >= 0, `${where(d)} panel ${p.id} ${JSON.stringify(g)}`).toBe(true);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.g;
          const b = boxes[j]!.g;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${where(d)}: panels ${boxes[i]!.p.id} and ${boxes[j]!.p.id} overlap`).toBe(false);
        }
      }
    }
  });

  it("query only metrics the catalog declares", () => {
    for (const d of all) {
      for (const p of panelsOf(d)) {
        for (const t of targetsOf(p).filter((t) => t.datasource?.type === "prometheus")) {
          const names = promqlMetricNames(t.expr ?? "");
          expect(names.length, `${where(d, p)}: ${t.expr}`).toBeGreaterThan(0);
          for (const n of names) expect(metricByPrometheusName(n) ?? (RECORDINGS.has(n) || undefined), `${where(d, p)}: unknown metric ${n} in ${t.expr}`).toBeDefined();
        }
      }
      for (const v of variablesOf(d).filter((v) => v.type === "query")) {
        const q = (v.query as { query: string }).query;
        for (const n of promqlMetricNames(q.replace(/^label_values\((.*),[^,]*\)$/, "$1"))) {
          expect(metricByPrometheusName(n), `${where(d)} variable ${v.name}: ${q}`).toBeDefined();
        }
      }
    }
  });

  it("select only catalog services and declared log fields in LogQL", () => {
    for (const d of all) {
      for (const p of panelsOf(d)) {
        for (const t of targetsOf(p).filter((t) => t.datasource?.type === "loki")) {
          const services = logqlServices(t.expr ?? "");
          expect(services.length, `${where(d, p)}: ${t.expr}`).toBeGreaterThan(0);
          for (const s of services) expect([CLIENT_SERVICE, SERVER_SERVICE], where(d, p)).toContain(s);
          const fields = new Set(services.flatMap((s) => [...logFieldsOf(s)]));
          for (const m of (t.expr ?? "").matchAll(/\bby \(([^)]*)\)/g)) {
            for (const f of m[1]!.split(",").map((s) => s.trim())) expect(fields.has(f), `${where(d, p)}: by ${f}`).toBe(true);
          }
        }
      }
    }
  });

  it("use filter variables only through regex matchers, and only variables the dashboard defines", () => {
    for (const d of all) {
      const defined = new Set(variablesOf(d).map((v) => v.name));
      for (const p of panelsOf(d)) {
        for (const t of targetsOf(p)) {
          const expr = t.expr ?? t.query ?? "";
          for (const v of templateVariables(expr)) expect(defined.has(v), `${where(d, p)}: $${v} in ${expr}`).toBe(true);
          for (const m of variableMatchers(expr)) expect(["=~", "!~"], `${where(d, p)}: ${m.label}${m.op}"${m.value}"`).toContain(m.op);
        }
      }
    }
  });

  it("use every metric of the catalog in a panel (a signal is done when a panel uses it)", () => {
    const used = new Set<string>();
    for (const d of all) {
      for (const p of panelsOf(d)) {
        for (const t of targetsOf(p).filter((t) => t.datasource?.type === "prometheus")) {
          for (const n of promqlMetricNames(t.expr ?? "")) used.add(metricByPrometheusName(n)?.name ?? n);
        }
      }
    }
    const unused = ALL_METRICS.filter((m) => !used.has(m.name)).map((m) => prometheusNames(m).family);
    expect(unused).toEqual([]);
  });

  it("build byte-identical JSON twice", () => {
    const again = [clientOverview(), clientErrors(), serverRed(), linkProcessing(), telemetryPipeline(), exploreShortcuts(), sloDashboard()];
    expect(again.map((e) => JSON.stringify(e.dashboard))).toEqual(all.map((d) => JSON.stringify(d)));
  });
});
