// npm test: everything CI runs, in the order that fails fastest. System tools and cached
// binaries are installed first, once, so parallel test files never race apt-get or go build.
// Last, the live proof: the local stack on free ports, the e2e session and the smoke load test.
// Nothing AGPL is built or fetched (k6, Loki, Tempo, Grafana): licences/ holds the test of that.
import { $ } from "zx";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ensureSystemTools, SYSTEM_TOOLS } from "../stack/runner/system-packages.ts";

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
await step("setup: collector and vegeta builds (cached in ~/.cache/beacon)", () => $`node stack/runner/tools.ts all`);
// `npm ci` builds it too (prepare); again here so the tests run what the server runs after any change.
await step("setup: the chat server's one-file OpenTelemetry SDK build", () => $`node scripts/build-server-sdk.ts`);
await step("typecheck (the project, and the k6 scripts against @types/k6)", async () => {
  await $`tsc -p tsconfig.json`;
  await $`tsc -p loadtest/tsconfig.json`;
});
await step("generated content is up to date (build --check)", () => $`node scripts/build.ts --check`);
await step("lint", () => $`node scripts/lint.ts`);
await step("unit and integration tests (vitest)", () => $`vitest run`);

// Free ports and a state folder of its own, so a stack the user is running is left alone.
const live = $({ env: { ...process.env, BEACON_STACK_PORTS: "auto", BEACON_STACK_STATE: join(import.meta.dirname, "..", ".cache", "stack-test") } });
await step("local stack up", () => live`node scripts/stack-up.ts`);
try {
  await step("e2e: scripted session, every panel and saved query live, an alert firing", () => live`node scripts/e2e.ts`);
  await step("load smoke (the k6 profiles, driven by vegeta and ws): exact validation, gateway capacity, telemetry overhead", () => live`node scripts/loadtest.ts --profile smoke`);
} finally {
  await step("local stack down", () => live`node scripts/stack-down.ts`);
}

console.log("\nstep timings:");
for (const [name, s] of timings) console.log(`  ${s.toFixed(1).padStart(7)} s  ${name}`);
