// The I/O half of the licence policy (licences/policy.ts holds the rules): reads the npm lockfile
// and installed packages, runs `go version -m` on the project's Go-built tools, finds each Go
// module's licence file in the module cache (downloading the module when it is not there), and
// scans go.mod files and the tool cache for the barred AGPL tools.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  binaryLabel,
  declaredLicence,
  escapeModulePath,
  evaluateLicenceTexts,
  evaluateSpdx,
  findNotToUse,
  isBarredToolName,
  isLicenceFileName,
  lockfilePackages,
  parseGoMod,
  parseGoVersionM,
  seeLicenceIn,
  type Finding,
  type GoBuildInfo,
  type GoModule,
  type LockEntry,
  type NotToUse,
} from "./policy.ts";

const exec = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// ---------------------------------------------------------------------------------------------
// npm

export interface NpmOptions {
  /** The folder holding the lockfile's `node_modules/...` paths (the project root). */
  readonly root: string;
  /** Name of the installed-packages folder under root; fixtures use another than node_modules,
   *  which git ignores. */
  readonly modulesDir?: string;
  readonly notToUse: readonly NotToUse[];
}

function readLicenceFiles(dir: string): { file: string; text: string }[] {
  if (!existsSync(dir)) return [];
  const out: { file: string; text: string }[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!isLicenceFileName(name)) continue;
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isFile()) out.push({ file: name, text: readFileSync(full, "utf8") });
    // REUSE-style LICENSES/ folder: one file per licence.
    else if (st.isDirectory() && /^LICEN[CS]ES$/i.test(name))
      for (const inner of readdirSync(full).sort()) {
        const f = join(full, inner);
        if (statSync(f).isFile()) out.push({ file: `${name}/${inner}`, text: readFileSync(f, "utf8") });
      }
  }
  return out;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** One finding per lockfile package. The licence comes from the lockfile's `license`; where that
 *  is missing, from the installed package.json's `license`/`licenses`; failing that, from the
 *  licence file(s) in the installed package. `SEE LICENSE IN <file>` reads that file. */
