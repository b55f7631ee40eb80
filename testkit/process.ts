// Waiting helpers for tests (re-exported from the stack scripts so both use one implementation).
export { freePort, portInUse, waitFor, waitForHttp } from "../stack/runner/stack-wait.ts";
