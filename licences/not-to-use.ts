// The not-to-use snapshot (licences/not-to-use.tsv): the rows of the machines' package lists that
// mark a Go module or npm package as not to be used. The lists live outside the repo (beside it
// on the developers' machines as ../.library/env/packages/, or where BEACON_PACKAGE_LISTS points)
// and a CI clone may not have them, so the relevant rows are committed here.
// CLI: `node licences/not-to-use.ts` rewrites the snapshot from the lists (fails when absent).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./collect.ts";
import { formatNotToUse, notToUseFromGoList, notToUseFromNpmList, parseNotToUse, type Ecosystem, type NotToUse } from "./policy.ts";

export const SNAPSHOT_PATH = join(REPO_ROOT, "licences", "not-to-use.tsv");

/** The source list of each ecosystem. */
export const LIST_FILES: Record<Ecosystem, string> = { go: "go-partial.tsv", npm: "npm.tsv" };

/** The folder of the package lists, or undefined where this machine has none. */
export function packageListsDir(): string | undefined {
  const candidates = [process.env["BEACON_PACKAGE_LISTS"], join(REPO_ROOT, "..", ".library", "env", "packages")].filter((d): d is string => !!d);
  return candidates.find((d) => Object.values(LIST_FILES).some((f) => existsSync(join(d, f))));
}

/** The not-to-use rows of the lists present in `dir`, with the ecosystems they cover. */
export function notToUseFromLists(dir: string): { ecosystems: Ecosystem[]; rows: NotToUse[] } {
  const ecosystems: Ecosystem[] = [];
  const rows: NotToUse[] = [];
  const goList = join(dir, LIST_FILES.go);
  if (existsSync(goList)) {
    ecosystems.push("go");
    rows.push(...notToUseFromGoList(readFileSync(goList, "utf8")));
  }
  const npmList = join(dir, LIST_FILES.npm);
  if (existsSync(npmList)) {
    ecosystems.push("npm");
    rows.push(...notToUseFromNpmList(readFileSync(npmList, "utf8")));
  }
  return { ecosystems, rows };
}

export function readSnapshot(): NotToUse[] {
  return parseNotToUse(readFileSync(SNAPSHOT_PATH, "utf8"));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = packageListsDir();
  if (!dir) {
    console.error("no package lists found (../.library/env/packages beside the repo, or BEACON_PACKAGE_LISTS)");
    process.exit(1);
  }
  const { ecosystems, rows } = notToUseFromLists(dir);
  if (ecosystems.length < Object.keys(LIST_FILES).length) {
    console.error(`only ${ecosystems.join(", ")} lists in ${dir}; refusing to write a partial snapshot`);
    process.exit(1);
  }
  writeFileSync(SNAPSHOT_PATH, formatNotToUse(rows));
  console.log(`${SNAPSHOT_PATH}: ${rows.length} rows (${ecosystems.map((e) => `${e} ${rows.filter((r) => r.ecosystem === e).length}`).join(", ")})`);
}
