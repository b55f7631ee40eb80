// The tool cache's contract, with a stand-in build (a shell script, not Go) so it runs in
// seconds: parallel processes build once, a failure names the tool and keeps its log.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const TOOLS = new URL("./tools.ts", import.meta.url).pathname;

/** A child process that ensures a fake tool whose build appends to `counter` and takes ~1 s. */
function ensureInChild(cache: string, counter: string, fail = false): Promise<{ stdout: string; stderr: string }> {
  const script = `
    import { ensureTool } from ${JSON.stringify(TOOLS)};
    import { appendFileSync, writeFileSync, chmodSync } from "node:fs";
    import { join } from "node:path";
    const spec = {
      tool: "fake", version: "v1",
      async build(outDir, log) {
        appendFileSync(${JSON.stringify(counter)}, "built\\n");
        writeFileSync(log, "compiling fake\\n");
        await new Promise((r) => setTimeout(r, 1000));
        if (${fail}) throw new Error("compiler said no");
        const bin = join(outDir, "bin", "fake");
        writeFileSync(bin, "#!/bin/sh\\necho fake\\n");
        chmodSync(bin, 0o755);
      },
    };
    console.log(await ensureTool(spec));
  `;
  return run(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, BEACON_CACHE: cache } });
}

describe("tool cache", () => {
  let cache: string;
  beforeEach(async () => {
    cache = await mkdtemp(join(tmpdir(), "beacon-tools-"));
  });
  afterEach(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  it("builds once when three processes ask at the same time, and all get the same binary", async () => {
    const counter = join(cache, "count");
    const results = await Promise.all([1, 2, 3].map(() => ensureInChild(cache, counter)));
    const paths = results.map((r) => r.stdout.trim());
    expect(new Set(paths)).toEqual(new Set([join(cache, "fake-v1", "bin", "fake")]));
    expect(readFileSync(counter, "utf8")).toBe("built\n");
    // Nothing half-built is left behind: only the final dir (with its build log) and the counter.
    expect((await readdir(cache)).sort()).toEqual(["count", "fake-v1"]);
    expect(readFileSync(join(cache, "fake-v1", "build.log"), "utf8")).toContain("compiling fake");
    // A later call finds it without building.
    await ensureInChild(cache, counter);
    expect(readFileSync(counter, "utf8")).toBe("built\n");
  }, 60_000);

  it("fails naming the tool and the kept build log, and leaves no cache entry", async () => {
    const counter = join(cache, "count");
    const err = await ensureInChild(cache, counter, true).then(
      () => undefined,
      (e: { stderr: string }) => e,
    );
    expect(err?.stderr).toContain("building fake v1 failed: compiler said no. Build log: " + join(cache, "fake-v1.failed.log"));
    expect(readFileSync(join(cache, "fake-v1.failed.log"), "utf8")).toContain("compiling fake");
    expect(existsSync(join(cache, "fake-v1"))).toBe(false);
    expect(existsSync(join(cache, "fake-v1.lock"))).toBe(false);
  }, 60_000);
});
