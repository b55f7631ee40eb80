// Runs the program the way Pulumi's nodejs host does with `typescript: false`: plain Node,
// native type stripping, a dynamic import of infra/index.ts (here under Pulumi's mocks, as
// the CLI cannot be installed).
//   node infra/testing/native-run.ts <Pulumi.<stack>.yaml> [--state '{"<type>": {<output>: <value>}}'] [--set <key>=<value>]...
// --state overrides what the mocked provider returns for every resource of a type (e.g. a stack
// without an OTLP URL); --set overrides a setting of the stack file. Prints
// {"resources": <custom resource count>, "types": {...}} on stdout.
// A program error fails the process with the error's message on stderr, as Pulumi's host
// reports it (message only, no JavaScript stack, for a ResourceError).
import { countsByType, runStackFile } from "./run-program.ts";

const USAGE = "usage: native-run.ts <Pulumi.<stack>.yaml> [--state <json>] [--set <key>=<value>]...";
const [stackFile, ...rest] = process.argv.slice(2);
if (!stackFile) throw new Error(USAGE);
let state: Record<string, Record<string, unknown>> = {};
const settings: Record<string, string> = {};
for (let i = 0; i < rest.length; i += 2) {
  const [flag, value] = [rest[i], rest[i + 1]];
  if (value === undefined) throw new Error(USAGE);
  if (flag === "--state") state = JSON.parse(value) as typeof state;
  else if (flag === "--set" && value.includes("=")) settings[value.slice(0, value.indexOf("="))] = value.slice(value.indexOf("=") + 1);
  else throw new Error(USAGE);
}

// Pulumi surfaces a failed output through unhandled rejections; its host logs each once and fails.
const reported = new Set<string>();
const fail = (err: unknown) => {
  const message = err instanceof Error ? err.message.replace(/^error serializing property "[^"]*": /, "") : String(err);
  if (!reported.has(message)) console.error(`error: ${message}`);
  reported.add(message);
  process.exitCode = 1;
};
process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);

try {
  const run = await runStackFile(stackFile, settings, (type, _name, s) => ({ ...s, ...state[type] }));
  const types = countsByType(run);
  console.log(JSON.stringify({ resources: Object.values(types).reduce((a, b) => a + b, 0), types }));
} catch (err) {
  fail(err);
}
