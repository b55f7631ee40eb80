// The chat server's one-file SDK build (scripts/build-server-sdk.ts) exports what the packages
// do (otel-sdk.ts), defined, from one self-contained file that shares the one OpenTelemetry API
// with the server's code; a build is used only while it is newer than what it was built from,
// and one that does not load leaves the server on the packages, saying so.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { EXTERNAL, buildServerSdk } from "../../scripts/build-server-sdk.ts";
import * as fromPackages from "./otel-sdk.ts";
import { loadSdk } from "./otel.ts";
import { isBuildFresh } from "./sdk-build.ts";

// Inside the checkout, so the build's bare imports resolve to its node_modules as the server's do.
const cache = join(import.meta.dirname, "..", "..", ".cache");
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, "server-sdk-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the one-file SDK build", () => {
  const outfile = join(dir, "otel-sdk.mjs");
  const built = buildServerSdk(outfile);

  it("exports every name otel-sdk.ts does, each defined and of the same kind", async () => {
    await built;
    const fromBuild = (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
    expect(Object.keys(fromBuild).sort()).toEqual(Object.keys(fromPackages).sort());
    for (const [name, value] of Object.entries(fromPackages)) {
      expect(fromBuild[name], name).toBeDefined();
      expect(typeof fromBuild[name], name).toBe(typeof value);
    }
    expect(fromBuild.ATTR_SERVICE_NAME).toBe("service.name");
  });

  it("imports only Node built-ins and the API packages, so the SDK and the server register and read the same API globals", async () => {
    await built;
    const source = readFileSync(outfile, "utf8");
    const specifiers = new Set([...source.matchAll(/^import\b[^"']*["']([^"']+)["'];?$/gm)].map((m) => m[1] as string));
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    expect([...specifiers].filter((s) => !builtins.has(s) && !(EXTERNAL as readonly string[]).includes(s))).toEqual([]);
    expect(specifiers).toContain("@opentelemetry/api");
    expect(source).not.toMatch(/\brequire\(/);
  });

  it("is a fraction of the source it replaces", async () => {
    const bytes = await built;
    expect(bytes).toBeGreaterThan(50_000);
    expect(bytes).toBeLessThan(600_000);
  });
});

describe("isBuildFresh", () => {
  const file = (name: string, mtimeS: number) => {
    const path = join(dir, name);
    writeFileSync(path, name);
    utimesSync(path, mtimeS, mtimeS);
    return path;
  };

  it("is false without a build, or when any source is newer than it", () => {
    const entry = file("entry.ts", 1_000);
    const install = file("install.json", 2_000);
    expect(isBuildFresh(join(dir, "none.mjs"), [entry, install])).toBe(false);
    expect(isBuildFresh(file("old.mjs", 1_500), [entry, install])).toBe(false);
    expect(isBuildFresh(file("older.mjs", 500), [entry, install])).toBe(false);
  });

  it("is true when the build is at least as new as every source, ignoring sources that do not exist", () => {
    const entry = file("entry2.ts", 1_000);
    expect(isBuildFresh(file("new.mjs", 3_000), [entry, file("install2.json", 2_000)])).toBe(true);
    expect(isBuildFresh(file("same.mjs", 1_000), [entry, join(dir, "no-install.json")])).toBe(true);
  });
});

describe("loadSdk", () => {
  const entry = join(dir, "entry3.ts");
  writeFileSync(entry, "");
  utimesSync(entry, 1_000, 1_000);

  it("loads a fresh build, and reports nothing", async () => {
    const build = join(dir, "fresh.mjs");
    writeFileSync(build, 'export const ATTR_SERVICE_NAME = "from the build";\n');
    const errors: string[] = [];
    const sdk = await loadSdk(build, [entry], (m) => errors.push(m));
    expect([sdk.source, sdk.parts.ATTR_SERVICE_NAME, errors]).toEqual(["build", "from the build", []]);
  });

  it("loads the packages when the build is stale, without an error (the start-up line says which)", async () => {
    const build = join(dir, "stale.mjs");
    writeFileSync(build, "export {};\n");
    utimesSync(build, 500, 500);
    const errors: string[] = [];
    const sdk = await loadSdk(build, [entry], (m) => errors.push(m));
    expect([sdk.source, typeof sdk.parts.BasicTracerProvider, errors]).toEqual(["packages", "function", []]);
  });

  it("loads the packages when a fresh build does not load (truncated), naming the file and the error", async () => {
    const build = join(dir, "truncated.mjs");
    writeFileSync(build, "export const a = {\n");
    const errors: string[] = [];
    const sdk = await loadSdk(build, [entry], (m) => errors.push(m));
    expect(sdk.source).toBe("packages");
    expect(typeof sdk.parts.MeterProvider).toBe("function");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(build);
    expect(errors[0]).toMatch(/SyntaxError|Unexpected|did not load/);
  });
});
