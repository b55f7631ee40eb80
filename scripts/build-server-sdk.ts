// npm run build:server-sdk (also run by `npm install`, as `prepare`): builds the chat server's
// OpenTelemetry SDK code into one ES module, .cache/server-sdk/otel-sdk.mjs
// (server/telemetry/otel.ts says why, sdk-build.ts when the server uses it). Tree-shaken from the
// packages' ES module builds, not minified, so stack traces keep the SDK's own names.
// The API packages stay imports: the SDK and the server's code must share the one API (its
// globals are the registered providers), and context-async-hooks ships CommonJS only.
// Without esbuild (an install with --omit=dev) it says so and exits 0: the server then loads
// the packages, as before.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { SDK_BUILD, SDK_ENTRY } from "../server/telemetry/sdk-build.ts";

export const EXTERNAL = ["@opentelemetry/api", "@opentelemetry/api-logs", "@opentelemetry/context-async-hooks"] as const;

/** Builds the SDK entry into `outfile`; returns its size in bytes. */
export async function buildServerSdk(outfile: string = SDK_BUILD): Promise<number> {
  const { build } = await import("esbuild");
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [SDK_ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    mainFields: ["module", "main"],
    external: [...EXTERNAL],
    legalComments: "inline",
    logLevel: "warning",
    metafile: true,
  });
  return Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
}

if (import.meta.main) {
  try {
    await import("esbuild");
  } catch {
    console.log("build:server-sdk: esbuild is not installed (--omit=dev?); the chat server will load the OpenTelemetry packages instead");
    process.exit(0);
  }
  const bytes = await buildServerSdk();
  console.log(`wrote ${SDK_BUILD} (${(bytes / 1024).toFixed(0)} KB)`);
}
