// Why server/ and client/ build their OpenTelemetry providers from the per-signal packages
// instead of @opentelemetry/sdk-node: the memory each costs just by being loaded. Each variant
// runs in a fresh Node process (the same Node as the app), which imports the modules, collects
// garbage and reports RSS and heap; the variants run interleaved, and the medians are printed
// side by side against a process that imports nothing. Not a test: no threshold.
// Run: node_modules/.bin/node bench/sdk-import-cost.ts  (BENCH_ROUNDS, default 5)
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { MB, median } from "./lib-stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** What server/telemetry/sdk.ts loads, and the NodeSDK alternative seed 002 names. */
const VARIANTS: Readonly<Record<string, readonly string[]>> = {
  "nothing (baseline)": [],
  "per-signal providers (server/telemetry/sdk.ts)": [
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
  "@opentelemetry/sdk-node + instrumentation-http": ["@opentelemetry/sdk-node", "@opentelemetry/instrumentation-http"],
};

interface Sample {
  readonly rss: number;
  readonly heapUsed: number;
}

function measure(modules: readonly string[]): Sample {
  const script = `
    for (const m of ${JSON.stringify(modules)}) await import(m);
    for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); }
    const u = process.memoryUsage();
    console.log(JSON.stringify({ rss: u.rss, heapUsed: u.heapUsed }));`;
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
  return { name, rssMb: mb(rss), heapUsedMb: mb(heapUsed), rssOverBaselineMb: mb(rss - base.rss), heapOverBaselineMb: mb(heapUsed - base.heapUsed) };
});
console.log(`memory after import and GC, median of ${ROUNDS} fresh processes (Node ${process.versions.node}):`);
console.log(`  ${"variant".padEnd(50)} ${"RSS".padStart(9)} ${"Δ RSS".padStart(9)} ${"Δ heap".padStart(9)}`);
for (const r of rows) {
  console.log(`  ${r.name.padEnd(50)} ${r.rssMb.toFixed(1).padStart(6)} MB ${r.rssOverBaselineMb.toFixed(1).padStart(6)} MB ${r.heapOverBaselineMb.toFixed(1).padStart(6)} MB`);
}
mkdirSync("results", { recursive: true });
writeFileSync("results/bench-sdk-import-cost.json", `${JSON.stringify({ node: process.versions.node, rounds: ROUNDS, rows }, null, 2)}\n`);
