// Test support: runs scenarios written in the format of Loki's own LogQL correctness scripts
// (grafana/loki pkg/logql/internal/logqltest, README.md there): `load` streams, then
// `eval instant at T <query>`, `eval range from T0 to T1 step S <query>` or
// `eval select from T0 to T1 <log query>`, each followed by hand-computed expected series,
// entries, `expect empty` or `expect fail msg: …`. The scenarios (testdata/*.logqltest here) are
// this project's own, written to the semantics Loki's scripts and docs establish.
import { goParseDuration, goUnquote } from "./go-syntax.ts";
import { evaluateLogqlInstant, evaluateLogqlRange, type Labels } from "./logql.ts";
import type { LokiEntry } from "./loki-otlp-model.ts";

export interface EvalOutcome {
  /** The eval line, for naming a failing case. */
  readonly eval: string;
  /** What the script expects, normalised: `{labels} v1 v2 …` lines sorted, or `empty`, or `fail: <msg>`. */
  readonly expected: string[];
  /** What the evaluator answered, in the same form. */
  readonly actual: string[];
}

const seconds = (d: string): number => {
  const s = d === "0" ? 0 : goParseDuration(d);
  if (s === undefined) throw new Error(`logqltest: bad duration ${d}`);
  return s;
};

/** `{a="1", b="2"}` → labels; empty values are dropped, as Loki drops them on write. */
function parseSelector(sel: string): Labels {
  const out: Labels = {};
  for (const m of sel.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*")/g)) {
    const v = goUnquote(m[2] as string) as string;
    if (v !== "") out[m[1] as string] = v;
  }
  return out;
}

/** `{a="1"}` form, keys sorted, for comparing label sets. */
const key = (l: Labels) =>
  `{${Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(", ")}}`;

/** Drops a trailing `# comment` that is outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "`") quote = c;
    else if (c === "#") return line.slice(0, i);
  }
  return line;
}

/** `{labels} "line" @ T [repeat every S for N] [metadata k="v" …]`, as load and select lines write entries. */
function entrySpec(line: string) {
  const m = /^(\{.*?\})\s+("(?:[^"\\]|\\.)*"|`[^`]*`)\s+@\s+(\S+)(?:\s+\[repeat every (\S+) for (\d+)\])?(?:\s+\[metadata (.*)\])?\s*$/.exec(line.trim());
  if (!m) throw new Error(`logqltest: cannot read entry: ${line}`);
  const metadata: Labels = {};
  for (const md of (m[6] ?? "").matchAll(/("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    const k = (md[1] as string).startsWith('"') ? (goUnquote(md[1] as string) as string) : (md[1] as string);
    metadata[k] = goUnquote(`"${md[2]}"`) as string;
  }
  return {
    labels: parseSelector(m[1] as string),
    text: goUnquote(m[2] as string) as string,
    start: seconds(m[3] as string),
    step: m[4] ? seconds(m[4]) : 0,
    count: m[5] ? Number(m[5]) : 1,
    metadata,
  };
}

/** One returned entry of a log query: `{labels} "line" @ seconds`. */
const entryLine = (labels: Labels, line: string, tsSeconds: number) => `${key(labels)} ${JSON.stringify(line)} @ ${tsSeconds}`;

function loadLine(line: string, into: LokiEntry[]): void {
  const { labels, text, start, step, count, metadata } = entrySpec(line);
  for (let i = 0; i < count; i++) {
    const tsNs = BigInt(Math.round((start + i * step) * 1e9));
    into.push({ tsNs, labels, metadata: { ...metadata }, line: text.replaceAll("{{.i}}", String(i)) });
  }
}

const formatValue = (v: string) => (v === "+Inf" || v === "Inf" ? "+Inf" : v === "NaN" ? "NaN" : String(Number(v)));

/** Runs a script; returns one outcome per eval, for the test to compare. */
export function runLogqlTest(script: string): EvalOutcome[] {
  const outcomes: EvalOutcome[] = [];
  let entries: LokiEntry[] = [];
  const lines = script.split("\n").map(stripComment);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trimEnd();
    if (line.trim() === "") continue;
    if (line === "clear") {
      entries = [];
      continue;
    }
    if (line === "flush") continue; // chunk boundaries do not exist here
    if (line === "load") {
      while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1] as string)) loadLine(lines[++i] as string, entries);
      continue;
    }
    const expected: string[] = [];
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1] as string)) expected.push((lines[++i] as string).trim());
    const instant = /^eval instant at (\S+) (.*)$/.exec(line);
    const range = /^eval range from (\S+) to (\S+) step (\S+) (.*)$/.exec(line);
    const select = /^eval select from (\S+) to (\S+) (.*)$/.exec(line);
    if (!instant && !range && !select) throw new Error(`logqltest: cannot read: ${line}`);
    let actual: string[];
    let steps = 1;
    try {
      if (select) {
        const r = evaluateLogqlRange(select[3] as string, entries, { startMs: seconds(select[1] as string) * 1000, endMs: seconds(select[2] as string) * 1000, stepMs: 1000, limit: 1e6 });
        if (r.resultType !== "streams") throw new Error("not a log query");
        actual = r.result.flatMap((s) => s.values.map(([ts, l]) => entryLine(s.stream, l, Number(BigInt(ts)) / 1e9)));
      } else if (instant) {
        const r = evaluateLogqlInstant(instant[2] as string, entries, { timeMs: seconds(instant[1] as string) * 1000 });
        actual = r.result.map((s) => `${key(s.metric)} ${formatValue(s.value[1])}`);
      } else {
        const [from, to, step] = [seconds(range?.[1] as string), seconds(range?.[2] as string), seconds(range?.[3] as string)];
        steps = Math.floor((to - from) / step + 1e-9) + 1;
        const r = evaluateLogqlRange(range?.[4] as string, entries, { startMs: from * 1000, endMs: to * 1000, stepMs: step * 1000 });
        if (r.resultType !== "matrix") throw new Error("not a metric query");
        actual = r.result.map((s) => {
          const points = Array.from({ length: steps }, (_, k) => {
            const hit = s.values.find(([t]) => Math.abs(t - (from + k * step)) < 1e-6);
            return hit ? formatValue(hit[1]) : "_";
          });
          return `${key(s.metric)} ${points.join(" ")}`;
        });
      }
      if (actual.length === 0) actual = ["empty"];
    } catch (err) {
      actual = [`fail: ${(err as Error).message}`];
    }
    const normalisedExpected = expected
      .map((e) => {
        if (e === "expect empty") return "empty";
        const fail = /^expect fail(?: msg: (.*))?$/.exec(e);
        if (fail) return `fail: ${fail[1] ?? ""}`;
        if (select) {
          const spec = entrySpec(e);
          return entryLine({ ...spec.labels, ...spec.metadata }, spec.text, spec.start);
        }
        const m = /^(\{.*?\})\s+(.*)$/.exec(e) as RegExpExecArray;
        return `${key(parseSelector(m[1] as string))} ${(m[2] as string).trim().split(/\s+/).map((v) => (v === "_" ? v : formatValue(v))).join(" ")}`;
      })
      .sort();
    // A failure matches when the evaluator's message contains the expected text, as in logqltest.
    const failing = normalisedExpected.length === 1 && (normalisedExpected[0] as string).startsWith("fail: ");
    if (failing && actual.length === 1 && (actual[0] as string).startsWith("fail: ") && (actual[0] as string).includes((normalisedExpected[0] as string).slice(6))) {
      actual = normalisedExpected;
    }
    outcomes.push({ eval: line, expected: normalisedExpected, actual: actual.sort() });
  }
  return outcomes;
}
