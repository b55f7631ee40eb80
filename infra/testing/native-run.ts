// Runs the program the way Pulumi's nodejs host does with `typescript: false`: plain Node,
// native type stripping, a dynamic import of infra/index.ts (here under Pulumi's mocks, as
// the CLI cannot be installed). Usage: node infra/testing/native-run.ts <Pulumi.<stack>.yaml>
// Prints {"resources": <custom resource count>, "types": {...}} on stdout.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { runProgram } from "./run-program.ts";

const stackFile = process.argv[2];
if (!stackFile) throw new Error("usage: native-run.ts <Pulumi.<stack>.yaml>");
const { config } = parse(readFileSync(stackFile, "utf8")) as { config: Record<string, string> };
// The example stacks leave secrets to `pulumi config set --secret`; supply stand-ins.
const secrets: Record<string, string> = {
  "beacon:cloudAccessPolicyToken": "glc_stand_in",
  "beacon:grafanaAuth": "admin:admin",
  "beacon:slackWebhookUrl": "https://hooks.slack.example/stand-in",
  "beacon:pagerdutyIntegrationKey": "stand-in",
  "beacon:alertWebhookUrl": "https://alerts.example/stand-in",
};
const run = await runProgram({ ...config, ...secrets }, Object.keys(secrets));
const types: Record<string, number> = {};
for (const r of run.resources.filter((x) => x.custom)) types[r.type] = (types[r.type] ?? 0) + 1;
console.log(JSON.stringify({ resources: Object.values(types).reduce((a, b) => a + b, 0), types }));
