// The markdown review of content changes between two versions of generated/: dashboards,
// panels and alerts added, removed or changed, with each changed query, threshold, unit and
// `for` shown old → new. Server-managed fields (id, version) are ignored.
import { parse as parseYaml } from "yaml";
import { jsonChanges, type JsonChange } from "./json-changes.ts";

type Files = ReadonlyMap<string, string>;
type Json = Record<string, unknown>;

/** Fields Grafana manages itself: a change there is noise in a review. */
const SERVER_MANAGED = new Set(["id", "version", "iteration", "updated", "provenance"]);

interface Section {
  readonly title: string;
  readonly added: string[];
  readonly removed: string[];
  readonly changed: { name: string; rows: [string, string, string][] }[];
}

const code = (v: unknown): string => {
  if (v === undefined) return "—";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return `\`${s.replace(/\|/g, "\\|").replace(/`/g, "ˋ").replace(/\n/g, " ")}\``;
};

function parseFile(path: string, text: string): unknown {
  return path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
}

function byKey(files: Files, prefix: string, key: (doc: Json) => string): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [path, text] of files) {
    if (path.startsWith(prefix) && path.endsWith(".json")) {
      const doc = JSON.parse(text) as Json;
      out.set(key(doc), doc);
    }
  }
  return out;
}

function genericRows(changes: JsonChange[], prefix = "", limit = 12): [string, string, string][] {
  const rows = changes.slice(0, limit).map((c): [string, string, string] => [`${prefix}${c.path}`, code(c.before), code(c.after)]);
  if (changes.length > limit) rows.push([`… ${changes.length - limit} more changes`, "", ""]);
  return rows;
}

// ---- dashboards -------------------------------------------------------------------------

interface PanelJson extends Json {
  id?: number;
  title?: string;
  type?: string;
  panels?: PanelJson[];
  targets?: { refId?: string; expr?: string; query?: string }[];
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps?: unknown[] } } };
  gridPos?: unknown;
}

function panelsOf(d: Json): Map<string, PanelJson> {
  const out = new Map<string, PanelJson>();
  for (const p of (d.panels ?? []) as PanelJson[]) {
    for (const q of p.type === "row" ? [p, ...(p.panels ?? [])] : [p]) out.set(q.title ?? `#${q.id}`, q);
  }
  return out;
}

const queryOf = (t: { expr?: string; query?: string }) => t.expr ?? t.query;

function panelRows(name: string, a: PanelJson, b: PanelJson): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const at = `panel "${name}"`;
  if (a.type !== b.type) rows.push([`${at} type`, code(a.type), code(b.type)]);
  const ua = a.fieldConfig?.defaults?.unit;
  const ub = b.fieldConfig?.defaults?.unit;
  if (ua !== ub) rows.push([`${at} unit`, code(ua), code(ub)]);
  const ta = a.fieldConfig?.defaults?.thresholds?.steps;
  const tb = b.fieldConfig?.defaults?.thresholds?.steps;
  if (JSON.stringify(ta) !== JSON.stringify(tb)) rows.push([`${at} thresholds`, code(ta), code(tb)]);
  const qa = new Map((a.targets ?? []).map((t) => [t.refId ?? "A", queryOf(t)]));
  const qb = new Map((b.targets ?? []).map((t) => [t.refId ?? "A", queryOf(t)]));
  for (const ref of new Set([...qa.keys(), ...qb.keys()])) {
    if (qa.get(ref) !== qb.get(ref)) rows.push([`${at} query ${ref}`, code(qa.get(ref)), code(qb.get(ref))]);
  }
  if (JSON.stringify(a.gridPos) !== JSON.stringify(b.gridPos)) rows.push([`${at} layout`, code(a.gridPos), code(b.gridPos)]);
  const handled = new Set([...SERVER_MANAGED, "type", "targets", "gridPos", "panels", "fieldConfig"]);
  rows.push(...genericRows(jsonChanges(a, b, handled), `${at} `, 6));
  const fa = { ...a.fieldConfig, defaults: { ...a.fieldConfig?.defaults, unit: undefined, thresholds: undefined } };
  const fb = { ...b.fieldConfig, defaults: { ...b.fieldConfig?.defaults, unit: undefined, thresholds: undefined } };
  rows.push(...genericRows(jsonChanges(fa, fb), `${at} fieldConfig.`, 6));
  return rows;
}

function dashboardSection(before: Files, after: Files): Section {
  const a = byKey(before, "dashboards/", (d) => String(d.uid));
  const b = byKey(after, "dashboards/", (d) => String(d.uid));
  const label = (d: Json) => `${d.title} (\`${d.uid}\`) — ${panelsOf(d).size} panels`;
  const section: Section = { title: "Dashboards", added: [], removed: [], changed: [] };
  for (const [uid, d] of b) if (!a.has(uid)) section.added.push(label(d));
  for (const [uid, d] of a) if (!b.has(uid)) section.removed.push(label(d));
  for (const [uid, db] of b) {
    const da = a.get(uid);
    if (!da) continue;
    const rows: [string, string, string][] = [];
    for (const field of ["title", "description", "tags", "refresh", "time"]) {
      if (JSON.stringify(da[field]) !== JSON.stringify(db[field])) rows.push([field, code(da[field]), code(db[field])]);
    }
    const pa = panelsOf(da);
    const pb = panelsOf(db);
    for (const [name, p] of pb) if (!pa.has(name)) rows.push([`panel "${name}" added`, "—", code(p.targets?.map(queryOf))]);
    for (const [name, p] of pa) if (!pb.has(name)) rows.push([`panel "${name}" removed`, code(p.targets?.map(queryOf)), "—"]);
    for (const [name, p] of pb) {
      const old = pa.get(name);
      if (old) rows.push(...panelRows(name, old, p));
    }
    rows.push(...genericRows(jsonChanges(da.templating, db.templating, SERVER_MANAGED), "variables ", 6));
    if (rows.length > 0) section.changed.push({ name: `${db.title} (\`${uid}\`)`, rows });
  }
  return section;
}

