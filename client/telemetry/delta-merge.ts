// Folds two journaled delta snapshots of metrics into one (issue 10: clients send delta, the
// gateway adds installs up; issue 11: a long outage keeps one metrics entry per run, not one
// per flush). Sums add, histograms add bucket by bucket, gauges keep the newer value; the
// folded point spans from the older start to the newer end, so it stays in order for the
// collector's deltatocumulative. Points are matched by scope, metric and attribute set.
import { attributesKey, scopeKey, type OtlpScopeJson } from "./otlp-json.ts";

type Num = number | string | undefined;
interface Point {
  attributes?: { key: string; value: unknown }[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  asDouble?: Num;
  asInt?: Num;
  count?: Num;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: Num[];
  explicitBounds?: number[];
}
interface Metric {
  name: string;
  sum?: { dataPoints?: Point[] };
  gauge?: { dataPoints?: Point[] };
  histogram?: { dataPoints?: Point[] };
}

const num = (v: Num): number => (v === undefined ? 0 : Number(v));
const minNanos = (a?: string, b?: string) => (a === undefined ? b : b === undefined ? a : BigInt(a) <= BigInt(b) ? a : b);
const pointsOf = (m: Metric): Point[] => m.sum?.dataPoints ?? m.histogram?.dataPoints ?? m.gauge?.dataPoints ?? [];

function sameBounds(a: Point, b: Point): boolean {
  const x = a.explicitBounds ?? [];
  const y = b.explicitBounds ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** `newer` folded into `older`'s point (a fresh object; the inputs are left alone). */
function foldPoint(kind: "sum" | "histogram" | "gauge", older: Point, newer: Point): Point {
  const start = minNanos(older.startTimeUnixNano, newer.startTimeUnixNano);
  const span = { ...(start !== undefined ? { startTimeUnixNano: start } : {}) };
  if (kind === "gauge") return { ...newer, ...span };
  if (kind === "sum") {
    const value = "asInt" in newer && "asInt" in older ? { asInt: num(older.asInt) + num(newer.asInt) } : { asDouble: num(older.asDouble ?? older.asInt) + num(newer.asDouble ?? newer.asInt) };
    const { asInt: _i, asDouble: _d, ...rest } = newer;
    return { ...rest, ...span, ...value };
  }
  // Histograms recorded by one meter keep their buckets; a mismatch (a new release between the
  // two snapshots) cannot be added bucket-wise, so the newer point alone stands (never happens
  // within one run, which is all that is ever folded).
  if (!sameBounds(older, newer)) return newer;
  const counts = (newer.bucketCounts ?? []).map((c, i) => num(c) + num(older.bucketCounts?.[i]));
  return {
    ...newer,
    ...span,
    count: num(older.count) + num(newer.count),
    sum: num(older.sum) + num(newer.sum),
    bucketCounts: counts,
    ...(older.min !== undefined || newer.min !== undefined ? { min: Math.min(older.min ?? Infinity, newer.min ?? Infinity) } : {}),
    ...(older.max !== undefined || newer.max !== undefined ? { max: Math.max(older.max ?? -Infinity, newer.max ?? -Infinity) } : {}),
  };
}

/** One snapshot holding both: what `older` and then `newer` recorded. */
export function mergeDeltaScopes(older: readonly OtlpScopeJson[], newer: readonly OtlpScopeJson[]): OtlpScopeJson[] {
  const scopes = new Map<string, { scope: OtlpScopeJson; metrics: Map<string, { metric: Metric; points: Map<string, Point> }> }>();
  for (const snapshot of [older, newer]) {
    for (const s of snapshot) {
      let scope = scopes.get(scopeKey(s));
      if (!scope) scopes.set(scopeKey(s), (scope = { scope: s, metrics: new Map() }));
      for (const m of (s.metrics ?? []) as Metric[]) {
        const kind = m.sum ? "sum" : m.histogram ? "histogram" : "gauge";
        const have = scope.metrics.get(m.name);
        if (!have) {
          scope.metrics.set(m.name, { metric: m, points: new Map(pointsOf(m).map((p) => [attributesKey(p.attributes), p])) });
          continue;
        }
        have.metric = m; // the newer description, unit and temporality
        for (const p of pointsOf(m)) {
          const k = attributesKey(p.attributes);
          const prev = have.points.get(k);
          have.points.set(k, prev ? foldPoint(kind, prev, p) : p);
        }
      }
    }
  }
  return [...scopes.values()].map(({ scope, metrics }) => ({
    ...scope,
    metrics: [...metrics.values()].map(({ metric, points }) => {
      const kind = metric.sum ? "sum" : metric.histogram ? "histogram" : "gauge";
      return { ...metric, [kind]: { ...metric[kind], dataPoints: [...points.values()] } };
    }),
  }));
}
