// The program on the real, committed build output (generated/): every generated dashboard,
// rule group, contact point and saved query becomes exactly one resource, unchanged, and what
// the program would send passes the policy pack.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../build/manifest.ts";
import { POLICIES } from "./policy/policies.ts";
import { ofType, plain, runProgram, type ProgramRun, type RecordedResource } from "./testing/run-program.ts";

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
    expect(ofType(run, "grafana:apps/genericResource:GenericResource")).toHaveLength(Array.isArray(library) ? library.length : library.items.length);
  });

  it("sends only content that passes the policy pack", () => {
    const violations: string[] = [];
    const check = (r: RecordedResource, additionalSecretOutputs: string[]) => {
      const props = Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, plain(v)]));
      const args = { type: r.type, name: r.name, urn: r.urn, props, opts: { additionalSecretOutputs } } as unknown as ResourceValidationArgs;
      for (const p of POLICIES) for (const v of [p.validateResource ?? []].flat()) void v(args, (m: string) => violations.push(m));
    };
    for (const r of run.resources.filter((x) => x.custom)) {
      // Mocks do not see resource options; a block whose input arrived as a secret is what
      // the program declares in additionalSecretOutputs (asserted in program-self-hosted.test.ts).
      const secretBlocks = Object.entries(r.inputs).filter(([, v]) => v !== plain(v)).map(([k]) => k);
      check(r, secretBlocks);
    }
    expect(violations).toEqual([]);
  });

  it("reports resource counts", () => {
    const custom = run.resources.filter((r) => r.custom);
    const counts: Record<string, number> = {};
    for (const r of custom) counts[r.type] = (counts[r.type] ?? 0) + 1;
    console.log(`self-hosted target on generated/ (query library on): ${custom.length} resources + ${run.resources.length - custom.length} components`, counts);
    expect(counts["grafana:oss/folder:Folder"]).toBe(manifest.folders.length);
  });
});
