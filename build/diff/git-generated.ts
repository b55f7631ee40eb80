// Reads generated/ as it was committed at a git ref.
import { execFileSync } from "node:child_process";
import { GENERATED_DIR } from "../manifest.ts";

export function generatedFilesAt(ref: string, cwd = process.cwd()): Map<string, string> {
  const git = (...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  try {
    git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
  } catch {
    throw new Error(`--base ${ref}: not a commit in this repository`);
  }
  const files = new Map<string, string>();
  const names = git("ls-tree", "-r", "--name-only", ref, "--", `${GENERATED_DIR}/`).split("\n").filter((n) => n !== "");
  for (const name of names) files.set(name.slice(GENERATED_DIR.length + 1), git("show", `${ref}:${name}`));
  return files;
}
