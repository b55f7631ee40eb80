// Beacon's licence policy (licences/policy.ts): no AGPL, GPL, SSPL or BUSL dependency, no
// dependency without a recognisable allowed licence, nothing on the not-to-use list — in the npm
// lockfile and in every Go module compiled into the Go tools the project builds
// (stack/runner/tools.ts). k6, Loki, Tempo and Grafana are AGPL and are never built or fetched.
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as tools from "../stack/runner/tools.ts";
import {
  barredToolsInCache,
  cachedBinaries,
  findGoModFiles,
  goBuildInfos,
  goFindings,
  goModCache,
  goModViolations,
  npmFindings,
  REPO_ROOT,
  splitJsonObjects,
  toolEnsurers,
} from "./collect.ts";
import { notToUseFromLists, packageListsDir, readSnapshot, SNAPSHOT_PATH } from "./not-to-use.ts";
import {
  ALLOWED_LICENCES,
  binaryLabel,
  classifyLicenceText,
  describeFailure,
  evaluateLicenceTexts,
  evaluateSpdx,
  escapeModulePath,
  findNotToUse,
  formatNotToUse,
  isFailure,
  licenceBreakdown,
  notToUseFromGoList,
  notToUseFromNpmList,
  parseGoMod,
  parseGoVersionM,
  type Finding,
  type NotToUse,
  type GoBuildInfo,
} from "./policy.ts";

const FIXTURES = join(REPO_ROOT, "licences", "fixtures");
const BARRED_GO = ["go.k6.io/k6", "github.com/grafana/loki/v3", "github.com/grafana/tempo", "github.com/grafana/grafana"];

const failures = (findings: readonly Finding[]) => findings.filter(isFailure).map(describeFailure);
const verdict = (expr: string) => evaluateSpdx(expr).verdict;

describe("SPDX expressions", () => {
  it("accepts the allow-list, LGPL in every form, and 'or later'", () => {
    for (const id of ALLOWED_LICENCES) expect(verdict(id), id).toBe("allowed");
    for (const id of ["LGPL-2.1", "LGPL-2.1-only", "LGPL-3.0-or-later", "LGPL-2.0+", "lgpl-3.0"]) expect(verdict(id), id).toBe("allowed");
    expect(verdict("mit")).toBe("allowed"); // ids compare case-insensitively
    expect(verdict("Apache-2.0+")).toBe("allowed");
  });

  it("rejects AGPL, GPL (any version), SSPL, BUSL and UNLICENSED", () => {
    for (const id of ["AGPL-3.0", "AGPL-3.0-only", "AGPL-1.0", "GPL-2.0", "GPL-2.0+", "GPL-3.0-or-later", "GPL-2.0-with-classpath-exception", "GPL", "AGPL", "SSPL-1.0", "BUSL-1.1", "UNLICENSED"])
      expect(verdict(id), id).toBe("forbidden");
    expect(verdict("GPL-2.0-only WITH Classpath-exception-2.0")).toBe("forbidden");
  });

  it("calls unknown ids and malformed expressions unknown", () => {
    expect(verdict("WTFPL")).toBe("unknown");
    expect(verdict("LicenseRef-Proprietary")).toBe("unknown");
    expect(verdict("Elastic-2.0")).toBe("unknown");
    for (const bad of ["", "MIT OR", "(MIT", "MIT)", "AND MIT", "MIT Apache-2.0"]) expect(verdict(bad), bad).toBe("unknown");
  });

  it("takes the permissive branch of an OR, but needs every part of an AND", () => {
    expect(verdict("(MIT OR GPL-3.0)")).toBe("allowed");
    expect(verdict("GPL-3.0 OR MIT")).toBe("allowed");
    expect(verdict("MIT AND GPL-3.0")).toBe("forbidden");
    expect(evaluateSpdx("MIT AND GPL-3.0").offending).toEqual(["GPL-3.0"]);
    expect(verdict("(BSD-3-Clause AND Apache-2.0)")).toBe("allowed");
    expect(verdict("(MIT OR CC0-1.0)")).toBe("allowed");
    expect(verdict("GPL-2.0 OR AGPL-3.0")).toBe("forbidden");
    expect(verdict("WTFPL OR GPL-3.0")).toBe("forbidden");
    expect(verdict("WTFPL OR Beerware")).toBe("unknown");
  });

  it("binds AND tighter than OR, and honours parentheses", () => {
    // MIT OR (Apache-2.0 AND GPL-3.0): the MIT branch is enough.
    expect(verdict("MIT OR Apache-2.0 AND GPL-3.0")).toBe("allowed");
    // (MIT AND GPL-3.0) OR Apache-2.0: the Apache branch is enough.
    expect(verdict("MIT AND GPL-3.0 OR Apache-2.0")).toBe("allowed");
    // (MIT OR Apache-2.0) AND GPL-3.0: GPL is always required.
    expect(verdict("(MIT OR Apache-2.0) AND GPL-3.0")).toBe("forbidden");
    expect(verdict("((MIT) AND (ISC OR GPL-3.0))")).toBe("allowed");
    expect(verdict("Apache-2.0 WITH LLVM-exception")).toBe("allowed");
    expect(verdict("mit or gpl-3.0")).toBe("allowed");
  });
});

