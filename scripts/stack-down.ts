// `npm run stack:down`: stops exactly the processes `stack:up` recorded in its state file.
import { DEFAULT_STATE_DIR, stopStack } from "../stack/runner/stack-run.ts";

const stateDir = process.env["BEACON_STACK_STATE"] ?? DEFAULT_STATE_DIR;
const stopped = await stopStack(stateDir, (line) => console.log(`  ${line}`));
console.log(stopped ? "stack is down" : `no stack state in ${stateDir}; nothing to stop`);
