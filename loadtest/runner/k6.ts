// Runs one k6 script (k6 v2 runs the .ts file itself) with a RUN_CONFIG file and reads back
// the JSON summary its handleSummary wrote. Thresholds failing make k6 exit 99; the caller
// decides what that means, with the summary in hand.
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ensureK6, REPO_ROOT } from "../../stack/runner/tools.ts";

export interface K6Metric {
  readonly type: "counter" | "gauge" | "rate" | "trend";
  readonly values: Readonly<Record<string, number>>;
  readonly thresholds?: Readonly<Record<string, { readonly ok: boolean }>>;
}
export interface K6Summary {
  readonly metrics: Readonly<Record<string, K6Metric>>;
}

export interface K6Result {
  readonly exitCode: number;
  readonly summary: K6Summary;
  /** Thresholds that failed, as "metric: expression". */
  readonly failedThresholds: readonly string[];
}

/** Exit code k6 uses when thresholds fail (the run itself completed). */
export const K6_THRESHOLDS_FAILED = 99;

export const count = (s: K6Summary, metric: string): number => s.metrics[metric]?.values.count ?? 0;

export async function runK6(script: string, config: unknown, opts: { workDir: string; name: string; env?: Record<string, string> }): Promise<K6Result> {
  const k6 = await ensureK6();
  await mkdir(opts.workDir, { recursive: true });
  const configFile = join(opts.workDir, `${opts.name}.config.json`);
  const summaryFile = join(opts.workDir, `${opts.name}.summary.json`);
  await writeFile(configFile, JSON.stringify(config));
  const args = ["run", "--quiet", "--no-usage-report", join(REPO_ROOT, "loadtest", script)];
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(k6, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env, RUN_CONFIG: configFile, SUMMARY_FILE: summaryFile, K6_NO_USAGE_REPORT: "true" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", (err) => reject(new Error(`cannot run ${k6}: ${err.message}`)));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const text = await readFile(summaryFile, "utf8").catch(() => undefined);
  if (text === undefined) throw new Error(`k6 ${script} exited ${exitCode} without writing its summary ${summaryFile}`);
  const summary = JSON.parse(text) as K6Summary;
  const failedThresholds = Object.entries(summary.metrics).flatMap(([name, m]) =>
    Object.entries(m.thresholds ?? {})
      .filter(([, t]) => !t.ok)
      .map(([expr]) => `${name}: ${expr}`),
  );
  return { exitCode, summary, failedThresholds };
}