describe("licence text classifier", () => {
  it("recognises the project's own LICENSE as Apache-2.0", async () => {
    expect(classifyLicenceText(await readFile(join(REPO_ROOT, "LICENSE"), "utf8"))).toEqual(["Apache-2.0"]);
  });

  it("recognises well-known texts by their key phrases", () => {
    const cases: [string, string[]][] = [
      ["Permission is hereby granted, free of charge, to any person obtaining a copy\nof this software", ["MIT"]],
      ["Permission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee is hereby granted, provided that", ["ISC"]],
      ["Redistribution and use in source and binary forms, with or without modification, are permitted. Neither the name of Google Inc. nor ... may be used to endorse or promote products derived", ["BSD-3-Clause"]],
      ["Redistribution and use in source and binary forms, with or without\nmodification, are permitted provided that the following conditions are met:", ["BSD-2-Clause"]],
      ["Mozilla Public License Version 2.0\n==================================\n... means either the GNU General Public License, Version 2.0, the GNU Lesser General Public License, Version 2.1, the GNU Affero General Public License, Version 3.0", ["MPL-2.0"]],
      ["                   GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n ... version 3 of the GNU General Public License", ["LGPL"]],
      ["                    GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991", ["GPL-2.0"]],
      ["                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007", ["GPL-3.0"]],
      ["                    GNU AFFERO GENERAL PUBLIC LICENSE\n                       Version 3, 19 November 2007\n ... the GNU General Public License", ["AGPL-3.0"]],
      ["// it under the terms of the GNU Affero General Public License as published by", ["AGPL-3.0"]],
      ["Server Side Public License\nVERSION 1, OCTOBER 16, 2018", ["SSPL-1.0"]],
      ["Business Source License 1.1\n\nParameters\n\nLicensor: HashiCorp", ["BUSL-1.1"]],
      ["This is free and unencumbered software released into the public domain.", ["Unlicense"]],
      ["The origin of this software must not be misrepresented; ... Altered source versions must be plainly marked as such", ["Zlib"]],
      ["All rights reserved. You may not use this software without a paid licence.", []],
    ];
    for (const [text, ids] of cases) expect(classifyLicenceText(text), text.slice(0, 60)).toEqual(ids);
  });

  it("requires every licence in the files to be allowed, and fails on none", () => {
    const apache = "Licensed under the Apache License, Version 2.0 (the \"License\")";
    const bsd = "Redistribution and use in source and binary forms ... endorse or promote products derived";
    expect(evaluateLicenceTexts([{ file: "LICENSE", text: `${apache}\n\n${bsd}` }])).toMatchObject({ verdict: "allowed", licence: "Apache-2.0 AND BSD-3-Clause" });
    expect(evaluateLicenceTexts([{ file: "LICENSE", text: apache }, { file: "COPYING", text: "GNU GENERAL PUBLIC LICENSE\nVersion 3" }])).toMatchObject({ verdict: "forbidden" });
    expect(evaluateLicenceTexts([{ file: "LICENSE", text: "GNU LESSER GENERAL PUBLIC LICENSE" }]).verdict).toBe("allowed");
    expect(evaluateLicenceTexts([{ file: "LICENSE", text: "Proprietary." }]).verdict).toBe("unknown");
    expect(evaluateLicenceTexts([]).verdict).toBe("unknown");
  });
});

