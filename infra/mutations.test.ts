// The mutation check: each deliberate change of infra/mutations.ts is applied to a fresh copy of
// infra/ (the rest of the repository linked in), only the test files and tests it names are run
// there by vitest in a child process, and those tests must fail. An unmutated copy runs first
// and must pass, so a failure is the mutation's doing. Mutants run in parallel, a few at a time.
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MUTATIONS, type Mutation } from "./mutations.ts";

const NODE = path.resolve("node_modules", ".bin", "node");
const VITEST = path.resolve("node_modules", "vitest", "vitest.mjs");
/** Read by the program and its tests; everything else stays in the real repository. */
const COPIED_FILES = ["package.json", "Pulumi.yaml", "Pulumi.cloud.yaml", "Pulumi.self-hosted.yaml", "docker-compose.yml"];
const LINKED_DIRS = ["node_modules", "build", "generated", "gateway"];
const PARALLEL = Math.max(2, Math.min(4, availableParallelism()));

interface TestOutcome {
  readonly fullName: string;
  readonly status: string;
}
interface RunResult {
  readonly tests: readonly TestOutcome[];
  /** Files vitest could not even load (a broken mutant), with the reason. */
  readonly fileErrors: readonly string[];
  readonly ms: number;
}

const sandboxes: string[] = [];
afterAll(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

function sandbox(mutation?: Mutation): string {
  const dir = mkdtempSync(path.join(tmpdir(), "beacon-mutant-"));
  sandboxes.push(dir);
  cpSync("infra", path.join(dir, "infra"), { recursive: true });
  for (const f of COPIED_FILES) copyFileSync(f, path.join(dir, f));
  for (const d of LINKED_DIRS) symlinkSync(path.resolve(d), path.join(dir, d));
  if (mutation) {
    const file = path.join(dir, mutation.file);
    const text = readFileSync(file, "utf8");
    const count = text.split(mutation.find).length - 1;
    if (count !== 1) throw new Error(`mutation ${mutation.id}: ${mutation.file} contains its text ${count} times, expected once; update infra/mutations.ts`);
    writeFileSync(file, text.replace(mutation.find, mutation.replace));
  }
  return dir;
}

/** Runs vitest on `files` inside `dir` (only the tests matching `only`, when given); resolves with every test's outcome. */
function vitest(dir: string, files: readonly string[], only?: readonly RegExp[]): Promise<RunResult> {
  const report = path.join(dir, "report.json");
  // A child vitest must not think it is one of this run's workers.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS" && k !== "TINYPOOL_WORKER_ID"));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [VITEST, "run", "--root", dir, "--reporter=json", `--outputFile=${report}`, "--testTimeout=60000", "--hookTimeout=120000", ...(only ? ["-t", only.map((r) => r.source).join("|")] : []), ...files], {
      cwd: dir,
      env: { ...env, FORCE_COLOR: "0" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", () => {
      try {
        const json = JSON.parse(readFileSync(report, "utf8")) as {
          testResults: { name: string; status: string; message?: string; assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
        };
        resolve({
          tests: json.testResults.flatMap((f) => f.assertionResults.map((a) => ({ fullName: [...a.ancestorTitles, a.title].join(" > "), status: a.status }))),
          fileErrors: json.testResults.filter((f) => f.assertionResults.length === 0 && f.status === "failed").map((f) => `${path.relative(dir, f.name)}: ${f.message ?? "failed to load"}`),
          ms: Date.now() - started,
        });
      } catch (err) {
        reject(new Error(`vitest in ${dir} wrote no report (${(err as Error).message}); stderr:\n${stderr.slice(-2000)}`));
      }
    });
  });
}

/** Runs `jobs` with at most PARALLEL at once. */
async function pool<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

let baseline: RunResult;
const results = new Map<string, RunResult>();

beforeAll(async () => {
  const allFiles = [...new Set(MUTATIONS.flatMap((m) => m.run))].sort();
  const runs = await pool([() => vitest(sandbox(), allFiles), ...MUTATIONS.map((m) => () => vitest(sandbox(m), m.run, m.kills))]);
  baseline = runs[0]!;
  MUTATIONS.forEach((m, i) => results.set(m.id, runs[i + 1]!));
  const rows = MUTATIONS.map((m) => {
    const r = results.get(m.id)!;
    const failed = r.tests.filter((t) => t.status === "failed").map((t) => t.fullName);
    return `  ${m.id.padEnd(42)} ${String(failed.length).padStart(2)} failing test(s), ${(r.ms / 1000).toFixed(1)} s: ${failed.slice(0, 3).join(" | ")}`;
  });
  console.log(`mutation check (${MUTATIONS.length} mutants, ${PARALLEL} at a time):\n${rows.join("\n")}`);
}, 600_000);

describe("mutation check", () => {
  it("lists at least the ten changes of issue 13, each with distinct ids", () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(MUTATIONS.map((m) => m.id)).size).toBe(MUTATIONS.length);
  });

  it("the unmutated copy passes every test the mutants run", () => {
    expect(baseline.fileErrors).toEqual([]);
    expect(baseline.tests.filter((t) => t.status !== "passed")).toEqual([]);
    expect(baseline.tests.length).toBeGreaterThan(30);
  });

  it.each(MUTATIONS.map((m) => [m.id, m] as const))("%s fails the tests that guard it", (_id, m) => {
    const r = results.get(m.id);
    if (!r) throw new Error(`no result for ${m.id}`);
    expect(r.fileErrors, `${m.id}: test files that did not load`).toEqual([]);
    const failed = r.tests.filter((t) => t.status === "failed").map((t) => t.fullName);
    for (const kill of m.kills) expect(failed.some((name) => kill.test(name)), `${m.id} (${m.breaks}) should fail a test matching ${kill}; failed: ${JSON.stringify(failed)}`).toBe(true);
  });
});
