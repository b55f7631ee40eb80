// Runs a k6 script of loadtest/ in Node for tests: esbuild bundles it with every k6 module
// (`k6`, `k6/http`, `k6/execution`, `k6/metrics`, `k6/timers`, `k6/websockets`) replaced by the
// stubs next to this file, then the bundle is imported with k6's init-context globals (`__ENV`,
// `open`) in place. The scripts' exports (options, setup, scenario functions, handleSummary) are
// then called like k6 would: one VU, iterations as the test chooses (stubState().iterationInTest).
import { build, type Plugin } from "esbuild";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resetStubState } from "./state.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const LOADTEST = dirname(HERE);

/** k6 module -> stub file. */
export const K6_STUBS: Readonly<Record<string, string>> = {
  k6: "k6.ts",
  "k6/http": "http.ts",
  "k6/execution": "execution.ts",
  "k6/metrics": "metrics.ts",
  "k6/timers": "timers.ts",
  "k6/websockets": "websockets.ts",
};

const k6Stubs: Plugin = {
  name: "k6-stubs",
  setup(b) {
    b.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => {
      const stub = K6_STUBS[args.path];
      if (!stub) return { errors: [{ text: `no stub for ${args.path}: add one to loadtest/k6-stubs/ and K6_STUBS` }] };
      return { path: join(HERE, stub) };
    });
  },
};

/** The exports of a k6 script; which ones exist depends on the script. */
export type K6Script = Record<string, unknown> & {
  options: { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, string[]>; summaryTrendStats?: string[] };
  handleSummary(data: unknown): Record<string, string>;
};

/** Bundles `loadtest/<script>` against the stubs and imports it with `env` as __ENV; resets the stub state. */
export async function loadK6Script(script: string, env: Record<string, string>): Promise<K6Script> {
  const dir = await mkdtemp(join(tmpdir(), "beacon-k6-script-"));
  const outfile = join(dir, script.replace(/\.ts$/, ".mjs"));
  try {
    await build({ entryPoints: [join(LOADTEST, script)], bundle: true, format: "esm", platform: "node", target: "node24", outfile, plugins: [k6Stubs], logLevel: "silent" });
    resetStubState();
    const g = globalThis as Record<string, unknown>;
    g["__ENV"] = env;
    g["open"] = (path: string) => readFileSync(path, "utf8");
    return (await import(/* @vite-ignore */ pathToFileURL(outfile).href)) as K6Script;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
