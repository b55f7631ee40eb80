// npm test: everything CI runs, in the order that fails fastest. System tools and cached
// binaries are installed first, once, so parallel test files never race apt-get or go build.
import { $ } from "zx";
import { performance } from "node:perf_hooks";
import { ensureSystemTools, SYSTEM_TOOLS } from "./lib/system-packages.ts";

$.verbose = true;
const timings: [string, number][] = [];
async function step(name: string, run: () => Promise<unknown> | unknown): Promise<void> {
  console.log(`\n▶ ${name}`);
  const t0 = performance.now();
  await run();
  timings.push([name, (performance.now() - t0) / 1000]);
}

await step("setup: Debian tools (promtool, Prometheus, Alertmanager, Chromium)", () =>
  ensureSystemTools(SYSTEM_TOOLS.promtool, SYSTEM_TOOLS.prometheus, SYSTEM_TOOLS.alertmanager, SYSTEM_TOOLS.chromium),
);
await step("typecheck", () => $`tsc -p tsconfig.json`);
await step("generated content is up to date (build --check)", () => $`node scripts/build.ts --check`);
await step("lint", () => $`node scripts/lint.ts`);
await step("unit and integration tests (vitest)", () => $`vitest run`);

console.log("\nstep timings:");
for (const [name, s] of timings) console.log(`  ${s.toFixed(1).padStart(7)} s  ${name}`);
