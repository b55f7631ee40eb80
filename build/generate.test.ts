import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SAVED_QUERIES } from "../queries/saved-queries.ts";
import { generate } from "./generate.ts";
import { lintGenerated } from "./lint/content.ts";
import { drift, writeGenerated } from "./write.ts";

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