export function npmFindings(lockfile: string, opts: NpmOptions): Finding[] {
  const lock = JSON.parse(readFileSync(lockfile, "utf8")) as { lockfileVersion?: number; packages?: Record<string, LockEntry> };
  const modulesDir = opts.modulesDir ?? "node_modules";
  return lockfilePackages(lock).map((pkg): Finding => {
    const installed = join(opts.root, ...pkg.key.split("/").map((seg) => (seg === "node_modules" ? modulesDir : seg)));
    const base = { ecosystem: "npm" as const, name: pkg.name, version: pkg.version, notToUse: findNotToUse(opts.notToUse, "npm", pkg.name) };
    let licence = declaredLicence(pkg.license);
    let source = "package-lock.json";
    if (!licence) {
      const manifest = readJson(join(installed, "package.json"));
      if (manifest) {
        licence = declaredLicence(manifest["license"], manifest["licenses"]);
        source = `${relative(opts.root, installed)}/package.json`;
      }
    }
    const pointer = licence ? seeLicenceIn(licence) : undefined;
    if (licence && !pointer) return { ...base, licence, source, evaluation: evaluateSpdx(licence) };
    // No SPDX licence: classify the text of the file it points to, or of its LICENSE/COPYING files.
    const texts = pointer
      ? existsSync(join(installed, pointer))
        ? [{ file: pointer, text: readFileSync(join(installed, pointer), "utf8") }]
        : []
      : readLicenceFiles(installed);
    if (texts.length === 0) {
      const where = existsSync(installed) ? `no licence in the lockfile, package.json or a licence file of ${relative(opts.root, installed)}` : "no licence in the lockfile, and the package is not installed";
      return { ...base, licence: licence ?? "(none)", source: "nowhere", evaluation: { verdict: "unknown", offending: ["(none)"], reason: where } };
    }
    const judged = evaluateLicenceTexts(texts);
    return {
      ...base,
      licence: judged.licence,
      source: texts.map((t) => `${relative(opts.root, installed)}/${t.file}`).join(", "),
      evaluation: judged,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Go

/** Reads the Go build info of binaries; files that are not Go binaries are left out (and
 *  returned in `notGo`). */
export async function goBuildInfos(files: readonly string[]): Promise<{ infos: GoBuildInfo[]; notGo: string[] }> {
  const infos: GoBuildInfo[] = [];
  const notGo: string[] = [];
  for (const file of files) {
    try {
      const { stdout } = await exec("go", ["version", "-m", file], { maxBuffer: 16 << 20 });
      infos.push(...parseGoVersionM(stdout));
    } catch {
      notGo.push(file);
    }
  }
  return { infos, notGo };
}

export async function goModCache(): Promise<string> {
  if (process.env["GOMODCACHE"]) return process.env["GOMODCACHE"];
  const { stdout } = await exec("go", ["env", "GOMODCACHE"]);
  return stdout.trim();
}

/** Splits the concatenated JSON objects that `go mod download -json` prints. */
export function splitJsonObjects(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

/** Downloads modules into the module cache (one `go mod download -json` for all of them), from
 *  the Go module proxy. Returns the folder of each, or the error. */
export async function downloadGoModules(mods: readonly string[]): Promise<Map<string, { dir?: string; error?: string }>> {
  const result = new Map<string, { dir?: string; error?: string }>();
  if (mods.length === 0) return result;
  const cwd = await mkdtemp(join(tmpdir(), "beacon-licences-"));
  try {
    const flags = [process.env["GOFLAGS"] ?? "", "-modcacherw"].filter(Boolean).join(" ");
    let stdout = "";
    try {
      ({ stdout } = await exec("go", ["mod", "download", "-json", ...mods], {
        cwd,
        env: { ...process.env, GOFLAGS: flags, GOTOOLCHAIN: "local", GO111MODULE: "on" },
        maxBuffer: 64 << 20,
        timeout: 10 * 60_000,
      }));
    } catch (err) {
      // Exits non-zero when any module fails; the JSON still says which.
      stdout = (err as { stdout?: string }).stdout ?? "";
      if (!stdout) for (const m of mods) result.set(m, { error: (err as Error).message.split("\n")[0] ?? "go mod download failed" });
    }
    for (const o of splitJsonObjects(stdout) as { Path?: string; Version?: string; Dir?: string; Error?: string }[]) {
      if (!o.Path) continue;
      const key = `${o.Path}@${o.Version ?? ""}`;
      result.set(key, o.Error ? { error: o.Error } : { dir: o.Dir });
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
  return result;
}

export interface GoOptions {
  readonly modCache: string;
  readonly notToUse: readonly NotToUse[];
  /** Fetch modules missing from the cache (default true). Fixtures turn it off. */
  readonly download?: boolean;
}

/** One finding per distinct module (path@version, or its replacement) over all the binaries. The
 *  licence is classified from the LICENSE/LICENCE/COPYING files at the module's root. A main
 *  module at `(devel)` is the binary's own locally generated code (the collector distribution)
 *  and is left out; its dependencies are all checked. */
export async function goFindings(infos: readonly GoBuildInfo[], opts: GoOptions): Promise<Finding[]> {
  const byKey = new Map<string, { mod: GoModule; usedBy: Set<string> }>();
  for (const info of infos) {
    const binary = binaryLabel(info.file);
    const mods = [...(info.main && info.main.version !== "(devel)" ? [info.main] : []), ...info.deps];
    for (const mod of mods) {
      const key = `${mod.path}@${mod.version}${mod.replacement ? ` => ${mod.replacement.path}@${mod.replacement.version}` : ""}`;
      const entry = byKey.get(key) ?? { mod, usedBy: new Set<string>() };
      entry.usedBy.add(binary);
      byKey.set(key, entry);
    }
  }
  const source = (m: GoModule) => m.replacement ?? m;
  const dirOf = (m: GoModule) => {
    const s = source(m);
    return join(opts.modCache, `${escapeModulePath(s.path)}@${escapeModulePath(s.version)}`);
  };
  const missing = [...byKey.values()].map((e) => e.mod).filter((m) => source(m).version && !existsSync(dirOf(m)));
  const downloaded = opts.download === false ? new Map<string, { dir?: string; error?: string }>() : await downloadGoModules(missing.map((m) => `${source(m).path}@${source(m).version}`));

  const findings: Finding[] = [];
  for (const { mod, usedBy } of byKey.values()) {
    const s = source(mod);
    const label = mod.replacement ? `${mod.version} => ${s.path}@${s.version}` : mod.version;
    const notToUse = findNotToUse(opts.notToUse, "go", mod.path) ?? (mod.replacement ? findNotToUse(opts.notToUse, "go", s.path) : undefined);
    const base = { ecosystem: "go" as const, name: mod.path, version: label, notToUse, usedBy: [...usedBy].sort() };
    if (!s.version) {
      findings.push({ ...base, licence: "(none)", source: "nowhere", evaluation: { verdict: "unknown", offending: ["(none)"], reason: `replaced by a local directory ${s.path}; its licence cannot be checked` } });
      continue;
    }
    const dl = downloaded.get(`${s.path}@${s.version}`);
    const dir = existsSync(dirOf(mod)) ? dirOf(mod) : dl?.dir;
    const texts = dir ? readLicenceFiles(dir) : [];
    if (texts.length === 0) {
      const reason = dir
        ? `no LICENSE/LICENCE/COPYING file in ${dir}`
        : `not in the module cache ${opts.modCache}${dl?.error ? ` and go mod download failed: ${dl.error}` : opts.download === false ? "" : " and go mod download did not fetch it"}`;
      findings.push({ ...base, licence: "(none)", source: "nowhere", evaluation: { verdict: "unknown", offending: ["(none)"], reason } });
      continue;
    }
    const judged = evaluateLicenceTexts(texts);
    findings.push({ ...base, licence: judged.licence, source: texts.map((t) => `${s.path}@${s.version}/${t.file}`).join(", "), evaluation: judged });
  }
  return findings.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// The tools the project builds (stack/runner/tools.ts) and what else lies in their cache.

/** The `ensure<Tool>()` functions a module exports (each builds a tool if needed and returns its
 *  binary path): every exported function named ensureXxx that takes no argument. */
export function toolEnsurers(mod: Record<string, unknown>): [string, () => Promise<string>][] {
  return Object.entries(mod)
    .filter((e): e is [string, () => Promise<string>] => /^ensure[A-Z]\w*$/.test(e[0]) && typeof e[1] === "function" && (e[1] as () => unknown).length === 0)
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** Every file in `<cacheRoot>/<tool>-<version>/bin/` (builds in progress and locks left out). */
export function cachedBinaries(cacheRoot: string): string[] {
  if (!existsSync(cacheRoot)) return [];
  const out: string[] = [];
  for (const dir of readdirSync(cacheRoot).sort()) {
    if (dir.endsWith(".lock") || dir.includes(".tmp-")) continue;
    const bin = join(cacheRoot, dir, "bin");
    if (!existsSync(bin) || !statSync(bin).isDirectory()) continue;
    for (const f of readdirSync(bin).sort()) if (statSync(join(bin, f)).isFile()) out.push(join(bin, f));
  }
  return out;
}

/** Cache folders and binaries named after k6, Loki, Tempo or Grafana (AGPL: never built here). */
export function barredToolsInCache(cacheRoot: string): string[] {
  if (!existsSync(cacheRoot)) return [];
  const hits: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue; // removed while we looked (a build finishing)
      }
      if (st.isDirectory()) {
        if (depth === 0 && isBarredToolName(name, "dir")) hits.push(full);
        if (depth < 2) walk(full, depth + 1);
      } else if (isBarredToolName(name, "binary")) hits.push(full);
    }
  };
  walk(cacheRoot, 0);
  return hits.sort();
}

// ---------------------------------------------------------------------------------------------
// go.mod files of the repo

/** Every go.mod under root, outside node_modules and .git. */
export function findGoModFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      if (ent.isDirectory()) {
        if (ent.name === "node_modules" || ent.name === ".git") continue;
        walk(join(dir, ent.name));
      } else if (ent.name === "go.mod") out.push(join(dir, ent.name));
    }
  };
  walk(root);
  return out.sort();
}

/** Each require/replace/tool of a not-to-use module in the go.mod files, as a message. */
export function goModViolations(files: readonly string[], notToUse: readonly NotToUse[], root: string): string[] {
  const out: string[] = [];
  for (const file of files) {
    const refs = parseGoMod(readFileSync(file, "utf8"));
    const rel = relative(root, file);
    for (const [verb, paths] of [["requires", refs.require], ["replaces", refs.replace]] as const)
      for (const p of paths) {
        const hit = findNotToUse(notToUse, "go", p);
        if (hit) out.push(`${rel} ${verb} ${p}, which is not to be used: ${hit.reason}`);
      }
    for (const pkg of refs.tool) {
      // A tool is a package path: barred when it lies inside a barred module (conservatively, a
      // package path under a barred module's path counts even if it is a sub-module of its own).
      const hit = notToUse.find((r) => r.ecosystem === "go" && (pkg === r.name || pkg.startsWith(`${r.name}/`)));
      if (hit) out.push(`${rel} has tool ${pkg} from ${hit.name}, which is not to be used: ${hit.reason}`);
    }
  }
  return out;
}
