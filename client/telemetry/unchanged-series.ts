// Delta collections hold only the series that changed since the last one (the SDK's delta
// temporality). Downstream, deltatocumulative (the gateway, the local stack) writes a sample
// only for the streams a request carries, so a series that moved once (one fatal error, one
// failed send) would reach Prometheus as a single sample: rate() and increase() need two, and
// the series would go stale after 5 minutes. So every sum and histogram series this process has
// exported is exported again in each collection, with a zero delta when it did not change: the
// stream keeps one sample per flush, exactly as cumulative export had it. (The client has no
// gauges: the catalog refuses them.) The registry is bounded by MAX_RESENT_SERIES.
import { attributesKey, scopeKey, type OtlpScopeJson } from "./otlp-json.ts";

type Kv = { key: string; value: unknown };
interface Point {
  attributes?: Kv[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  explicitBounds?: number[];
  bucketCounts?: unknown[];
  [field: string]: unknown;
}
interface Metric {
  name: string;
  sum?: { dataPoints?: Point[] };
  histogram?: { dataPoints?: Point[] };
  gauge?: { dataPoints?: Point[] };
}
interface Known {
  /** The metric without its points: name, unit, description, temporality. */
  shape: Metric;
  kind: "sum" | "histogram";
  /**
   * Per attribute set: its attributes, bounds (histograms), the end of its last delta, and the
   * collection that last carried it.
   */
  series: Map<string, { attributes: Kv[]; explicitBounds?: number[]; lastTime: string; seenIn: number }>;
}

/** The latest point time in a collection (all of one SDK collection share it). */
function collectionTime(scopes: OtlpScopeJson[]): string | undefined {
  let latest: bigint | undefined;
  for (const s of scopes)
    for (const m of (s.metrics ?? []) as Metric[])
      for (const p of ((m.sum ?? m.histogram ?? m.gauge) as { dataPoints?: Point[] } | undefined)?.dataPoints ?? []) {
        if (p.timeUnixNano !== undefined && (latest === undefined || BigInt(p.timeUnixNano) > latest)) latest = BigInt(p.timeUnixNano);
      }
  return latest?.toString();
}

/**
 * Series re-sent at most. The catalog's worst case is ~5,100 per install (`npm run lint` prints
 * it); past this, a new series is still exported whenever it changes, just not re-sent, so a
 * flood of label values (a hostile server's status codes) cannot grow every delta to the
 * journal's 10,000-item entry bound and get all of them dropped.
 */
export const MAX_RESENT_SERIES = 6_000;

export class UnchangedSeries {
  /** scope name@version → metric name → what was exported. */
  readonly #known = new Map<string, { scope: OtlpScopeJson["scope"]; metrics: Map<string, Known> }>();
  #size = 0;
  #collections = 0;

  /**
   * Adds, in place, a zero delta for every known series the collection lacks, and learns the new
   * ones. The zeros end at the collection's own time (the SDK's clock, not Date.now(): a zero
   * stamped later than the series' next real delta would put that delta out of order downstream).
   */
  complete(scopes: OtlpScopeJson[]): OtlpScopeJson[] {
    const now = collectionTime(scopes);
    if (now === undefined) return scopes;
    const collection = ++this.#collections;
    for (const s of scopes) {
      let scope = this.#known.get(scopeKey(s));
      if (!scope) this.#known.set(scopeKey(s), (scope = { scope: s.scope, metrics: new Map() }));
      for (const m of (s.metrics ?? []) as Metric[]) {
        const kind = m.sum ? "sum" : m.histogram ? "histogram" : null;
        if (!kind) continue;
        let known = scope.metrics.get(m.name);
        if (!known) {
          const { dataPoints: _points, ...body } = m[kind]!;
          scope.metrics.set(m.name, (known = { shape: { ...m, [kind]: body }, kind, series: new Map() }));
        }
        for (const p of m[kind]!.dataPoints ?? []) {
          const k = attributesKey(p.attributes);
          if (!known.series.has(k)) {
            if (this.#size >= MAX_RESENT_SERIES) continue;
            this.#size++;
          }
          known.series.set(k, { attributes: p.attributes ?? [], ...(p.explicitBounds ? { explicitBounds: p.explicitBounds } : {}), lastTime: p.timeUnixNano ?? now, seenIn: collection });
        }
      }
    }
    for (const [sKey, scope] of this.#known) {
      for (const [name, known] of scope.metrics) {
        const zeros: Point[] = [];
        for (const series of known.series.values()) {
          if (series.seenIn === collection) continue;
          const span = { attributes: series.attributes, startTimeUnixNano: series.lastTime, timeUnixNano: now };
          const bounds = series.explicitBounds ?? [];
          zeros.push(known.kind === "sum" ? { ...span, asDouble: 0 } : { ...span, count: 0, sum: 0, bucketCounts: [...bounds, 0].map(() => 0), explicitBounds: bounds });
          series.lastTime = now;
        }
        if (zeros.length === 0) continue;
        let target = scopes.find((s) => scopeKey(s) === sKey);
        if (!target) scopes.push((target = { scope: scope.scope, metrics: [] }));
        const metrics = (target.metrics ??= []) as Metric[];
        const have = metrics.find((m) => m.name === name);
        if (have) have[known.kind]!.dataPoints!.push(...zeros);
        else metrics.push({ ...known.shape, [known.kind]: { ...known.shape[known.kind], dataPoints: zeros } });
      }
    }
    return scopes;
  }
}
