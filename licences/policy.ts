// Beacon's licence policy, as pure functions (no file system, no processes): SPDX expression
// evaluation, a small classifier of licence texts, readers of npm's package-lock.json (v3) and of
// `go version -m` output, go.mod parsing, and the not-to-use list. licences/collect.ts does the I/O
// and licences/licences.test.ts applies the policy to the project and to planted violations.
//
// The policy: every npm package in the lockfile and every Go module compiled into the Go tools the
// project builds (stack/runner/tools.ts) must carry a licence from ALLOWED_LICENCES (or LGPL). AGPL, GPL (any
// version), SSPL and BUSL fail the build, and so do a missing or unrecognised licence and any
// package or module on the not-to-use list (licences/not-to-use.tsv). In particular k6, Loki,
// Tempo and Grafana (AGPL-3.0) are never built or fetched.

export type Verdict = "allowed" | "forbidden" | "unknown";

/** Licences we accept, by SPDX id. Explicit and minimal: add an id only when a dependency needs it,
 *  and only a permissive or weak (file/library-scoped) copyleft licence. */
export const ALLOWED_LICENCES: readonly string[] = [
  "MIT",
  "ISC",
  "BSD-2-Clause",
  "BSD-3-Clause",
  "0BSD",
  "Apache-2.0",
  "BlueOak-1.0.0",
  "CC0-1.0",
  "CC-BY-4.0",
  // spdx-exceptions (the SPDX exception list, data only; @pulumi/pulumi pulls it in through
  // spdx-expression-parse) is CC-BY-3.0: attribution only, like CC-BY-4.0 above.
  "CC-BY-3.0",
  "Python-2.0",
  "Unlicense",
  // MPL-2.0 is copyleft per file: only changes to the MPL'd files themselves must be shared, and
  // using them unmodified (lightningcss, HashiCorp's Go libraries) places no terms on our code.
  "MPL-2.0",
  "Zlib",
];

/** LGPL (any version, -only or -or-later) is allowed. Its copyleft covers the library itself:
 *  changes to the LGPL'd code must be shared under the LGPL, but a program that only uses the
 *  library keeps its own licence (that is the "Lesser" in the name). An npm package that requires
 *  an LGPL module is such a use. A Go binary links statically, where the LGPL (2.1 section 6,
 *  3.0 section 4) additionally asks whoever distributes the binary to let users relink it against
 *  a changed library, which shipping Beacon's own (Apache-2.0) source with a binary meets. GPL and
 *  AGPL, by contrast, extend to the whole combined program (the AGPL also to its users over a
 *  network), which an Apache-2.0 project cannot accept. */
const LGPL = /^LGPL-(2\.0|2\.1|3\.0)(-only|-or-later|\+)?$/i;

/** Licences that fail the build outright (any version, -only/-or-later/+ forms included). */
const FORBIDDEN: readonly { re: RegExp; why: string }[] = [
  { re: /^AGPL(-|$)/i, why: "AGPL: copyleft that reaches network use" },
  { re: /^GPL(-|$)/i, why: "GPL: copyleft over the whole program" },
  { re: /^SSPL-/i, why: "SSPL: not an open-source licence" },
  { re: /^BUSL-/i, why: "BUSL: source-available, not an open-source licence" },
  { re: /^UNLICENSED$/i, why: "UNLICENSED: proprietary, no licence granted" },
];

export interface LicenceEvaluation {
  readonly verdict: Verdict;
  /** The ids that made it fail (empty when allowed). */
  readonly offending: readonly string[];
  /** Why it fails, for the message. */
  readonly reason: string;
}

const allowedUpper = new Set(ALLOWED_LICENCES.map((l) => l.toUpperCase()));

/** Verdict on one SPDX licence id (no operators). */
export function evaluateLicenceId(id: string): LicenceEvaluation {
  const bare = id.trim();
  // "+" is "this version or later": allowed when the named version is.
  if (allowedUpper.has(bare.replace(/\+$/, "").toUpperCase()) || LGPL.test(bare)) return { verdict: "allowed", offending: [], reason: "" };
  for (const f of FORBIDDEN) if (f.re.test(bare)) return { verdict: "forbidden", offending: [bare], reason: f.why };
  return { verdict: "unknown", offending: [bare], reason: `"${bare}" is not on the allow-list` };
}

