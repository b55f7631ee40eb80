// Builds the client with esbuild into .cache/client-app (gitignored): the renderer bundle
// with its HTML and CSS, the Electron preload (CommonJS: sandboxed preloads cannot be ES
// modules), the harness preload, and the Electron main entry. Tests, the harness and
// `npm run client:dev` build on demand; a build takes about a second.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const APP_OUT_DIR = join(REPO_ROOT, ".cache", "client-app");

export interface AppBundle {
  readonly outDir: string;
  readonly rendererHtml: string;
  readonly electronPreload: string;
  readonly harnessPreload: string;
  readonly electronMain: string;
}

export async function buildClientBundles(outDir = APP_OUT_DIR): Promise<AppBundle> {
  const client = join(REPO_ROOT, "client");
  const rendererDir = join(outDir, "renderer");
  mkdirSync(rendererDir, { recursive: true });
  const browser = { bundle: true, platform: "browser", target: "chrome120", logLevel: "silent", sourcemap: "linked", legalComments: "none" } as const;
  await Promise.all([
    build({ ...browser, entryPoints: [join(client, "renderer/main.ts")], outfile: join(rendererDir, "renderer.js"), format: "iife", define: { "process.env.NODE_ENV": '"production"' }, minify: true }),
    build({ ...browser, entryPoints: [join(client, "harness/harness-preload.ts")], outfile: join(outDir, "harness/harness-preload.js"), format: "iife" }),
    build({ ...browser, entryPoints: [join(client, "preload/preload.ts")], outfile: join(outDir, "preload/preload.cjs"), format: "cjs", external: ["electron"] }),
    build({
      bundle: true,
      platform: "node",
      target: "node22",
      format: "esm",
      logLevel: "silent",
      entryPoints: [join(client, "main/electron-main.ts")],
      outfile: join(outDir, "main/main.mjs"),
      packages: "external",
    }),
  ]);
  for (const f of ["index.html", "styles.css"]) copyFileSync(join(client, "renderer", f), join(rendererDir, f));
  return {
    outDir,
    rendererHtml: join(rendererDir, "index.html"),
    electronPreload: join(outDir, "preload/preload.cjs"),
    harnessPreload: join(outDir, "harness/harness-preload.js"),
    electronMain: join(outDir, "main/main.mjs"),
  };
}
