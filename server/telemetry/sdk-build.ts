// Where the chat server's one-file OpenTelemetry SDK build lives and when it may be used
// (otel.ts loads it, scripts/build-server-sdk.ts writes it). "Fresh" is by modification time:
// newer than its entry, otel-sdk.ts, and than npm's record of the last install
// (node_modules/.package-lock.json), so an edited entry or an upgraded package is never served
// from an old build.
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SDK_ENTRY = fileURLToPath(new URL("./otel-sdk.ts", import.meta.url));
export const SDK_BUILD = fileURLToPath(new URL("../../.cache/server-sdk/otel-sdk.mjs", import.meta.url));
export const LAST_INSTALL = fileURLToPath(new URL("../../node_modules/.package-lock.json", import.meta.url));

const mtimeMs = (path: string): number | undefined => statSync(path, { throwIfNoEntry: false })?.mtimeMs;

/** True when `build` exists and is at least as new as every one of `sources` that exists. */
export function isBuildFresh(build: string, sources: readonly string[]): boolean {
  const built = mtimeMs(build);
  return built !== undefined && sources.every((s) => (mtimeMs(s) ?? 0) <= built);
}
