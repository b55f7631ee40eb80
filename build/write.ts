// Writes generated/ from generate(), or (check mode) reports how it differs from disk.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export interface Drift {
  readonly stale: string[];
  readonly missing: string[];
  readonly extra: string[];
}

function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}

export function drift(root: string, files: ReadonlyMap<string, string>): Drift {
  const onDisk = new Set(listFiles(root));
  const stale: string[] = [];
  const missing: string[] = [];
  for (const [path, content] of files) {
    if (!onDisk.has(path)) missing.push(path);
    else if (readFileSync(join(root, path), "utf8") !== content) stale.push(path);
  }
  const extra = [...onDisk].filter((p) => !files.has(p));
  return { stale: stale.sort(), missing: missing.sort(), extra };
}

/** Makes `root` hold exactly `files`: writes changed ones, removes ones no generator makes. */
export function writeGenerated(root: string, files: ReadonlyMap<string, string>): Drift {
  const d = drift(root, files);
  for (const path of [...d.stale, ...d.missing]) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, files.get(path) as string);
  }
  for (const path of d.extra) rmSync(join(root, path));
  return d;
}
