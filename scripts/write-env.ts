// Writes client/.env and server/.env from the current Pulumi stack's outputs, so the apps
// export OTLP into the stack `pulumi up` created. Usage: node scripts/write-env.ts [--stack <name>]
// Reads only the outputs the apps need (infra/env-files.ts readStackOutputs): the OTLP endpoint
// and, for Grafana Cloud, the Authorization header, the only output read with --show-secrets;
// or, where the stack runs the fleet gateway, the gateway's addresses and each app's own
// gateway key (then the Cloud header is never read: only the gateway holds it).
// The header goes to the files (mode 0600) and nowhere else.
import { execFileSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { envFiles, readStackOutputs } from "../infra/env-files.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

function pulumi(args: readonly string[]): string {
  try {
    // stderr is inherited so CLI errors show; stdout (which may hold the secret) is only parsed.
    return execFileSync("pulumi", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { status?: number };
    if (e.code === "ENOENT") throw new Error("the pulumi CLI is not on PATH (https://www.pulumi.com/docs/install/)");
    throw new Error(`pulumi ${args.slice(0, 3).join(" ")} failed with exit code ${e.status ?? "?"}`);
  }
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its old mode through writeFileSync
}

const stackArgs = process.argv.slice(2);
if (stackArgs.length > 0 && !(stackArgs.length === 2 && stackArgs[0] === "--stack")) {
  console.error("usage: node scripts/write-env.ts [--stack <name>]");
  process.exit(2);
}
const stackName = stackArgs[1] ?? pulumi(["stack", "--show-name"]).trim();
const outputs = readStackOutputs(pulumi, stackName);
const files = envFiles(outputs, stackName);
for (const [app, text] of [["client", files.client], ["server", files.server]] as const) {
  const file = path.join(ROOT, app, ".env");
  writePrivate(file, text);
  const target =
    outputs.gatewayEndpoint !== undefined
      ? `the gateway ${app === "client" ? outputs.gatewayEndpoint : outputs.gatewayServerEndpoint} with the ${app}'s gateway key`
      : `OTLP endpoint ${outputs.otlpEndpoint}, Authorization header ${outputs.otlpAuthorizationHeader ? "set" : "not needed"}`;
  console.log(`wrote ${path.relative(ROOT, file)} (mode 0600): ${target}`);
}
if (outputs.otlpTokenExpiresAt) console.log(`the OTLP token expires at ${outputs.otlpTokenExpiresAt}: run this again after the \`pulumi up\` that rotates it`);
