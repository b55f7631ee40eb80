// `npm run client:dev`: builds the client (client/harness/bundle.ts) and starts it in
// Electron, with client/.env (what `npm run env:write` writes after `pulumi up`) in its
// environment. Where the Electron binary is missing (installed with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on the CI machines), says so and how to get it, and
// points at the Chromium harness that runs the same code without it.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildClientBundles, REPO_ROOT } from "../client/harness/bundle.ts";
import { DEFAULT_CHAT_SERVER_URL } from "../client/main/main-app.ts";

const ELECTRON_DIR = join(REPO_ROOT, "node_modules", "electron");

/** Path of the Electron executable, as node_modules/electron/index.js resolves it, or undefined. */
function electronBinary(): string | undefined {
  const pathFile = join(ELECTRON_DIR, "path.txt");
  if (!existsSync(pathFile)) return undefined;
  const binary = join(ELECTRON_DIR, "dist", readFileSync(pathFile, "utf8").trim());
  return existsSync(binary) ? binary : undefined;
}

const bundle = await buildClientBundles();
console.log(`[client:dev] built ${bundle.outDir}`);

const binary = electronBinary();
if (!binary) {
  console.error(`[client:dev] The Electron binary is not installed (${join(ELECTRON_DIR, "dist")} is missing).
  The npm package was installed without it (ELECTRON_SKIP_BINARY_DOWNLOAD=1), which is how this
  repository installs on machines that cannot download it. To run the desktop app, fetch it
  (needs access to GitHub's release downloads) and run this again:
    node node_modules/electron/install.js
  Without Electron, the same main-process code and renderer bundle run in Node + Chromium:
    node_modules/.bin/vitest run client/harness`);
  process.exit(1);
}

const child = spawn(binary, [bundle.electronMain], {
  stdio: "inherit",
  env: { ...process.env, KICKTALK_CHAT_SERVER_URL: process.env.KICKTALK_CHAT_SERVER_URL ?? DEFAULT_CHAT_SERVER_URL },
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
