// Go-built tools of the local stack (the OpenTelemetry Collector, and vegeta for the CI's load
// runs), built from the
// Go module proxy once and cached OUTSIDE the repo (CI runs in a fresh clone), keyed by version:
//   ${BEACON_CACHE:-$HOME/.cache/beacon}/<tool>-<version>/bin/<tool>
// Safe to call concurrently from parallel test files: one process builds under an atomic mkdir
// lock into a temp dir and renames it into place; the others wait for the result.
// CLI: `node stack/runner/tools.ts [collector|vegeta|all]...` prebuilds (CI does this before
// vitest, whose hook timeouts are far shorter than a cold build).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, openSync, closeSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const STACK_DIR = join(REPO_ROOT, "stack");

/** One release for the builder and every collector component (see stack/collector/builder-config.yaml). */
export const COLLECTOR_VERSION = "v0.161.0";
/** vegeta (MIT): the CI's constant-rate HTTP load generator. k6, like Loki and Tempo, is AGPL
 *  and never built here; users run the k6 scripts in loadtest/ with their own k6. */
export const VEGETA_VERSION = "v12.13.0";
/** actionlint (MIT): lints the GitHub Actions workflows in .github/workflows/ (infra/workflows.test.ts). */
export const ACTIONLINT_VERSION = "v1.7.12";

/** Longest a cold build may take on a 2-core machine before we give up waiting (ms). */
const BUILD_TIMEOUT_MS = 45 * 60_000;
const LOCK_POLL_MS = 1_000;

export function cacheRoot(): string {
  return process.env["BEACON_CACHE"] ?? join(homedir(), ".cache", "beacon");
}

export interface ToolBuild {
  readonly tool: string;
  /** Cache key suffix: the pinned version plus a hash of the committed build inputs, so editing a
   *  manifest or go.sum never reuses a stale binary. */
  readonly version: string;
  /** Builds `<outDir>/bin/<tool>`, appending all output to `log` (an open fd). */
  build(outDir: string, log: number): Promise<void>;
}

