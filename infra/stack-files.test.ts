// Pulumi.yaml and the committed example stacks: the program runs from them on plain Node
// (native type stripping, as Pulumi's host runs it with `typescript: false`), under mocks.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Manifest } from "../build/manifest.ts";
import { nativeRun } from "./testing/run-program.ts";

const manifest = JSON.parse(readFileSync(path.join("generated", "manifest.json"), "utf8")) as Manifest;

function counts(stackFile: string): { resources: number; types: Record<string, number> } {
  const run = nativeRun(stackFile);
  if (run.status !== 0) throw new Error(`native-run ${stackFile} exited ${run.status}:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as { resources: number; types: Record<string, number> };
}

describe("Pulumi project files", () => {
  it("Pulumi.yaml runs infra/index.ts on Node without ts-node", () => {
    const project = parse(readFileSync("Pulumi.yaml", "utf8")) as { name: string; main: string; runtime: { name: string; options: { typescript: boolean } } };
    expect(project.runtime).toMatchObject({ name: "nodejs", options: { typescript: false } });
    expect(existsSync(path.join(project.main, "index.ts"))).toBe(true);
    expect((JSON.parse(readFileSync("package.json", "utf8")) as { type: string }).type).toBe("module");
  });

  it.each([
    ["Pulumi.cloud.yaml", "cloud", 8],
    ["Pulumi.self-hosted.yaml", "self-hosted", 0],
  ])("%s provisions the whole build output", (file, target, cloudResources) => {
    const stack = parse(readFileSync(file, "utf8")) as { config: Record<string, string> };
    expect(stack.config["beacon:target"]).toBe(target);
    const { resources, types } = counts(file);
    console.log(`${file}: ${resources} resources`, types);
    expect(types["grafana:oss/dashboard:Dashboard"]).toBe(manifest.dashboards.length);
    expect(types["grafana:alerting/ruleGroup:RuleGroup"]).toBe(manifest.ruleGroups.length);
    expect(Object.entries(types).filter(([t]) => t.startsWith("grafana:cloud/") || t === "pulumi:providers:grafana").reduce((n, [, c]) => n + c, 0)).toBe(cloudResources + 1);
  });
});
