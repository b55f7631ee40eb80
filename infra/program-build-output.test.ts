// The program on the real, committed build output (generated/): every generated dashboard,
// rule group, contact point and saved query becomes exactly one resource, unchanged. (What it
// sends passes the policy pack: infra/policy/policy-pack.test.ts, through Pulumi's analyzer.)
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../build/manifest.ts";
import { countsByType, ofType, runProgram, type ProgramRun } from "./testing/run-program.ts";

const GENERATED = "generated";
const manifest = JSON.parse(readFileSync(path.join(GENERATED, "manifest.json"), "utf8")) as Manifest;
const readGenerated = (file: string): unknown => JSON.parse(readFileSync(path.join(GENERATED, file), "utf8"));

const CONFIG = {
  "beacon:target": "self-hosted",
  "beacon:generatedDir": GENERATED,
  "beacon:queryLibrary": "true",
  "beacon:grafanaAuth": "admin:admin",
  "beacon:slackWebhookUrl": "https://hooks.slack.example/T000/B000/XXX",
  "beacon:pagerdutyIntegrationKey": "pd-fake-key",
  "beacon:alertWebhookUrl": "https://alerts.example/hook",
};
const SECRET_KEYS = Object.keys(CONFIG).filter((k) => k !== "beacon:target" && k !== "beacon:generatedDir" && k !== "beacon:queryLibrary");

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram(CONFIG, SECRET_KEYS);
});

describe("program on the build output", () => {
  it("creates one dashboard resource per generated dashboard, with JSON equal to the build's", () => {
    const dashboards = ofType(run, "grafana:oss/dashboard:Dashboard");
    expect(dashboards.map((d) => d.name).sort()).toEqual(manifest.dashboards.map((d) => `content-dashboard-${d.uid}`).sort());
    for (const d of manifest.dashboards) {
      const r = dashboards.find((x) => x.name === `content-dashboard-${d.uid}`);
      expect(JSON.parse(String(r?.inputs["configJson"]))).toEqual(readGenerated(d.file));
      expect(r?.inputs["folder"]).toBe(manifest.folders.find((f) => f.key === d.folder)?.uid);
    }
  });

  it("creates one rule group per generated group, with the group's rules", () => {
    const groups = ofType(run, "grafana:alerting/ruleGroup:RuleGroup");
    expect(groups.map((g) => g.inputs["name"]).sort()).toEqual(manifest.ruleGroups.map((g) => g.title).sort());
    for (const g of manifest.ruleGroups) {
      const file = readGenerated(g.file) as { folderUid: string; rules: { uid: string }[] };
      const r = groups.find((x) => x.inputs["name"] === g.title);
      expect(r?.inputs["folderUid"]).toBe(file.folderUid);
      expect((r?.inputs["rules"] as { uid: string }[]).map((x) => x.uid)).toEqual(file.rules.map((x) => x.uid));
    }
  });

  it("creates every contact point, the policy tree and every mute timing and saved query", () => {
    const contactPoints = readGenerated(manifest.contactPoints) as { name: string }[];
    expect(ofType(run, "grafana:alerting/contactPoint:ContactPoint").map((c) => c.inputs["name"]).sort()).toEqual(contactPoints.map((c) => c.name).sort());
    expect(ofType(run, "grafana:alerting/notificationPolicy:NotificationPolicy")).toHaveLength(1);
    expect(ofType(run, "grafana:alerting/muteTiming:MuteTiming")).toHaveLength((readGenerated(manifest.muteTimings) as unknown[]).length);
    const library = readGenerated(manifest.savedQueries.library) as unknown[] | { items: unknown[] };
    expect(ofType(run, "grafana:apps/v1/query:Query")).toHaveLength(Array.isArray(library) ? library.length : library.items.length);
  });

  it("reports resource counts", () => {
    const counts = countsByType(run);
    const custom = run.resources.filter((r) => r.custom).length;
    console.log(`self-hosted target on generated/ (query library on): ${custom} resources + ${run.resources.length - custom} components`, counts);
    expect(counts["grafana:oss/folder:Folder"]).toBe(manifest.folders.length);
  });
});