// ---- alerts -----------------------------------------------------------------------------

interface RuleJson extends Json {
  uid?: string;
  title: string;
  for?: string;
  condition?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  data?: { refId: string; model?: Json }[];
}

function rulesOf(files: Files): Map<string, RuleJson & { group: string }> {
  const out = new Map<string, RuleJson & { group: string }>();
  for (const [, g] of byKey(files, "alerting/rule-groups/", (d) => String(d.title))) {
    for (const r of (g.rules ?? []) as RuleJson[]) out.set(r.title, { ...r, group: String(g.title) });
  }
  return out;
}

/** The parts of an alert reviewers care about, flattened: queries, thresholds, for, severity. */
function alertFacts(r: RuleJson): Map<string, unknown> {
  const facts = new Map<string, unknown>([
    ["for", r.for],
    ["severity", r.labels?.severity],
    ["condition", r.condition],
    ["summary", r.annotations?.summary],
  ]);
  for (const d of r.data ?? []) {
    const m = d.model ?? {};
    if (m.expr !== undefined) facts.set(`query ${d.refId}`, m.expr);
    if (m.type === "threshold" || m.type === "classic_conditions") {
      facts.set(`threshold ${d.refId}`, (m.conditions as { evaluator?: unknown }[] | undefined)?.map((c) => c.evaluator));
    } else if (m.type === "math") facts.set(`math ${d.refId}`, m.expression);
    else if (m.type === "reduce") facts.set(`reduce ${d.refId}`, m.reducer);
  }
  return facts;
}

function alertSection(before: Files, after: Files): Section {
  const a = rulesOf(before);
  const b = rulesOf(after);
  const section: Section = { title: "Alerts", added: [], removed: [], changed: [] };
  const label = (r: RuleJson & { group: string }) => `${r.title} (${r.labels?.severity ?? "no severity"}, group ${r.group}, for ${r.for ?? "—"})`;
  for (const [k, r] of b) if (!a.has(k)) section.added.push(label(r));
  for (const [k, r] of a) if (!b.has(k)) section.removed.push(label(r));
  for (const [k, rb] of b) {
    const ra = a.get(k);
    if (!ra) continue;
    const fa = alertFacts(ra);
    const fb = alertFacts(rb);
    const rows: [string, string, string][] = [];
    for (const f of new Set([...fa.keys(), ...fb.keys()])) {
      if (JSON.stringify(fa.get(f)) !== JSON.stringify(fb.get(f))) rows.push([f, code(fa.get(f)), code(fb.get(f))]);
    }
    const rest = (r: RuleJson) => ({ ...r, data: undefined, for: undefined, condition: undefined, group: undefined });
    rows.push(...genericRows(jsonChanges(rest(ra), rest(rb), SERVER_MANAGED)));
    if (rows.length > 0) section.changed.push({ name: rb.title, rows });
  }
  return section;
}

// ---- everything else --------------------------------------------------------------------

function otherSection(before: Files, after: Files): Section {
  const covered = (p: string) => p.startsWith("dashboards/") || p.startsWith("alerting/rule-groups/") || p === "manifest.json";
  const section: Section = { title: "Other content (recording rules, notification, saved queries, provisioning)", added: [], removed: [], changed: [] };
  for (const p of after.keys()) if (!covered(p) && !before.has(p)) section.added.push(`\`${p}\``);
  for (const p of before.keys()) if (!covered(p) && !after.has(p)) section.removed.push(`\`${p}\``);
  for (const [p, text] of after) {
    const old = before.get(p);
    if (covered(p) || old === undefined || old === text) continue;
    const rows = genericRows(jsonChanges(parseFile(p, old), parseFile(p, text), SERVER_MANAGED), "", 20);
    section.changed.push({ name: `\`${p}\``, rows: rows.length > 0 ? rows : [["(formatting only)", "", ""]] });
  }
  return section;
}

function render(s: Section): string[] {
  if (s.added.length + s.removed.length + s.changed.length === 0) return [];
  const lines = [`### ${s.title}`, ""];
  for (const x of s.added) lines.push(`- ➕ added: ${x}`);
  for (const x of s.removed) lines.push(`- ➖ removed: ${x}`);
  for (const c of s.changed) {
    lines.push(`- ✏️ changed: ${c.name}`, "", "  | what | old | new |", "  |---|---|---|");
    for (const [what, a, b] of c.rows) lines.push(`  | ${what} | ${a} | ${b} |`);
    lines.push("");
  }
  return [...lines, ""];
}

export function reviewMarkdown(before: Files, after: Files, base: string): string {
  const sections = [dashboardSection(before, after), alertSection(before, after), otherSection(before, after)];
  const count = (s: Section) => `${s.added.length} added, ${s.removed.length} removed, ${s.changed.length} changed`;
  const body = sections.flatMap(render);
  return [
    `## Beacon content review: \`${base}\` → working tree`,
    "",
    `**Dashboards:** ${count(sections[0] as Section)} · **Alerts:** ${count(sections[1] as Section)} · **Other files:** ${count(sections[2] as Section)}`,
    "",
    ...(body.length > 0 ? body : ["No content changes.", ""]),
  ].join("\n");
}
