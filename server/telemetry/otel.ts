// The chat server's OpenTelemetry SDK code: from the one-file build when it is fresh
// (sdk-build.ts; scripts/build-server-sdk.ts writes it on `npm install`), from the packages
// through otel-sdk.ts otherwise. Server code takes SDK values from here, never from the packages.
//
// Why a build: from node_modules the SDK is ~300 CommonJS modules and ~1 MB of source, and V8
// counts what loading them allocates as young-generation survivors, which is what it grows its
// young generation on. Tree-shaken into one ES module, the SDK adds no start-up survivors and
// less to load (bench/sdk-import-cost.ts measures both side by side). Both sources export the
// same names (otel.test.ts).
import { pathToFileURL } from "node:url";
import type * as SdkParts from "./otel-sdk.ts";
import { LAST_INSTALL, SDK_BUILD, SDK_ENTRY, isBuildFresh } from "./sdk-build.ts";

export interface LoadedSdk {
  /** "build" when the one-file build was loaded, "packages" when node_modules was. */
  readonly source: "build" | "packages";
  readonly parts: typeof SdkParts;
}

/**
 * Loads `build` when it is fresh against `sources`, else the packages. A build that fails to load
 * (a truncated file) is reported through `onBuildError` and the packages are loaded instead:
 * telemetry never keeps the server from starting.
 */
export async function loadSdk(build: string, sources: readonly string[], onBuildError: (message: string) => void): Promise<LoadedSdk> {
  if (isBuildFresh(build, sources)) {
    try {
      return { source: "build", parts: (await import(pathToFileURL(build).href)) as typeof SdkParts };
    } catch (err) {
      onBuildError(`telemetry: ${build} did not load (${err instanceof Error ? err.message : String(err)}); loading the OpenTelemetry packages instead`);
    }
  }
  return { source: "packages", parts: await import("./otel-sdk.ts") };
}

const loaded = await loadSdk(SDK_BUILD, [SDK_ENTRY, LAST_INSTALL], (message) => console.error(message));
export const sdkSource = loaded.source;
export const otel = loaded.parts;