describe("go version -m, go.mod and the module cache", () => {
  it("parses binaries, main modules, deps and replacements", async () => {
    const infos = parseGoVersionM(await readFile(join(FIXTURES, "go", "go-version-m.txt"), "utf8"));
    expect(infos.map((i) => [basename(i.file), i.path, i.main?.version])).toEqual([
      ["otelcol-fixture", "github.com/beacon/otelcol-fixture", "(devel)"],
      ["loadgen-fixture", "github.com/example/loadgen/v2", "v2.0.0"],
    ]);
    expect(infos[0]?.deps).toContainEqual({ path: "github.com/example/gpl", version: "v2.0.0", replacement: { path: "github.com/example/gpl-fork", version: "v2.0.1" } });
    expect(infos[0]?.deps.map((d) => d.path)).toContain("example.com/agpl/engine/v3");
  });

  it("case-encodes module paths as the module cache does", () => {
    expect(escapeModulePath("github.com/BurntSushi/toml")).toBe("github.com/!burnt!sushi/toml");
    expect(escapeModulePath("github.com/Azure/azure-sdk-for-go")).toBe("github.com/!azure/azure-sdk-for-go");
  });

  it("reads require, replace and tool lines of go.mod, blocks and single lines", async () => {
    const refs = parseGoMod(await readFile(join(FIXTURES, "go", "barred.go.mod"), "utf8"));
    expect(refs.require).toEqual(["example.com/agpl/tracestore", "github.com/prometheus/client_golang", "example.com/agpl/loadtool"]);
    expect(refs.replace).toEqual(["github.com/example/fine", "example.com/agpl/engine/v3", "github.com/hashicorp/nomad/api"]);
    expect(refs.tool).toEqual(["example.com/agpl/loadtool/cmd/loadtool"]);
  });

  it("splits the JSON stream of go mod download -json", () => {
    expect(splitJsonObjects('{\n\t"Path": "a",\n\t"Dir": "/x/{y}"\n}\n{\n\t"Path": "b\\"c",\n\t"Error": "not found"\n}\n')).toEqual([
      { Path: "a", Dir: "/x/{y}" },
      { Path: 'b"c', Error: "not found" },
    ]);
  });

  it("discovers the ensure<Tool>() builders of tools.ts", () => {
    const names = toolEnsurers(tools as unknown as Record<string, unknown>).map(([n]) => n);
    expect(names).toContain("ensureCollector");
    expect(names).not.toContain("ensureTool"); // takes a build spec: not a tool of its own
  });
});

