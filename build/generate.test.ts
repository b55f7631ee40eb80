import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SAVED_QUERIES } from "../queries/saved-queries.ts";
import { generate } from "./generate.ts";
import { lintGenerated } from "./lint/content.ts";
import { drift, writeGenerated } from "./write.ts";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ALL_METRICS, LABELS, METRICS, SLOS, type MetricDecl } from "../catalog/index.ts";
import { seriesBudget, SERIES_BUDGET_PER_METRIC } from "../catalog/series-budget.ts";
import { PAGE_PAIRS, pairCondition, sloRecordName } from "../alerts/slo/rules.ts";
import { pageAlertName } from "../alerts/slo/group.ts";
import { datasourceSpecs, COMPOSE_URLS, TRACE_TO_METRICS_QUERIES } from "./datasources.ts";
import { lintPromql } from "./lint/promql.ts";
import { interpolate } from "./template-vars.ts";

type RuleFile = { groups: { name: string; interval: string; rules: { record?: string; alert?: string; expr: string; annotations?: Record<string, string> }[] }[] };
/** The generated files with one Prometheus rule file rewritten by `edit`. */
function withRuleFile(path: string, edit: (f: RuleFile) => void) {
  const files = new Map(generated.files);
  const doc = parseYaml(files.get(path) as string) as RuleFile;
  edit(doc);
  files.set(path, stringifyYaml(doc, { lineWidth: 0 }));
  return lintGenerated({ files, manifest: generated.manifest }, SAVED_QUERIES).problems;
}

const generated = generate();

describe("generated content", () => {
  it("is byte-stable across runs", () => {
    const again = generate();
    expect([...again.files.entries()]).toEqual([...generated.files.entries()]);
  });

  it("lists in the manifest only files the build writes", () => {
    const m = generated.manifest;
    const paths = [
      ...m.dashboards.map((d) => d.file),
      ...m.ruleGroups.map((g) => g.file),
      ...m.prometheusRuleFiles,
      ...m.promtoolTestFiles,
      m.contactPoints,
      m.notificationPolicy,
      m.muteTimings,
      m.savedQueries.library,
      m.savedQueries.exploreUrls,
      ...Object.values(m.provisioning),
    ];
    expect(paths.filter((p) => !generated.files.has(p))).toEqual([]);
    expect(m.dashboards.length).toBeGreaterThanOrEqual(6);
    expect(m.dashboards.every((d) => d.panels.length > 0)).toBe(true);
  });

  it("passes the lint", () => {
    expect(lintGenerated(generated, SAVED_QUERIES).problems).toEqual([]);
  });

  it("fails the lint, naming dashboard, panel and expression, when a panel queries a metric nobody emits", () => {
    const files = new Map(generated.files);
    const entry = generated.manifest.dashboards.find((d) => d.uid === "beacon-client-overview")!;
    const panel = entry.panels.find((p) => p.queries.some((q) => q.language === "promql"))!;
    const query = panel.queries.find((q) => q.language === "promql")!;
    const broken = query.expr.replace(/kicktalk_\w+?(_total|_bucket|_bytes|_seconds)?\b/, "kicktalk_fallback_messages_total");
    files.set(entry.file, (files.get(entry.file) as string).split(JSON.stringify(query.expr).slice(1, -1)).join(JSON.stringify(broken).slice(1, -1)));
    const problems = lintGenerated({ files, manifest: generated.manifest }, SAVED_QUERIES).problems;
    expect(problems).toContain(
      `dashboard "${entry.title}" (${entry.uid}) › panel "${panel.title}" › ${query.ref} (promql) \`${broken}\`: unknown metric kicktalk_fallback_messages_total: not in the catalog nor a recording rule`,
    );
  });
});

