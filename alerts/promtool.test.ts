// Runs the generated rule and test files through the real promtool (Debian's prometheus
// package): `check rules` on every rule file, `test rules` on every test file, from two
// working directories, plus a control proving a wrong expectation does fail.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ensureSystemTools, SYSTEM_TOOLS } from "../stack/runner/system-packages.ts";
import { alertFiles, RULE_GROUPS, RULES_DIR, TESTS_DIR } from "./index.ts";

const PROMTOOL = SYSTEM_TOOLS.promtool.binary;
let root = "";

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, args, { cwd, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Fails with promtool's own output, so a broken rule or case reads as promtool reports it. */
function expectPromtoolOk(args: string[], cwd: string): void {
  const r = promtool(args, cwd);
  if (r.status !== 0) throw new Error(`promtool ${args.join(" ")} (cwd ${cwd}) exited ${r.status}:\n${r.output}`);
}

beforeAll(() => {
  ensureSystemTools(SYSTEM_TOOLS.promtool);
  root = mkdtempSync(join(tmpdir(), "beacon-alerts-"));
  for (const [path, content] of Object.entries(alertFiles())) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
});

afterAll(() => {
  if (root !== "") rmSync(root, { recursive: true, force: true });
});

/** The SLO groups evaluate seven hours of input at a one-minute step in several cases. */
const PROMTOOL_TIMEOUT_MS = 60_000;

describe.each(RULE_GROUPS.map((g) => [g.name]))("rule group %s", (name) => {
  it("passes promtool check rules", () => {
    expectPromtoolOk(["check", "rules", `${RULES_DIR}/${name}.rules.yaml`], root);
  });

  it("passes promtool test rules from the generated/ root", () => {
    expectPromtoolOk(["test", "rules", `${TESTS_DIR}/${name}.test.yaml`], root);
  }, PROMTOOL_TIMEOUT_MS);

  it("passes promtool test rules from the tests directory (rule_files resolve relative to the test file)", () => {
    expectPromtoolOk(["test", "rules", `${name}.test.yaml`], join(root, TESTS_DIR));
  }, PROMTOOL_TIMEOUT_MS);
});

describe("promtool control", () => {
  it("fails a test file whose expected description is wrong", () => {
    const group = RULE_GROUPS.find((g) => g.alertCases.some((c) => c.fires.length > 0));
    if (group === undefined) throw new Error("no group has a firing case");
    const file = join(root, TESTS_DIR, `${group.name}.test.yaml`);
    const doc = parse(alertFiles()[`${TESTS_DIR}/${group.name}.test.yaml`] as string) as {
      tests: { alert_rule_test?: { exp_alerts: { exp_annotations: Record<string, string> }[] }[] }[];
    };
    const firing = doc.tests.flatMap((t) => t.alert_rule_test ?? []).find((a) => a.exp_alerts.length > 0);
    const expected = firing?.exp_alerts[0];
    if (expected === undefined) throw new Error("no firing expectation found");
    expected.exp_annotations.description = "deliberately wrong";
    const broken = join(dirname(file), "control.test.yaml");
    writeFileSync(broken, stringify(doc));
    const r = promtool(["test", "rules", broken], root);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("deliberately wrong");
  });
});