// ---------------------------------------------------------------------------------------------
// SPDX expressions: id ["+"] ["WITH" exception], AND binds tighter than OR, parentheses.

type SpdxNode =
  | { kind: "id"; id: string; exception?: string }
  | { kind: "and" | "or"; left: SpdxNode; right: SpdxNode };

export function parseSpdx(expression: string): SpdxNode {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (t: string | undefined, op: string) => t !== undefined && t.toUpperCase() === op;
  function primary(): SpdxNode {
    const t = tokens[pos++];
    if (t === undefined) throw new Error("unexpected end of expression");
    if (t === "(") {
      const inner = orExpr();
      if (tokens[pos++] !== ")") throw new Error("missing )");
      return inner;
    }
    if (t === ")" || isOp(t, "AND") || isOp(t, "OR") || isOp(t, "WITH")) throw new Error(`unexpected "${t}"`);
    if (isOp(peek(), "WITH")) {
      pos++;
      const exception = tokens[pos++];
      if (exception === undefined || exception === "(" || exception === ")") throw new Error("WITH needs an exception id");
      return { kind: "id", id: t, exception };
    }
    return { kind: "id", id: t };
  }
  function andExpr(): SpdxNode {
    let left = primary();
    while (isOp(peek(), "AND")) {
      pos++;
      left = { kind: "and", left, right: primary() };
    }
    return left;
  }
  function orExpr(): SpdxNode {
    let left = andExpr();
    while (isOp(peek(), "OR")) {
      pos++;
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  }
  const tree = orExpr();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]}"`);
  return tree;
}

const rank: Record<Verdict, number> = { allowed: 0, unknown: 1, forbidden: 2 };

/** AND: every operand must be allowed. */
export function allOf(parts: readonly LicenceEvaluation[]): LicenceEvaluation {
  const bad = parts.filter((p) => p.verdict !== "allowed");
  if (bad.length === 0) return { verdict: "allowed", offending: [], reason: "" };
  const worst = bad.reduce((a, b) => (rank[b.verdict] > rank[a.verdict] ? b : a));
  return { verdict: worst.verdict, offending: bad.flatMap((b) => b.offending), reason: bad.map((b) => b.reason).join("; ") };
}

/** OR: one allowed operand is enough (we take that branch). */
export function anyOf(parts: readonly LicenceEvaluation[]): LicenceEvaluation {
  if (parts.some((p) => p.verdict === "allowed")) return { verdict: "allowed", offending: [], reason: "" };
  return allOf(parts);
}

function evaluateNode(node: SpdxNode): LicenceEvaluation {
  if (node.kind === "id") {
    // An exception (e.g. GPL-2.0 WITH Classpath-exception-2.0) only widens what the base licence
    // permits; the policy judges the base licence, so GPL WITH anything still fails.
    return evaluateLicenceId(node.id);
  }
  const l = evaluateNode(node.left);
  const r = evaluateNode(node.right);
  return node.kind === "and" ? allOf([l, r]) : anyOf([l, r]);
}

/** Evaluates an SPDX licence expression: `(MIT OR GPL-3.0)` is allowed (we take MIT),
 *  `MIT AND GPL-3.0` is not. An unparseable expression is "unknown". */
export function evaluateSpdx(expression: string): LicenceEvaluation {
  let tree: SpdxNode;
  try {
    tree = parseSpdx(expression);
  } catch (err) {
    return { verdict: "unknown", offending: [expression], reason: `not a valid SPDX expression (${(err as Error).message})` };
  }
  return evaluateNode(tree);
}

// ---------------------------------------------------------------------------------------------
// Licence texts (Go modules ship a LICENSE file, not an SPDX id; some npm packages too).

/** Phrases of well-known licence texts. Titles of the GNU licences are matched in capitals, as
 *  they appear as titles: the MPL-2.0 and the LGPL mention "GNU General Public License" in their
 *  bodies, which must not read as GPL. The "under the terms of the GNU ..." forms catch the short
 *  notices that some projects put in LICENSE instead of the full text. */
