// `npm run stack:up`: builds what is missing (once, cached outside the repo), starts the native
// local stack on loopback, waits until every part is ready and prints where each listens.
// BEACON_STACK_PORTS=auto picks free ports (e.g. beside a stack already on the standard ones).
import { describeStack, startStack } from "../stack/runner/stack-run.ts";

const portsEnv = process.env["BEACON_STACK_PORTS"];
try {
  const state = await startStack({
    ...(portsEnv === "auto" ? { ports: "auto" as const } : {}),
    ...(process.env["BEACON_STACK_STATE"] ? { stateDir: process.env["BEACON_STACK_STATE"] } : {}),
    log: (line) => console.error(`[stack] ${line}`),
  });
  console.log(`stack is up:\n${describeStack(state)}\nstop it with: npm run stack:down`);
} catch (err) {
  console.error(`stack:up failed: ${(err as Error).message}`);
  process.exit(1);
}
