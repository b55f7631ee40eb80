// Why server/ and client/ build their OpenTelemetry providers from the per-signal packages
// instead of @opentelemetry/sdk-node, and why the server loads them from one pre-built file
// (server/telemetry/otel.ts): the memory each costs just by being loaded. Each variant runs in a
// fresh Node process (the same Node as the app), which imports the modules, collects garbage and
// reports RSS, heap, and the bytes that survived scavenges while it imported (what V8 grows its
// young generation on); the variants run interleaved, and the medians are printed side by side
// against a process that imports nothing. Not a test: no threshold.
// Run: node_modules/.bin/node bench/sdk-import-cost.ts  (BENCH_ROUNDS, default 5)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { SDK_BUILD } from "../server/telemetry/sdk-build.ts";
import { MB, median } from "./lib-stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

if (!existsSync(SDK_BUILD)) throw new Error(`${SDK_BUILD} is missing: run \`npm run build:server-sdk\` first`);
const API = ["@opentelemetry/api", "@opentelemetry/api-logs", "@opentelemetry/context-async-hooks"];

/** What server/telemetry/sdk.ts loads, from the packages and built, and the NodeSDK alternative seed 002 names. */
const VARIANTS: Readonly<Record<string, readonly string[]>> = {
  "nothing (baseline)": [],
  "per-signal packages (client; server without a build)": [
    "@opentelemetry/api",
    "@opentelemetry/api-logs",
    "@opentelemetry/context-async-hooks",
    "@opentelemetry/core",
    "@opentelemetry/exporter-logs-otlp-http",
    "@opentelemetry/exporter-metrics-otlp-http",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
    "@opentelemetry/sdk-logs",
    "@opentelemetry/sdk-metrics",
    "@opentelemetry/sdk-trace-base",
  ],
  "the same, one-file build (server, .cache/server-sdk)": [...API, pathToFileURL(SDK_BUILD).href],
  "@opentelemetry/sdk-node + instrumentation-http": ["@opentelemetry/sdk-node", "@opentelemetry/instrumentation-http"],
};

interface Sample {
  readonly rss: number;
  readonly heapUsed: number;
  /** Bytes copied within or promoted out of the young generation by the scavenges during the imports. */
  readonly survived: number;
}

function measure(modules: readonly string[]): Sample {
  const script = `
    import { GCProfiler } from "node:v8";
    const profiler = new GCProfiler();
    profiler.start();
    for (const m of ${JSON.stringify(modules)}) await import(m);
    let survived = 0;
    const used = (s, name) => s.heapSpaceStatistics.find((x) => x.spaceName === name)?.spaceUsedSize ?? 0;
    for (const gc of profiler.stop().statistics) {
      if (gc.gcType !== "Scavenge") continue;
      const promoted = used(gc.afterGC, "old_space") - used(gc.beforeGC, "old_space");
      survived += used(gc.afterGC, "new_space") + Math.max(0, promoted);
    }
    for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); }
    const u = process.memoryUsage();
    console.log(JSON.stringify({ rss: u.rss, heapUsed: u.heapUsed, survived }));`;
  const out = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { encoding: "utf8" });
  return JSON.parse(out) as Sample;
}

const samples = new Map<string, Sample[]>(Object.keys(VARIANTS).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, modules] of Object.entries(VARIANTS)) samples.get(name)?.push(measure(modules));
}

const mb = (bytes: number) => bytes / MB;
const baseline = samples.get("nothing (baseline)") ?? [];
const base = { rss: median(baseline.map((s) => s.rss)), heapUsed: median(baseline.map((s) => s.heapUsed)) };
const rows = [...samples].map(([name, s]) => {
  const rss = median(s.map((x) => x.rss));
  const heapUsed = median(s.map((x) => x.heapUsed));
  const survivedMb = mb(median(s.map((x) => x.survived)) - median(baseline.map((x) => x.survived)));
  return { name, rssMb: mb(rss), heapUsedMb: mb(heapUsed), rssOverBaselineMb: mb(rss - base.rss), heapOverBaselineMb: mb(heapUsed - base.heapUsed), survivedOverBaselineMb: survivedMb };
});
console.log(`memory after import and GC, median of ${ROUNDS} fresh processes (Node ${process.versions.node}):`);
console.log(`  ${"variant".padEnd(54)} ${"RSS".padStart(9)} ${"Δ RSS".padStart(9)} ${"Δ heap".padStart(9)} ${"Δ survived".padStart(11)}`);
for (const r of rows) {
  const cells = [r.rssMb, r.rssOverBaselineMb, r.heapOverBaselineMb].map((v) => `${v.toFixed(1).padStart(6)} MB`);
  console.log(`  ${r.name.padEnd(54)} ${cells.join(" ")} ${r.survivedOverBaselineMb.toFixed(1).padStart(8)} MB`);
}
mkdirSync("results", { recursive: true });
writeFileSync("results/bench-sdk-import-cost.json", `${JSON.stringify({ node: process.versions.node, rounds: ROUNDS, rows }, null, 2)}\n`);