const TEXT_RULES: readonly { id: string; test: (t: string) => boolean }[] = [
  { id: "AGPL-3.0", test: (t) => /GNU AFFERO GENERAL PUBLIC LICENSE/.test(t) || /terms of the GNU Affero General Public License/i.test(t) },
  { id: "SSPL-1.0", test: (t) => /Server Side Public License/i.test(t) },
  { id: "BUSL-1.1", test: (t) => /Business Source License/i.test(t) },
  {
    id: "LGPL",
    test: (t) => /GNU (LESSER|LIBRARY) GENERAL PUBLIC LICENSE/.test(t) || /terms of the GNU (Lesser|Library) General Public License/i.test(t),
  },
  { id: "GPL-3.0", test: (t) => /GNU GENERAL PUBLIC LICENSE\s+Version 3/.test(t) },
  { id: "GPL-2.0", test: (t) => /GNU GENERAL PUBLIC LICENSE\s+Version 2/.test(t) },
  { id: "GPL", test: (t) => /terms of the GNU General Public License/i.test(t) },
  { id: "MPL-2.0", test: (t) => /Mozilla Public License,? (Version|v\.?) ?2\.0/i.test(t) },
  {
    id: "Apache-2.0",
    test: (t) =>
      (/Apache License/.test(t) && /Version 2\.0/.test(t) && /TERMS AND CONDITIONS FOR USE, REPRODUCTION,? AND DISTRIBUTION/i.test(t)) ||
      /Licensed under the Apache License,? Version 2\.0/i.test(t),
  },
  { id: "MIT", test: (t) => /Permission is hereby granted, free of charge, to any person obtaining a copy/i.test(t) },
  { id: "ISC", test: (t) => /Permission to use, copy, modify, and(\/or)? distribute this software for any purpose with or without fee is hereby granted/i.test(t) },
  { id: "BSD-4-Clause", test: (t) => /Redistribution and use in source and binary forms/i.test(t) && /All advertising materials mentioning features/i.test(t) },
  {
    id: "BSD-3-Clause",
    test: (t) => /Redistribution and use in source and binary forms/i.test(t) && /endorse or promote products derived/i.test(t) && !/All advertising materials/i.test(t),
  },
  { id: "BSD-2-Clause", test: (t) => /Redistribution and use in source and binary forms/i.test(t) && !/endorse or promote products derived/i.test(t) && !/All advertising materials/i.test(t) },
  { id: "Unlicense", test: (t) => /This is free and unencumbered software released into the public domain/i.test(t) },
  { id: "CC0-1.0", test: (t) => /CC0 1\.0 Universal/i.test(t) },
  { id: "Zlib", test: (t) => /The origin of this software must not be misrepresented/i.test(t) && /Altered source versions must be plainly marked/i.test(t) },
  { id: "BlueOak-1.0.0", test: (t) => /Blue Oak Model License/i.test(t) },
];

/** The licences a licence text contains, as SPDX-like ids (GNU families without the exact
 *  version where the text does not say it); empty when none is recognised. A file that carries
 *  several (a main licence plus notices for bundled code) yields each. */
