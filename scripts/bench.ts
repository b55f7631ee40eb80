// npm run bench [-- name …]: run the overhead benchmarks one after another (never in
// parallel: they compare CPU and memory side by side on a 2-core machine) and print figures.
import { readdirSync } from "node:fs";
import { $ } from "zx";

$.verbose = true;
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const benches = readdirSync("bench")
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("lib-"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark in bench/ matches ${wanted.join(", ") || "(any)"}`);
  process.exit(1);
}
for (const file of benches) {
  console.log(`\n▶ bench/${file}`);
  await $`node --expose-gc ${`bench/${file}`}`;
}
console.log("\nfigures are in results/bench-*.json");