describe("the not-to-use list", () => {
  const snapshot = readSnapshot();

  it("has the AGPL Grafana-stack modules and the lists' other rows", () => {
    for (const m of BARRED_GO) expect(findNotToUse(snapshot, "go", m), m).toBeDefined();
    expect(snapshot.filter((r) => r.ecosystem === "go").length).toBeGreaterThanOrEqual(BARRED_GO.length);
  });

  it("matches Go modules exactly, across major versions, not by prefix", () => {
    expect(findNotToUse(snapshot, "go", "github.com/grafana/loki/v3")).toBeDefined();
    expect(findNotToUse(snapshot, "go", "github.com/grafana/loki")).toBeDefined();
    expect(findNotToUse(snapshot, "go", "github.com/grafana/loki/pkg/push")).toBeUndefined(); // Apache-2.0 client module
    expect(findNotToUse(snapshot, "go", "github.com/grafana/grafana-plugin-sdk-go")).toBeUndefined();
    expect(findNotToUse(snapshot, "go", "github.com/hashicorp/nomad/api")).toBeUndefined(); // has its own row in the lists
  });

  it("extracts not-to-use rows from the list formats", () => {
    const go = "module\tnewest\tserved\ngo.k6.io/k6\tnot-to-use\tnone: it is under the AGPL; use something else\ngithub.com/ok/ok\tv1.0.0\tv1.0.0\n";
    expect(notToUseFromGoList(go)).toEqual([{ ecosystem: "go", name: "go.k6.io/k6", reason: "none: it is under the AGPL; use something else" }]);
    const npm =
      "name\tversion\tdownloads\tsummary\n" +
      "remotion\t4.0.541\t1\t[tested here: it has its own licence, not an open-source one: use something else] Make videos\n" +
      "vitest\t5.1.2\t1\t[tested here: 5.x asks for Node 22, a plain install takes 4.1.12] Testing\n" +
      "old-thing\tnot-to-use\t1\t[tested here: abandoned]\n" +
      "plain\t1.0.0\t1\tWe use something else in the summary, not in a tested-here note\n";
    expect(notToUseFromNpmList(npm).map((r) => r.name)).toEqual(["remotion", "old-thing"]);
  });

  it.skipIf(packageListsDir() === undefined)("is current with the package lists beside the repo (refresh: node licences/not-to-use.ts)", async () => {
    const { ecosystems, rows } = notToUseFromLists(packageListsDir() as string);
    const committed = readSnapshot().filter((r) => ecosystems.includes(r.ecosystem));
    expect(formatNotToUse(committed)).toBe(formatNotToUse(rows));
    if (ecosystems.length === 2) expect(await readFile(SNAPSHOT_PATH, "utf8")).toBe(formatNotToUse(rows));
  });
});

