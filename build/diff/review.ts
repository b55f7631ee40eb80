// The markdown review of content changes between two versions of generated/: dashboards,
// rows, panels and alerts added, removed, renamed, moved or changed, with each changed query,
// threshold, unit and `for` shown old → new. Panels and rows are matched by their stable id (a
// rename is one panel whose title changed). Server-managed fields (version, ...) are ignored.
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

/** A panel (or row) with where it sits: its row and its rank among that row's panels. */
interface Placed {
  readonly panel: PanelJson;
  /** The row panel it belongs to (rows themselves and panels above the first row: none). */
  readonly row: PanelJson | undefined;
}

/** Every panel and row in layout order; a panel belongs to the collapsed row holding it, or the row above it. */
function placedPanels(d: Json): Placed[] {
  const out: Placed[] = [];
  let row: PanelJson | undefined;
  for (const p of (d.panels ?? []) as PanelJson[]) {
    if (p.type === "row") {
      row = p;
      out.push({ panel: p, row: undefined });
      for (const child of p.panels ?? []) out.push({ panel: child, row: p });
    } else out.push({ panel: p, row });
  }
  return out;
}

const panelCount = (d: Json) => placedPanels(d).filter((p) => p.panel.type !== "row").length;

/**
 * Pairs the panels (or rows) of two versions of a dashboard by their stable id, so a renamed
 * panel is one panel with a new title. The build numbers panels in layout order, so an inserted
 * or moved panel shifts the ids after it: a pair must also share its title or its queries, and
 * a panel whose id changed is found again by its title (it moved). What is left with the same id
 * changed both title and queries; anything else was added or removed.
 */
function pairPanels(before: Placed[], after: Placed[]): { pairs: [Placed, Placed][]; added: Placed[]; removed: Placed[] } {
  const left = new Set(before);
  const right = new Set(after);
  const pairs: [Placed, Placed][] = [];
  const queries = (p: PanelJson) => JSON.stringify((p.targets ?? []).map(queryOf));
  const pass = (same: (a: PanelJson, b: PanelJson) => boolean) => {
    for (const a of [...left]) {
      const matches = [...right].filter((b) => same(a.panel, b.panel));
      if (matches.length !== 1) continue;
      pairs.push([a, matches[0]!]);
      left.delete(a);
      right.delete(matches[0]!);
    }
  };
  pass((a, b) => a.id !== undefined && a.id === b.id && a.title === b.title);
  pass((a, b) => a.id !== undefined && a.id === b.id && (a.targets ?? []).length > 0 && queries(a) === queries(b));
  pass((a, b) => a.title !== undefined && a.title === b.title);
  pass((a, b) => a.id !== undefined && a.id === b.id);
  return { pairs, added: [...right], removed: [...left] };
}

const rowName = (row: PanelJson | undefined) => (row === undefined ? "top" : `row "${row.title ?? `#${row.id}`}"`);

const queryOf = (t: { expr?: string; query?: string }) => t.expr ?? t.query;

function panelRows(name: string, a: PanelJson, b: PanelJson): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const at = `panel "${name}"`;
  if (a.title !== b.title) rows.push([`${at} title`, code(a.title), code(b.title)]);
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
  const size = (p: PanelJson) => {
    const g = p.gridPos as { w?: number; h?: number } | undefined;
    return g === undefined ? undefined : `${g.w ?? "?"}×${g.h ?? "?"}`;
  };
  if (size(a) !== size(b)) rows.push([`${at} size`, code(size(a)), code(size(b))]);
  const handled = new Set([...SERVER_MANAGED, "type", "title", "targets", "gridPos", "panels", "fieldConfig", "collapsed"]);
  rows.push(...genericRows(jsonChanges(a, b, handled), `${at} `, 6));
  const fa = { ...a.fieldConfig, defaults: { ...a.fieldConfig?.defaults, unit: undefined, thresholds: undefined } };
  const fb = { ...b.fieldConfig, defaults: { ...b.fieldConfig?.defaults, unit: undefined, thresholds: undefined } };
  rows.push(...genericRows(jsonChanges(fa, fb), `${at} fieldConfig.`, 6));
  return rows;
}

/** Rows added, removed, renamed; panels added, removed, moved and changed, matched by id (pairPanels). */
function panelChanges(da: Json, db: Json): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const pa = placedPanels(da);
  const pb = placedPanels(db);
  const isRow = (p: Placed) => p.panel.type === "row";
  const rowPairs = pairPanels(pa.filter(isRow), pb.filter(isRow));
  for (const r of rowPairs.added) rows.push([`row "${r.panel.title}" added`, "—", "—"]);
  for (const r of rowPairs.removed) rows.push([`row "${r.panel.title}" removed`, "—", "—"]);
  for (const [a, b] of rowPairs.pairs) if (a.panel.title !== b.panel.title) rows.push([`row "${b.panel.title}" title`, code(a.panel.title), code(b.panel.title)]);
  // A panel's row is the same row when the row pairs up with its old one.
  const rowOf = new Map(rowPairs.pairs.map(([a, b]) => [a.panel, b.panel] as const));

  const { pairs, added, removed } = pairPanels(pa.filter((p) => !isRow(p)), pb.filter((p) => !isRow(p)));
  for (const p of added) rows.push([`panel "${p.panel.title}" added`, "—", code(p.panel.targets?.map(queryOf))]);
  for (const p of removed) rows.push([`panel "${p.panel.title}" removed`, code(p.panel.targets?.map(queryOf)), "—"]);
  // Moved: into another row, or to another place among the panels that stayed in its row. Ids
  // and x/y shift whenever something above is inserted or resized; that alone is no move.
  const sameRow = (a: PanelJson | undefined, b: PanelJson | undefined) => (a === undefined ? b === undefined : rowOf.get(a) === b);
  const stayed = pairs.filter(([a, b]) => sameRow(a.row, b.row));
  const rank = (pair: [Placed, Placed], side: 0 | 1, order: Placed[]) =>
    stayed
      .filter((q) => q[side].row === pair[side].row)
      .sort((q, r) => order.indexOf(q[side]) - order.indexOf(r[side]))
      .indexOf(pair);
  for (const pair of pairs) {
    const [a, b] = pair;
    const name = b.panel.title ?? `#${b.panel.id}`;
    const where = (p: Placed, at: number) => (at >= 0 ? `${rowName(p.row)}, panel ${at + 1}` : rowName(p.row));
    if (!sameRow(a.row, b.row)) rows.push([`panel "${name}" moved`, code(rowName(a.row)), code(rowName(b.row))]);
    else if (rank(pair, 0, pa) !== rank(pair, 1, pb)) rows.push([`panel "${name}" moved`, code(where(a, rank(pair, 0, pa))), code(where(b, rank(pair, 1, pb)))]);
    rows.push(...panelRows(name, a.panel, b.panel));
  }
  return rows;
}

function dashboardSection(before: Files, after: Files): Section {
  const a = byKey(before, "dashboards/", (d) => String(d.uid));
  const b = byKey(after, "dashboards/", (d) => String(d.uid));
  const label = (d: Json) => `${d.title} (\`${d.uid}\`) — ${panelCount(d)} panels`;
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
    rows.push(...panelChanges(da, db));
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