function inputsHash(...files: string[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(readFileSync(f));
  return h.digest("hex").slice(0, 10);
}

/** GOFLAGS for every build: keep the module cache deletable, cap parallelism on 2 cores. */
function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const flags = [process.env["GOFLAGS"] ?? "", "-modcacherw", "-p=2"].filter(Boolean).join(" ");
  return { ...process.env, GOFLAGS: flags, GOTOOLCHAIN: "local", CGO_ENABLED: "0", ...extra };
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; log: number }): Promise<void> {
  writeFileSync(opts.log, `\n$ ${cmd} ${args.join(" ")}   (in ${opts.cwd})\n`, { flag: "a" });
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", opts.log, opts.log] });
    child.on("error", (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.on("exit", (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${cmd} ${args.slice(0, 2).join(" ")} exited with ${signal ?? code}`));
    });
  });
}

const builderBuild: ToolBuild = {
  tool: "builder",
  version: COLLECTOR_VERSION,
  async build(outDir, log) {
    await run("go", ["install", `go.opentelemetry.io/collector/cmd/builder@${COLLECTOR_VERSION}`], {
      cwd: outDir,
      env: goEnv({ GOBIN: join(outDir, "bin") }),
      log,
    });
  },
};

const collectorBuild: ToolBuild = {
  tool: "otelcol-beacon",
  version: `${COLLECTOR_VERSION}-${inputsHash(join(STACK_DIR, "collector", "builder-config.yaml"))}`,
  async build(outDir, log) {
    const builder = await ensureTool(builderBuild);
    // The builder writes generated sources next to the binary; point it into the temp dir.
    const manifest = await readFile(join(STACK_DIR, "collector", "builder-config.yaml"), "utf8");
    const srcDir = join(outDir, "src");
    const config = join(outDir, "builder-config.yaml");
    await writeFile(config, manifest.replace(/^dist:\n/m, `dist:\n  output_path: ${JSON.stringify(srcDir)}\n`));
    await run(builder, [`--config=${config}`], { cwd: outDir, env: goEnv(), log });
    await mkdir(join(outDir, "bin"), { recursive: true });
    await rename(join(srcDir, "otelcol-beacon"), join(outDir, "bin", "otelcol-beacon"));
    await rm(srcDir, { recursive: true, force: true });
  },
};

const vegetaBuild: ToolBuild = {
  tool: "vegeta",
  version: VEGETA_VERSION,
  async build(outDir, log) {
    await run("go", ["install", "-ldflags=-s -w", `github.com/tsenart/vegeta/v12@${VEGETA_VERSION}`], {
      cwd: outDir,
      env: goEnv({ GOBIN: join(outDir, "bin") }),
      log,
    });
  },
};

const actionlintBuild: ToolBuild = {
  tool: "actionlint",
  version: ACTIONLINT_VERSION,
  async build(outDir, log) {
    await run("go", ["install", "-ldflags=-s -w", `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`], {
      cwd: outDir,
      env: goEnv({ GOBIN: join(outDir, "bin") }),
      log,
    });
  },
};

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes `<dir>.lock` (atomic mkdir); steals it when its owner process is gone. */
async function acquireLock(lockDir: string, tool: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, "pid"), String(process.pid));
      return () => rm(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = Number((await readFile(join(lockDir, "pid"), "utf8").catch(() => "")).trim());
    // No pid yet means the owner is between mkdir and writeFile; give it a moment.
    if (owner > 0 && !pidAlive(owner)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another process (pid ${owner}) building ${tool}; lock ${lockDir}`);
    if (!announced) {
      console.error(`[tools] waiting for pid ${owner} to finish building ${tool}`);
      announced = true;
    }
    await sleep(LOCK_POLL_MS);
  }
}

const inFlight = new Map<string, Promise<string>>();

/** Builds `spec` into the cache unless present (exported for the locking test). */
export function ensureTool(spec: ToolBuild): Promise<string> {
  const key = `${spec.tool}-${spec.version}`;
  let p = inFlight.get(key);
  if (!p) {
    p = ensureToolUncached(spec, key);
    inFlight.set(key, p);
    p.catch(() => inFlight.delete(key));
  }
  return p;
}

async function ensureToolUncached(spec: ToolBuild, key: string): Promise<string> {
  const root = cacheRoot();
  const finalDir = join(root, key);
  const binary = join(finalDir, "bin", spec.tool);
  if (existsSync(binary)) return binary;
  await mkdir(root, { recursive: true });
  const release = await acquireLock(`${finalDir}.lock`, spec.tool);
  try {
    if (existsSync(binary)) return binary; // built by whoever held the lock before us
    const tmpDir = `${finalDir}.tmp-${process.pid}`;
    await rm(tmpDir, { recursive: true, force: true });
    await mkdir(join(tmpDir, "bin"), { recursive: true });
    const logPath = join(tmpDir, "build.log");
    const failedLog = join(root, `${key}.failed.log`);
    const log = openSync(logPath, "a");
    const started = Date.now();
    console.error(`[tools] building ${spec.tool} ${spec.version} (cold builds take minutes; log: ${logPath})`);
    try {
      await spec.build(tmpDir, log);
      if (!existsSync(join(tmpDir, "bin", spec.tool))) throw new Error(`build finished but produced no bin/${spec.tool}`);
    } catch (err) {
      closeSync(log);
      await rename(logPath, failedLog).catch(() => undefined);
      await rm(tmpDir, { recursive: true, force: true });
      throw new Error(`building ${spec.tool} ${spec.version} failed: ${(err as Error).message}. Build log: ${failedLog}`);
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(log, `\nbuilt in ${seconds}s\n`);
    closeSync(log);
    await rename(tmpDir, finalDir);
    await rm(failedLog, { force: true });
    console.error(`[tools] built ${spec.tool} ${spec.version} in ${seconds}s`);
    return binary;
  } finally {
    await release();
  }
}

/** The Beacon collector distribution (stack/collector/builder-config.yaml); returns its binary path. */
export function ensureCollector(): Promise<string> {
  return ensureTool(collectorBuild);
}
/** vegeta, for the CI's load runs (loadtest/runner/). */
export function ensureVegeta(): Promise<string> {
  return ensureTool(vegetaBuild);
}

/** actionlint, for the workflow lint in infra/workflows.test.ts. */
export function ensureActionlint(): Promise<string> {
  return ensureTool(actionlintBuild);
}

const ENSURERS: Record<string, () => Promise<string>> = {
  collector: ensureCollector,
  vegeta: ensureVegeta,
  actionlint: ensureActionlint,
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const asked = process.argv.slice(2);
  const names = asked.length === 0 || asked.includes("all") ? Object.keys(ENSURERS) : asked;
  const unknown = names.filter((n) => !(n in ENSURERS));
  if (unknown.length > 0) {
    console.error(`unknown tool(s): ${unknown.join(", ")}; expected ${Object.keys(ENSURERS).join(", ")} or all`);
    process.exit(2);
  }
  // One after another: parallel Go builds on 2 cores only thrash.
  for (const name of names) {
    const ensure = ENSURERS[name] as () => Promise<string>;
    try {
      console.log(`${name}: ${await ensure()}`);
    } catch (err) {
      console.error((err as Error).message);
      process.exit(1);
    }
  }
}
