// PromQL of an SLO: its events over a window, the error ratio recorded per window, and the
// multi-window, multi-burn-rate conditions of the SRE workbook (chapter 5, "Alerting on SLOs",
// alert 6): page on 14.4× over 1 h and 5 m or 6× over 6 h and 30 m; ticket on 3× over 1 d and
// 2 h or 1× over 3 d and 6 h. Everything is derived from the catalog declaration (catalog/slos.ts).
import type { SloDecl, SloMatchers } from "../../catalog/index.ts";
import { increase, sumBy, type Matchers } from "../../queries/promql.ts";
import { JOB } from "../define.ts";
import type { BurnWindowPair, Duration } from "../types.ts";

/** Every window an SLO records its error ratio over: the long and short windows of all pairs. */
export const SLO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const satisfies readonly Duration[];
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** The workbook's pairs. A page wakes someone up; a ticket waits for working hours. */
export const PAGE_PAIRS: readonly BurnWindowPair[] = [
  { factor: 14.4, long: "1h", short: "5m" },
  { factor: 6, long: "6h", short: "30m" },
];
export const TICKET_PAIRS: readonly BurnWindowPair[] = [
  { factor: 3, long: "1d", short: "2h" },
  { factor: 1, long: "3d", short: "6h" },
];
export const ALL_PAIRS: readonly BurnWindowPair[] = [...PAGE_PAIRS, ...TICKET_PAIRS];

/** The window the traffic floor counts events over: the page's longest short-lived window. */
export const FLOOR_WINDOW = "1h";

/** Labels an SLO's series are aggregated by: one series per service (job). */
export const SLO_BY = [JOB] as const;

/** 1 − objective, rounded so 1 − 0.999 prints as 0.001 and not 0.0010000000000000009. */
export function errorBudget(slo: SloDecl): number {
  return Number((1 - slo.objective).toPrecision(10));
}

const underscored = (id: string) => id.replace(/-/g, "_");

/** `job:<slo>_slo_errors:ratio_rate<window>` (level:metric:operation). */
export function sloRecordName(slo: SloDecl, window: Duration): string {
  return `${JOB}:${underscored(slo.id)}_slo_errors:ratio_rate${window}`;
}

/** The catalog's SLO matchers are the query builders' matchers (same shape, no import cycle). */
const asMatchers = (m: SloMatchers | undefined): Matchers => m ?? {};

/** All events of the SLO over `window`, per job. */
export function sloTotal(slo: SloDecl, window: Duration): string {
  const sli = slo.sli;
  switch (sli.kind) {
    case "errors":
      return sumBy(SLO_BY, increase(sli.metric, asMatchers(sli.base), window));
    case "latency":
      return sumBy(SLO_BY, increase(sli.metric, asMatchers(sli.base), window, "count"));
    case "sessions":
      // Each process takes the counter from 0 to 1 (client/telemetry: session start).
      return sumBy(SLO_BY, increase(sli.sessions, {}, window));
  }
}

/**
 * Bad events over `window`, per job. When no bad (or no good) series exists yet, the count
 * falls back to 0 × total, so a healthy service has an error ratio of 0 and not "no data".
 */
export function sloErrors(slo: SloDecl, window: Duration): string {
  const sli = slo.sli;
  const total = sloTotal(slo, window);
  switch (sli.kind) {
    case "errors":
      return `(${sumBy(SLO_BY, increase(sli.metric, { ...asMatchers(sli.base), ...asMatchers(sli.bad) }, window))} or 0 * ${total})`;
    case "latency": {
      const good = sumBy(SLO_BY, increase(sli.metric, { ...asMatchers(sli.base), ...asMatchers(sli.good), le: String(sli.thresholdSeconds) }, window, "bucket"));
      return `(${total} - (${good} or 0 * ${total}))`;
    }
    case "sessions":
      return `(${sumBy(SLO_BY, increase(sli.crashes, asMatchers(sli.bad), window))} or 0 * ${total})`;
  }
}

/** Share of bad events over `window` (0–1), per job: what the recording rules record. */
export function sloErrorRatio(slo: SloDecl, window: Duration): string {
  return `${sloErrors(slo, window)} / ${sloTotal(slo, window)}`;
}

/**
 * One pair's condition; its value is the burn rate over the long window. `ratio` gives the
 * error ratio of a window: the recording rule, or the raw expression for Grafana.
 */
export function pairCondition(slo: SloDecl, pair: BurnWindowPair, ratio: (w: Duration) => string): string {
  const budget = errorBudget(slo);
  return `(${ratio(pair.long)}) / ${budget} > ${pair.factor} and (${ratio(pair.short)}) / ${budget} > ${pair.factor}`;
}

/** Any pair burning, where the service saw at least `minEventsPerHour` events in the last hour. */
export function burnQuery(slo: SloDecl, pairs: readonly BurnWindowPair[], form: "recorded" | "raw"): string {
  const ratio = form === "recorded" ? (w: Duration) => sloRecordName(slo, w) : (w: Duration) => sloErrorRatio(slo, w);
  const any = pairs.map((p) => `(${pairCondition(slo, p, ratio)})`).join(" or ");
  return `(${any}) and on (${SLO_BY.join(", ")}) (${sloTotal(slo, FLOOR_WINDOW)} > ${slo.minEventsPerHour})`;
}

/** "14.4× over 1h and 5m, or 6× over 6h and 30m" */
export function describePairs(pairs: readonly BurnWindowPair[]): string {
  return pairs.map((p) => `${p.factor}× over ${p.long} and ${p.short}`).join(", or ");
}

/** Duration in seconds of an SLO period or window ("30d" → 2592000). */
export function seconds(d: Duration): number {
  const m = /^(\d+)([smhdw])$/.exec(d);
  if (!m) throw new Error(`"${d}" is not a single-unit duration`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as "s" | "m" | "h" | "d" | "w"];
}