describe("planted violations fail the policy", () => {
  // The Go fixtures plant fictional AGPL modules (no fixture names a real barred module), barred
  // here by rows of their own beside the committed list.
  const AGPL = "none: it is under the AGPL; use something else";
  const notToUse: NotToUse[] = [
    ...readSnapshot(),
    ...["example.com/agpl/engine/v3", "example.com/agpl/loadtool", "example.com/agpl/tracestore"].map((name) => ({ ecosystem: "go" as const, name, reason: AGPL })),
  ];

  it("npm: names package, version and licence of each violation", () => {
    const findings = npmFindings(join(FIXTURES, "npm", "package-lock.fixture.json"), { root: join(FIXTURES, "npm"), modulesDir: "installed", notToUse });
    const failed = new Map(findings.filter(isFailure).map((f) => [f.name, describeFailure(f)]));
    expect([...failed.keys()].sort()).toEqual(
      [
        "agpl-thing",
        "broken-expression",
        "busl-tool",
        "from-licence-file",
        "from-manifest",
        "gpl-and",
        "internal-thing",
        "nested-gpl",
        "no-licence-anywhere",
        "remotion",
        "see-file",
        "sspl-db",
      ].sort(),
    );
    expect(failed.get("agpl-thing")).toMatch(/^npm agpl-thing@2\.1\.0: licence AGPL-3\.0-only \(from package-lock\.json\) — forbidden licence: AGPL/);
    expect(failed.get("gpl-and")).toContain("gpl-and@1.0.0: licence MIT AND GPL-3.0");
    expect(failed.get("nested-gpl")).toContain("nested-gpl@0.9.0: licence GPL-2.0-or-later");
    expect(failed.get("from-manifest")).toMatch(/from-manifest@1\.2\.3: licence GPL-2\.0-only \(from installed\/from-manifest\/package\.json\)/);
    expect(failed.get("from-licence-file")).toMatch(/from-licence-file@4\.0\.0: licence AGPL-3\.0 \(from installed\/from-licence-file\/LICENSE\) — forbidden/);
    expect(failed.get("see-file")).toMatch(/see-file@5\.0\.0: licence unknown \(from installed\/see-file\/EULA\.txt\) — unknown licence/);
    expect(failed.get("no-licence-anywhere")).toMatch(/no-licence-anywhere@0\.0\.1: licence \(none\).*not installed/);
    expect(failed.get("sspl-db")).toContain("licence SSPL-1.0");
    expect(failed.get("busl-tool")).toContain("licence BUSL-1.1");
    expect(failed.get("internal-thing")).toContain("licence UNLICENSED");
    expect(failed.get("remotion")).toMatch(/remotion@4\.0\.541: licence MIT .*on the not-to-use list: it has its own licence/);

    const passed = findings.filter((f) => !isFailure(f)).map((f) => `${f.name} ${f.licence}`);
    expect(passed.sort()).toEqual(
      ["from-legacy-licenses (MIT OR GPL-2.0)", "from-mit-file MIT", "gpl-or (MIT OR GPL-3.0)", "lgpl-lib LGPL-3.0-or-later", "ok-mit MIT", "outer ISC"].sort(),
    );
  });

  it("go: flags an AGPL module (AGPL and not-to-use), a barred module missing from the cache, and a GPL fork swapped in by a replacement", async () => {
    const infos = parseGoVersionM(await readFile(join(FIXTURES, "go", "go-version-m.txt"), "utf8"));
    const findings = await goFindings(infos, { modCache: join(FIXTURES, "go", "modcache"), notToUse, download: false });
    const failed = new Map(findings.filter(isFailure).map((f) => [f.name, describeFailure(f)]));
    expect([...failed.keys()].sort()).toEqual(["example.com/agpl/engine/v3", "example.com/agpl/loadtool", "github.com/example/gpl"]);
    expect(failed.get("example.com/agpl/engine/v3")).toMatch(
      /^go example\.com\/agpl\/engine\/v3@v3\.5\.0: licence AGPL-3\.0 \(from example\.com\/agpl\/engine\/v3@v3\.5\.0\/LICENSE\) — forbidden licence: AGPL.*; on the not-to-use list: none: it is under the AGPL.*\[in loadgen-fixture-v2, otelcol-fixture-v1\]$/,
    );
    expect(failed.get("example.com/agpl/loadtool")).toMatch(/example\.com\/agpl\/loadtool@v1\.0\.0: licence \(none\).*not in the module cache.*on the not-to-use list/);
    expect(failed.get("github.com/example/gpl")).toMatch(/github\.com\/example\/gpl@v2\.0\.0 => github\.com\/example\/gpl-fork@v2\.0\.1: licence GPL-3\.0 \(from github\.com\/example\/gpl-fork@v2\.0\.1\/COPYING\)/);
    // Allowed: the case-encoded module, the main module of a `go install`ed tool, and a shared dep once.
    expect(findings.filter((f) => !isFailure(f)).map((f) => `${f.name}@${f.version} ${f.licence}`)).toEqual([
      "github.com/Example/CasedName@v0.1.0 BSD-3-Clause",
      "github.com/example/loadgen/v2@v2.0.0 MIT",
      "github.com/example/permissive@v1.2.0 MIT",
    ]);
  });

  it("go.mod: flags requires, replacements and tools of barred modules", () => {
    const file = join(FIXTURES, "go", "barred.go.mod");
    const found = goModViolations([file], notToUse, REPO_ROOT);
    expect(found).toHaveLength(4);
    expect(found.join("\n")).toMatch(/requires example\.com\/agpl\/tracestore/);
    expect(found.join("\n")).toMatch(/requires example\.com\/agpl\/loadtool/);
    expect(found.join("\n")).toMatch(/replaces example\.com\/agpl\/engine\/v3/);
    expect(found.join("\n")).toMatch(/has tool example\.com\/agpl\/loadtool\/cmd\/loadtool/);
  });

  it("tool cache: flags k6, Loki, Tempo and Grafana builds", async () => {
    const root = await mkdtemp(join(tmpdir(), "beacon-licences-cache-"));
    try {
      for (const [dir, bin] of [["tempo-v2.8-abc", "tempo"], ["vegeta-v12.13.0", "vegeta"], ["mytools-v1", "k6"], ["x-v1", "grafana-server"]] as const) {
        await mkdir(join(root, dir, "bin"), { recursive: true });
        await writeFile(join(root, dir, "bin", bin), "");
      }
      expect(barredToolsInCache(root).map((p) => p.slice(root.length + 1))).toEqual(["mytools-v1/bin/k6", "tempo-v2.8-abc", "tempo-v2.8-abc/bin/tempo", "x-v1/bin/grafana-server"]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("Beacon's own dependencies", () => {
  const notToUse = readSnapshot();
  const ensured: { name: string; binary: string }[] = [];
  let infos: GoBuildInfo[] = [];
  let notGo: string[] = [];

  beforeAll(async () => {
    // Every Go tool tools.ts builds (collector, vegeta, ...): cold builds take minutes, so the CI
    // prebuilds them (`node stack/runner/tools.ts all`) and this is instant. One after another:
    // parallel Go builds on 2 cores only thrash.
    for (const [name, ensure] of toolEnsurers(tools as unknown as Record<string, unknown>)) ensured.push({ name, binary: await ensure() });
    // Plus whatever else lies built in the cache (the collector builder, other versions).
    const binaries = [...new Set([...ensured.map((e) => e.binary), ...cachedBinaries(tools.cacheRoot())])];
    ({ infos, notGo } = await goBuildInfos(binaries));
  }, 60 * 60_000);

  it("the project declares Apache-2.0", async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { license?: string };
    expect(pkg.license).toBe("Apache-2.0");
    expect(classifyLicenceText(await readFile(join(REPO_ROOT, "LICENSE"), "utf8"))).toEqual(["Apache-2.0"]);
  });

  it("npm: every package in package-lock.json has an allowed licence and is not on the not-to-use list", () => {
    const findings = npmFindings(join(REPO_ROOT, "package-lock.json"), { root: REPO_ROOT, notToUse });
    expect(findings.length).toBeGreaterThan(100);
    console.info(`[licences] npm: ${findings.length} packages: ${JSON.stringify(licenceBreakdown(findings))}`);
    expect(failures(findings)).toEqual([]);
  });

  it("go: every module compiled into the project's Go tools has an allowed licence and is not on the not-to-use list", async () => {
    expect(ensured.map((e) => e.name)).toContain("ensureCollector");
    const ensuredNotGo = ensured.filter((e) => notGo.includes(e.binary));
    expect(ensuredNotGo, "tools.ts built a binary without Go build info").toEqual([]);
    const collector = infos.find((i) => i.file === ensured.find((e) => e.name === "ensureCollector")?.binary);
    expect(collector?.deps.length ?? 0).toBeGreaterThan(50);
    const findings = await goFindings(infos, { modCache: await goModCache(), notToUse });
    console.info(`[licences] go: ${findings.length} modules in ${infos.map((i) => binaryLabel(i.file)).join(", ")}: ${JSON.stringify(licenceBreakdown(findings))}`);
    expect(failures(findings)).toEqual([]);
    for (const m of BARRED_GO) expect(findings.map((f) => f.name), m).not.toContain(m);
  }, 15 * 60_000);

  it("no go.mod in the repo requires, replaces or runs a not-to-use module", () => {
    expect(goModViolations(findGoModFiles(REPO_ROOT), notToUse, REPO_ROOT)).toEqual([]);
  });

  it("no k6, Loki, Tempo or Grafana build in the tool cache", () => {
    const root = tools.cacheRoot();
    expect(existsSync(root)).toBe(true);
    const found = barredToolsInCache(root);
    expect(found, `AGPL tools are never built here: delete ${found.join(", ")}`).toEqual([]);
  });
});