describe("lint rules of issue 12", () => {
  const sloFile = "prometheus/rules/slo-server-availability.rules.yaml";

  it("fails an SLO whose page lacks a window pair", () => {
    const problems = withRuleFile(sloFile, (f) => {
      const page = f.groups[0]!.rules.find((r) => r.alert === pageAlertName(SLOS.serverAvailability))!;
      const slow = pairCondition(SLOS.serverAvailability, PAGE_PAIRS[1]!, (w) => sloRecordName(SLOS.serverAvailability, w));
      expect(page.expr).toContain(` or (${slow})`);
      page.expr = page.expr.replace(` or (${slow})`, "");
    });
    expect(problems).toContain("SLO server-availability: alert ServerAvailabilityErrorBudgetPage lacks the window pair 6× over 6h and 30m");
  });

  it("fails an SLO missing the recording of a window", () => {
    const record = sloRecordName(SLOS.serverAvailability, "2h");
    const problems = withRuleFile(sloFile, (f) => {
      f.groups[0]!.rules = f.groups[0]!.rules.filter((r) => r.record !== record);
    });
    expect(problems).toContain(`SLO server-availability: no recording rule of its error ratio over 2h (${record})`);
  });

  it("fails a recording rule nobody reads", () => {
    const problems = withRuleFile(sloFile, (f) => {
      f.groups[0]!.rules.push({ record: "job:chat_server_http_requests:rate5m", expr: "sum by (job) (rate(chat_server_http_requests_total[5m]))" });
    });
    expect(problems).toContain("recording rule job:chat_server_http_requests:rate5m: used by no alert, other rule, panel or saved query; use it or drop it");
  });

  it("fails an alert pointing at a panel that does not exist", () => {
    const problems = withRuleFile(sloFile, (f) => {
      const page = f.groups[0]!.rules.find((r) => r.alert === pageAlertName(SLOS.serverAvailability))!;
      page.annotations = { ...page.annotations, __panelId__: "999" };
    });
    expect(problems).toContain("alert ServerAvailabilityErrorBudgetPage: dashboard beacon-slos has no panel 999");
  });

  it("computes each metric's worst-case series from the catalog and fails one over the budget", () => {
    const report = seriesBudget(ALL_METRICS);
    expect(report.perMetric.find((m) => m.metric === "kicktalk_api_request_duration_seconds")?.series).toBe(12 * 12 * 14); // endpoints × status codes × (12 buckets + sum + count)
    // Was 8,741 while the duration histograms carried the method; +1: kicktalk_sessions_started (issue 12); +14: input latency's
    // chatroom_switch (12 buckets + sum + count); 4,916 → 5,121: the 14 client gauge series became histograms (219 series:
    // renderer heap 2 types × 3 window ages × 14, main memory 5 × 14, uptime 14, DOM nodes 16, handles 16, CPU 13) and
    // kicktalk_dependency_checks_total (3 dependencies × 2 outcomes); 5,121 → 5,425: the three client up-down counters became
    // histograms of the current value (queue items by signal, open windows by type, connections by streamer × source);
    // 5,425 → 5,665: the API's twelfth route, /api/auth/password (issue 14), on the api request metrics.
    expect(report.perInstall).toBe(5665);
    expect(report.problems).toEqual([]);
    const wide: MetricDecl = { ...METRICS.apiRequestDuration, name: "kicktalk_wide_duration", labels: [...METRICS.apiRequestDuration.labels, LABELS.STREAMER_NAME] };
    const over = seriesBudget([...ALL_METRICS, wide]);
    expect(over.problems).toContain(`metric kicktalk_wide_duration_seconds: worst case ${2016 * 26} series, over the budget of ${SERIES_BUDGET_PER_METRIC} per metric`);
    expect(over.problems.some((p) => p.startsWith("client: worst case"))).toBe(true);
  });

  it("gives Tempo's trace-to-metrics links queries, each valid PromQL over the catalog", () => {
    const tempo = datasourceSpecs(COMPOSE_URLS).find((d) => d.type === "tempo")!;
    const t2m = tempo.jsonData.tracesToMetrics as { queries: { name: string; query: string }[] };
    expect(t2m.queries).toEqual(TRACE_TO_METRICS_QUERIES);
    expect(t2m.queries.length).toBeGreaterThanOrEqual(3);
    for (const q of t2m.queries) expect(lintPromql(interpolate(q.query.replace(/\$__tags/g, 'job="kicktalk"')), { recordingRules: new Set() }), q.name).toEqual([]);
  });
});

describe("drift check", () => {
  const dir = mkdtempSync(join(tmpdir(), "beacon-generated-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names stale, missing and extra files, and writing makes the folder match", () => {
    writeGenerated(dir, generated.files);
    expect(drift(dir, generated.files)).toEqual({ stale: [], missing: [], extra: [] });
    const [first, second] = [...generated.files.keys()].sort();
    writeFileSync(join(dir, first!), "{}\n");
    rmSync(join(dir, second!));
    writeFileSync(join(dir, "dashboards", "hand-made.json"), "{}\n");
    expect(drift(dir, generated.files)).toEqual({ stale: [first], missing: [second], extra: ["dashboards/hand-made.json"] });
    writeGenerated(dir, generated.files);
    expect(drift(dir, generated.files)).toEqual({ stale: [], missing: [], extra: [] });
    expect(readFileSync(join(dir, first!), "utf8")).toBe(generated.files.get(first!));
  });
});