export function classifyLicenceText(text: string): string[] {
  // One line, single spaces; drop comment leaders (`//`, `#`, ` * `) of licences kept as headers.
  const flat = text.replace(/^\s*(\/\/|#|\*)/gm, " ").replace(/\s+/g, " ");
  const found = TEXT_RULES.filter((r) => r.test(flat)).map((r) => r.id);
  // The AGPL and LGPL texts name "the GNU General Public License" in their bodies.
  if (found.includes("GPL") && (found.includes("AGPL-3.0") || found.includes("LGPL")) && !/GNU GENERAL PUBLIC LICENSE/.test(flat)) {
    found.splice(found.indexOf("GPL"), 1);
  }
  if (found.includes("GPL") && (found.includes("GPL-3.0") || found.includes("GPL-2.0"))) found.splice(found.indexOf("GPL"), 1);
  return found;
}

/** Verdict on a set of licence texts (all the licence files of one package): every licence found
 *  in any of them must be allowed (conservative: we do not guess whether two files mean "and" or
 *  "or"); no recognisable licence at all is "unknown". */
export function evaluateLicenceTexts(texts: readonly { file: string; text: string }[]): LicenceEvaluation & { licence: string } {
  if (texts.length === 0) return { verdict: "unknown", offending: ["(none)"], reason: "no licence file", licence: "(none)" };
  const parts: LicenceEvaluation[] = [];
  const ids: string[] = [];
  for (const { file, text } of texts) {
    const found = classifyLicenceText(text);
    if (found.length === 0) {
      parts.push({ verdict: "unknown", offending: [`${file}: unrecognised text`], reason: `${file}: no known licence recognised` });
      ids.push("unknown");
    }
    for (const id of found) {
      parts.push(id === "LGPL" ? evaluateLicenceId("LGPL-3.0") : evaluateLicenceId(id));
      ids.push(id);
    }
  }
  return { ...allOf(parts), licence: [...new Set(ids)].join(" AND ") };
}

// ---------------------------------------------------------------------------------------------
// Not-to-use list: committed snapshot licences/not-to-use.tsv (ecosystem, name, reason).

export type Ecosystem = "go" | "npm";

export interface NotToUse {
  readonly ecosystem: Ecosystem;
  readonly name: string;
  readonly reason: string;
}

export const NOT_TO_USE_HEADER = [
  "# Packages and modules that must not be used, from the machines' package lists (go-partial.tsv:",
  "# rows marked not-to-use; npm.tsv: rows whose tested-here note says not-to-use or use something",
  "# else). Generated: refresh with `node licences/not-to-use.ts`; licences.test.ts checks it is",
  "# current wherever those lists are present. Do not edit by hand.",
  "ecosystem\tname\treason",
].join("\n");

export function formatNotToUse(rows: readonly NotToUse[]): string {
  const sorted = [...rows].sort((a, b) => a.ecosystem.localeCompare(b.ecosystem) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `${NOT_TO_USE_HEADER}\n${sorted.map((r) => `${r.ecosystem}\t${r.name}\t${r.reason.replace(/[\t\n]/g, " ")}`).join("\n")}\n`;
}

export function parseNotToUse(tsv: string): NotToUse[] {
  const rows: NotToUse[] = [];
  for (const line of tsv.split("\n")) {
    if (line === "" || line.startsWith("#") || line.startsWith("ecosystem\t")) continue;
    const [ecosystem, name, reason = ""] = line.split("\t");
    if ((ecosystem !== "go" && ecosystem !== "npm") || !name) throw new Error(`bad not-to-use row: ${JSON.stringify(line)}`);
    rows.push({ ecosystem, name, reason });
  }
  return rows;
}

/** Rows of go-partial.tsv (module, status, note) whose status column is `not-to-use`. */
export function notToUseFromGoList(tsv: string): NotToUse[] {
  const rows: NotToUse[] = [];
  for (const line of tsv.split("\n").slice(1)) {
    const [name, status, note = ""] = line.split("\t");
    if (name && status?.trim() === "not-to-use") rows.push({ ecosystem: "go", name: name.trim(), reason: note.trim() });
  }
  return rows;
}

/** Rows of npm.tsv (name, version, downloads, summary) marked not-to-use, either in the version
 *  column or by the tested-here note at the start of the summary ("... use something else"). */
export function notToUseFromNpmList(tsv: string): NotToUse[] {
  const rows: NotToUse[] = [];
  for (const line of tsv.split("\n").slice(1)) {
    if (!line.includes("not-to-use") && !line.includes("use something else")) continue; // fast path over ~18 MB
    const [name, version, , summary = ""] = line.split("\t");
    if (!name) continue;
    const note = /^\[tested here: ([^\]]*)\]/.exec(summary)?.[1];
    if (version?.trim() === "not-to-use") rows.push({ ecosystem: "npm", name, reason: (note ?? summary).trim() });
    else if (note && /not-to-use|use something else/i.test(note)) rows.push({ ecosystem: "npm", name, reason: note.trim() });
  }
  return rows;
}

/** Go module paths compare without a major-version suffix (`github.com/grafana/loki/v3` also bars
 *  `github.com/grafana/loki`), but otherwise exactly: the lists give a repository's separately
 *  licensed sub-modules their own rows (github.com/hashicorp/nomad/api is fine, nomad is not). */
function goBase(path: string): string {
  return path.replace(/\/v\d+$/, "");
}

export function findNotToUse(list: readonly NotToUse[], ecosystem: Ecosystem, name: string): NotToUse | undefined {
  if (ecosystem === "npm") return list.find((r) => r.ecosystem === "npm" && r.name === name);
  const base = goBase(name);
  return list.find((r) => r.ecosystem === "go" && goBase(r.name) === base);
}

// ---------------------------------------------------------------------------------------------
// Findings: one per package/module, and the failure message that names it.

export interface Finding {
  readonly ecosystem: Ecosystem;
  readonly name: string;
  readonly version: string;
  /** The licence as declared (SPDX expression) or as recognised from its text. */
  readonly licence: string;
  /** Where the licence came from: lockfile, package.json, a licence file, ... */
  readonly source: string;
  readonly evaluation: LicenceEvaluation;
  readonly notToUse?: NotToUse;
  /** Where the module/package is used (binary names for Go), for the message. */
  readonly usedBy?: readonly string[];
}

export function isFailure(f: Finding): boolean {
  return f.evaluation.verdict !== "allowed" || f.notToUse !== undefined;
}

export function describeFailure(f: Finding): string {
  const why: string[] = [];
  if (f.evaluation.verdict !== "allowed") why.push(`${f.evaluation.verdict} licence: ${f.evaluation.reason}`);
  if (f.notToUse) why.push(`on the not-to-use list: ${f.notToUse.reason}`);
  const used = f.usedBy && f.usedBy.length > 0 ? ` [in ${f.usedBy.join(", ")}]` : "";
  return `${f.ecosystem} ${f.name}@${f.version}: licence ${f.licence} (from ${f.source}) — ${why.join("; ")}${used}`;
}

/** Counts of licences over allowed findings, for the summary line. */
export function licenceBreakdown(findings: readonly Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.licence] = (out[f.licence] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

// ---------------------------------------------------------------------------------------------
// npm: package-lock.json v3.

export interface LockEntry {
  readonly version?: string;
  readonly name?: string;
  readonly license?: unknown;
  readonly link?: boolean;
  readonly resolved?: string;
}

export interface NpmPackage {
  /** The lockfile key, e.g. `node_modules/@scope/name` or `node_modules/a/node_modules/b`. */
  readonly key: string;
  readonly name: string;
  readonly version: string;
  readonly license: unknown;
}

/** The packages of a lockfile v3 (`packages`, minus the root project and workspace links). */
export function lockfilePackages(lock: { lockfileVersion?: number; packages?: Record<string, LockEntry> }): NpmPackage[] {
  if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) throw new Error(`expected a lockfile v2/v3 with "packages" (got lockfileVersion ${lock.lockfileVersion})`);
  const out: NpmPackage[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === "" || entry.link) continue;
    const at = key.lastIndexOf("node_modules/");
    const derived = at >= 0 ? key.slice(at + "node_modules/".length) : key; // a workspace folder
    out.push({ key, name: entry.name ?? derived, version: entry.version ?? "(no version)", license: entry.license });
  }
  return out;
}

/** An npm `license` value (SPDX string) or legacy `licenses` array/object as one SPDX expression;
 *  undefined when there is none. A legacy `licenses` array meant a choice (npm documents
 *  `[{type: "MIT"}, {type: "Apache-2.0"}]` as `(MIT OR Apache-2.0)`). */
export function declaredLicence(license: unknown, licenses?: unknown): string | undefined {
  const one = (v: unknown): string | undefined => {
    if (typeof v === "string" && v.trim() !== "") return v.trim();
    if (v && typeof v === "object" && typeof (v as { type?: unknown }).type === "string") return ((v as { type: string }).type).trim();
    return undefined;
  };
  const direct = one(license);
  if (direct) return direct;
  if (Array.isArray(licenses)) {
    const ids = licenses.map(one).filter((x): x is string => x !== undefined);
    if (ids.length === 1) return ids[0];
    if (ids.length > 1) return `(${ids.join(" OR ")})`;
  }
  return one(licenses);
}

/** `SEE LICENSE IN <file>`: npm's way to point at a non-SPDX licence file. */
export function seeLicenceIn(licence: string): string | undefined {
  return /^SEE LICEN[CS]E IN (.+)$/i.exec(licence.trim())?.[1]?.trim();
}

// ---------------------------------------------------------------------------------------------
// Go: `go version -m`, go.mod, module cache paths.

export interface GoModule {
  readonly path: string;
  readonly version: string;
  /** A `=>` replacement: the code actually compiled in. */
  readonly replacement?: { readonly path: string; readonly version: string };
}

export interface GoBuildInfo {
  readonly file: string;
  readonly goVersion: string;
  /** The main package path. */
  readonly path: string;
  readonly main?: GoModule;
  readonly deps: readonly GoModule[];
}

/** Parses the output of `go version -m FILE...` (one or more binaries). */
export function parseGoVersionM(output: string): GoBuildInfo[] {
  const infos: { file: string; goVersion: string; path: string; main?: GoModule; deps: GoModule[] }[] = [];
  let last: { holder: "main" | "dep"; index: number } | undefined;
  for (const raw of output.split("\n")) {
    if (raw.trim() === "") continue;
    if (!raw.startsWith("\t")) {
      const m = /^(.*): (go\S+)\s*$/.exec(raw);
      if (!m) throw new Error(`unexpected line in go version -m output: ${JSON.stringify(raw)}`);
      infos.push({ file: m[1] as string, goVersion: m[2] as string, path: "", deps: [] });
      last = undefined;
      continue;
    }
    const cur = infos[infos.length - 1];
    if (!cur) throw new Error(`go version -m output starts with an indented line: ${JSON.stringify(raw)}`);
    const [kind, a = "", b = ""] = raw.slice(1).split("\t");
    if (kind === "path") cur.path = a;
    else if (kind === "mod") {
      cur.main = { path: a, version: b };
      last = { holder: "main", index: 0 };
    } else if (kind === "dep") {
      cur.deps.push({ path: a, version: b });
      last = { holder: "dep", index: cur.deps.length - 1 };
    } else if (kind === "=>") {
      if (!last) throw new Error(`replacement without a module: ${JSON.stringify(raw)}`);
      const replacement = { path: a, version: b };
      if (last.holder === "main" && cur.main) cur.main = { ...cur.main, replacement };
      else if (last.holder === "dep") cur.deps[last.index] = { ...(cur.deps[last.index] as GoModule), replacement };
    }
  }
  return infos;
}

/** A short name for a built binary: its cache folder `<tool>-<version>` where it lies in
 *  `<cache>/<tool>-<version>/bin/`, else its file name. */
export function binaryLabel(file: string): string {
  const parts = file.split("/");
  return parts.length >= 3 && parts[parts.length - 2] === "bin" ? (parts[parts.length - 3] as string) : (parts[parts.length - 1] ?? file);
}

/** Go's case-encoding of module paths and versions in the module cache: `!x` for each capital X. */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** Licence file names at a module's root (pkg.go.dev looks for the same families). */
export function isLicenceFileName(name: string): boolean {
  return /^(LICEN[CS]E|COPYING|UNLICENSE)([-._].*)?$/i.test(name);
}

export interface GoModRefs {
  readonly require: readonly string[];
  readonly replace: readonly string[];
  readonly tool: readonly string[];
}

/** Module paths a go.mod requires, replaces (either side) or names as tools. */
export function parseGoMod(text: string): GoModRefs {
  const require: string[] = [];
  const replace: string[] = [];
  const tool: string[] = [];
  let block: "require" | "replace" | "tool" | "other" | undefined;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.replace(/\/\/.*$/, "").trim();
    if (line === "") continue;
    if (block) {
      if (line === ")") {
        block = undefined;
        continue;
      }
      take(block, line);
      continue;
    }
    const m = /^(require|replace|tool|exclude|retract|module|go|toolchain|godebug|ignore)\b\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, verb = "", rest = ""] = m;
    const kind = verb === "require" || verb === "replace" || verb === "tool" ? verb : "other";
    if (rest === "(") block = kind;
    else take(kind, rest);
  }
  function take(kind: "require" | "replace" | "tool" | "other", rest: string): void {
    const words = rest.split(/\s+/).map((w) => w.replace(/^"|"$/g, ""));
    if (kind === "require" && words[0]) require.push(words[0]);
    if (kind === "tool" && words[0]) tool.push(words[0]);
    if (kind === "replace") {
      const arrow = words.indexOf("=>");
      if (words[0]) replace.push(words[0]);
      const target = arrow >= 0 ? words[arrow + 1] : undefined;
      if (target && !target.startsWith(".") && !target.startsWith("/")) replace.push(target);
    }
  }
  return { require, replace, tool };
}

/** Binaries and cache folders of the AGPL Grafana-stack tools that must never be built here. */
export function isBarredToolName(name: string, kind: "binary" | "dir"): boolean {
  return kind === "binary"
    ? /^(k6|xk6|loki|logcli|tempo|tempo-cli|grafana|grafana-server|grafana-cli)(\.exe)?$/i.test(name)
    : /^(k6|xk6|loki|tempo|grafana)-/i.test(name);
}
