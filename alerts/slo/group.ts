// One rule group per SLO: the error ratio recorded over every window, a page and a ticket alert
// on the workbook's window pairs, and the promtool cases that prove them: the page fires within
// two minutes of a total outage, stays quiet at 0.9× each pair's burn rate, resolves once the
// short window has seen only recovery, and does not page below the traffic floor; the ticket
// fires on a slow burn and stays quiet under 1×.
import type { SloDecl } from "../../catalog/index.ts";
import { LABELS } from "../../catalog/index.ts";
import { SLO_UID } from "../../dashboards/uids.ts";
import type { Matchers } from "../../queries/promql.ts";
import { INSTANCE, JOB, series } from "../define.ts";
import type { AlertCase, AlertRule, BurnWindowPair, InputSeries, RecordingCase, RuleGroup } from "../types.ts";
import {
  burnQuery,
  describePairs,
  errorBudget,
  PAGE_PAIRS,
  SLO_WINDOWS,
  sloErrorRatio,
  sloRecordName,
  TICKET_PAIRS,
} from "./rules.ts";

export const PAGE_FOR = "1m";
export const TICKET_FOR = "15m";

/** Titles of the SLO dashboard's panels; alerts point at the burn-rate panel. */
export const sloPanelTitle = {
  budgetLeft: (slo: SloDecl) => `${slo.title}: budget left`,
  burnRate: (slo: SloDecl) => `${slo.title}: burn rate`,
  exhaustion: (slo: SloDecl) => `${slo.title}: time to exhaustion`,
  errorRatio: (slo: SloDecl) => `${slo.title}: error ratio`,
} as const;

export const pageAlertName = (slo: SloDecl) => `${slo.name}ErrorBudgetPage`;
export const ticketAlertName = (slo: SloDecl) => `${slo.name}ErrorBudgetTicket`;
export const sloGroupName = (slo: SloDecl) => `slo-${slo.id}`;

const percent = (objective: number) => `${Number((objective * 100).toPrecision(10))}%`;

function burnAlert(slo: SloDecl, kind: "page" | "ticket"): AlertRule {
  const pairs = kind === "page" ? PAGE_PAIRS : TICKET_PAIRS;
  return {
    name: kind === "page" ? pageAlertName(slo) : ticketAlertName(slo),
    severity: kind === "page" ? "critical" : "warning",
    service: slo.service,
    for: kind === "page" ? PAGE_FOR : TICKET_FOR,
    condition: { kind: "burn", query: burnQuery(slo, pairs, "recorded"), grafanaQuery: burnQuery(slo, pairs, "raw"), slo: slo.id, pairs },
    alsoUses: { minEventsPerHour: slo.minEventsPerHour },
    summary: kind === "page" ? `${slo.title}: the error budget burns fast.` : `${slo.title}: the error budget burns steadily.`,
    description: (v) =>
      `{{ $labels.${JOB} }} spends its ${percent(slo.objective)} ${slo.title.toLowerCase()} error budget {{ printf "%.1f" ${v} }}× as fast as the ${slo.period} period allows (${kind}: ${describePairs(pairs)}).`,
    panel: { dashboardUid: SLO_UID, panelTitle: sloPanelTitle.burnRate(slo) },
  };
}

// ---- promtool inputs -------------------------------------------------------------------

/**
 * A stretch of traffic: `perMinute` events a minute of which `badPerMinute` are bad. For a
 * sessions SLO, `perMinute` is how many sessions start a minute (0: no new session, one long
 * one already running) and `badPerMinute` how many sessions crash a minute.
 */
export interface Phase {
  readonly minutes: number;
  readonly perMinute: number;
  readonly badPerMinute: number;
}

const num = (n: number) => String(Number(n.toPrecision(12)));

/** promtool's expanding notation for a counter growing by `step(phase)` a minute from 0. */
function counterValues(phases: readonly Phase[], step: (p: Phase) => number): string {
  let value = 0;
  const parts = ["0"];
  for (const p of phases) {
    const d = step(p);
    parts.push(`${num(value + d)}+${num(d)}x${p.minutes - 1}`);
    value += d * p.minutes;
  }
  return parts.join(" ");
}

/** Example labels of good and bad events, per SLO; the catalog checks them like any query. */
const FIXTURES: Readonly<Record<string, { good: Matchers; bad?: Matchers }>> = {
  "server-availability": {
    good: { [LABELS.HTTP_ROUTE.name]: "/api/chatrooms", [LABELS.HTTP_METHOD.name]: "GET", [LABELS.HTTP_STATUS_CODE.name]: "200" },
    bad: { [LABELS.HTTP_ROUTE.name]: "/api/chatrooms/:id/messages", [LABELS.HTTP_METHOD.name]: "POST", [LABELS.HTTP_STATUS_CODE.name]: "503" },
  },
  // The latency histogram has no method label (the route implies it).
  "server-latency": { good: { [LABELS.HTTP_ROUTE.name]: "/api/chatrooms", [LABELS.HTTP_STATUS_CODE.name]: "200" } },
  "client-message-send": { good: { [LABELS.SUCCESS.name]: "true" } },
  "client-api-success": {
    good: { [LABELS.API_ENDPOINT.name]: "/api/chatrooms", [LABELS.HTTP_METHOD.name]: "GET", [LABELS.HTTP_STATUS_CODE.name]: "200" },
    bad: { [LABELS.API_ENDPOINT.name]: "/api/chatrooms", [LABELS.HTTP_METHOD.name]: "GET", [LABELS.HTTP_STATUS_CODE.name]: "0" },
  },
  "client-crash-free": { good: {} },
};

/** Input series of an SLO for the given phases, built from its SLI. */
export function sloInput(slo: SloDecl, phases: readonly Phase[]): InputSeries[] {
  const fixture = FIXTURES[slo.id];
  if (fixture === undefined) throw new Error(`alerts/slo/group.ts: no promtool fixture labels for SLO ${slo.id}`);
  const base = { [JOB]: slo.service, [INSTANCE]: "a" };
  const sli = slo.sli;
  switch (sli.kind) {
    case "errors":
      return [
        series(sli.metric, { ...base, ...fixture.good }, counterValues(phases, (p) => p.perMinute - p.badPerMinute)),
        series(sli.metric, { ...base, ...(fixture.bad ?? {}) }, counterValues(phases, (p) => p.badPerMinute)),
      ];
    case "latency":
      // Good events land in the threshold's bucket; bad ones are slower (only the count grows).
      return [
        series(sli.metric, { ...base, ...fixture.good, le: String(sli.thresholdSeconds) }, counterValues(phases, (p) => p.perMinute - p.badPerMinute), "bucket"),
        series(sli.metric, { ...base, ...fixture.good }, counterValues(phases, (p) => p.perMinute), "count"),
      ];
    case "sessions":
      // `perMinute` sessions start a minute (the counter each process takes from 0 to 1), `badPerMinute` of them crash.
      return [
        series(sli.sessions, base, counterValues(phases, (p) => p.perMinute)),
        series(sli.crashes, { ...base, [LABELS.ERROR_AREA.name]: "main", ...sli.bad } as Matchers, counterValues(phases, (p) => p.badPerMinute)),
      ];
  }
}

/**
 * The burn rate over `window` minutes at minute `at`, as Prometheus computes it on these
 * inputs (evaluations at whole minutes, every window fully inside the input): the expected
 * value of a firing case's description.
 */
export function expectedBurn(slo: SloDecl, phases: readonly Phase[], at: number, window: number): number {
  return expectedRatio(slo, phases, at, window) / errorBudget(slo);
}

/** The error ratio over `window` minutes at minute `at` (see expectedBurn). */
export function expectedRatio(slo: SloDecl, phases: readonly Phase[], at: number, window: number): number {
  const cumulative = (minute: number, step: (p: Phase) => number) => {
    let value = 0;
    let t = 0;
    for (const p of phases) {
      const span = Math.min(p.minutes, Math.max(0, minute - t));
      value += step(p) * span;
      t += p.minutes;
    }
    return value;
  };
  const from = Math.max(0, at - window);
  const bad = cumulative(at, (p) => p.badPerMinute) - cumulative(from, (p) => p.badPerMinute);
  const total = cumulative(at, (p) => p.perMinute) - cumulative(from, (p) => p.perMinute);
  return bad / total;
}

// ---- the cases -----------------------------------------------------------------------------

interface Traffic {
  /** Events a minute of healthy traffic (for sessions: sessions starting a minute). */
  readonly normal: number;
  /** Below the floor (0 for sessions: one long session, no new one). */
  readonly low: number;
}

function trafficOf(slo: SloDecl): Traffic {
  // 1000 a minute keeps every ratio below exact in the inputs; low stays under the floor.
  return { normal: 1000, low: Math.floor((slo.minEventsPerHour / 60) * 0.8) };
}

const healthy = (minutes: number, t: Traffic): Phase => ({ minutes, perMinute: t.normal, badPerMinute: 0 });
const burning = (minutes: number, t: Traffic, share: number): Phase => ({ minutes, perMinute: t.normal, badPerMinute: t.normal * share });
const outage = (minutes: number, perMinute: number): Phase => ({ minutes, perMinute, badPerMinute: perMinute === 0 ? 1 / minutes : perMinute });

const minutes = (m: number) => `${m}m`;

export function sloAlertCases(slo: SloDecl): AlertCase[] {
  const t = trafficOf(slo);
  const budget = errorBudget(slo);
  const page = pageAlertName(slo);
  const ticket = ticketAlertName(slo);
  const rule = burnAlert(slo, "page");
  const ticketRule = burnAlert(slo, "ticket");
  const job = { [JOB]: slo.service };
  const fired = (r: AlertRule, burn: number) => ({
    labels: job,
    description: r.description("$value").replace(`{{ printf "%.1f" $value }}`, burn.toFixed(1)).replace(`{{ $labels.${JOB} }}`, slo.service),
  });

  const [fast, slow] = PAGE_PAIRS as [BurnWindowPair, BurnWindowPair];
  const [ticketFast] = TICKET_PAIRS as [BurnWindowPair];
  const outagePhases = [healthy(60, t), outage(120, t.normal)];
  const recovery = [healthy(60, t), outage(10, t.normal), healthy(60, t)];
  const slowTicket = [burning(180, t, 4 * budget)];
  const fastBurn = (share: number) => [healthy(360, t), burning(60, t, share * fast.factor * budget)];
  const slowBurn = (share: number) => [burning(420, t, share * slow.factor * budget)];
  return [
    {
      alert: page,
      evalTime: minutes(62),
      // An hour of healthy traffic, then every event fails from minute 60: pending at 61, firing at 62.
      input: sloInput(slo, outagePhases),
      fires: [fired(rule, expectedBurn(slo, outagePhases, 62, 60))],
    },
    {
      alert: page,
      evalTime: minutes(420),
      input: sloInput(slo, fastBurn(0.9)),
      fires: [],
      why: `an hour at 0.9 × ${fast.factor}× the budget after six healthy hours: under ${fast.factor}× over ${fast.long} and, diluted, under ${slow.factor}× over ${slow.long}`,
    },
    {
      alert: page,
      evalTime: minutes(420),
      input: sloInput(slo, slowBurn(0.9)),
      fires: [],
      why: `seven hours at 0.9 × ${slow.factor}× the budget: under ${slow.factor}× over ${slow.long} and ${slow.short}, far under ${fast.factor}×`,
    },
    {
      alert: page,
      evalTime: minutes(420),
      // Control of the quiet case above: the same hour at 1.25 × the fast burn rate pages.
      input: sloInput(slo, fastBurn(1.25)),
      fires: [fired(rule, expectedBurn(slo, fastBurn(1.25), 420, 60))],
    },
    {
      alert: page,
      evalTime: minutes(420),
      // Control of the quiet case above: seven hours at 1.25 × the slow burn rate page.
      input: sloInput(slo, slowBurn(1.25)),
      fires: [fired(rule, expectedBurn(slo, slowBurn(1.25), 420, 360))],
    },
    {
      alert: page,
      evalTime: minutes(65),
      // A ten-minute outage from minute 60: firing while it lasts.
      input: sloInput(slo, recovery),
      fires: [fired(rule, expectedBurn(slo, recovery, 65, 60))],
    },
    {
      alert: page,
      evalTime: minutes(100),
      input: sloInput(slo, recovery),
      fires: [],
      why: `recovered at minute 70: by minute 100 the ${slow.short} and ${fast.short} short windows hold only healthy traffic, so the page has resolved`,
    },
    {
      alert: page,
      evalTime: minutes(62),
      input: sloInput(slo, [outage(120, t.low)]),
      fires: [],
      why: `every event fails, but ${t.low === 0 ? "one client in one session" : `${t.low} events a minute`} is under the floor of ${slo.minEventsPerHour} events an hour`,
    },
    {
      alert: ticket,
      evalTime: minutes(120),
      // 4× the budget from the start: over 3× on 1d and 2h, under the page's 6×.
      input: sloInput(slo, slowTicket),
      fires: [fired(ticketRule, expectedBurn(slo, slowTicket, 120, 120))],
    },
    {
      alert: ticket,
      evalTime: minutes(360),
      input: sloInput(slo, [burning(420, t, 0.9 * budget)]),
      fires: [],
      why: `0.9× the budget spends it no faster than the ${slo.period} period allows: under ${ticketFast.factor}× and 1× on every pair`,
    },
  ];
}

/**
 * One promql_expr_test per recorded window: a constant share of bad events. 1/256 keeps every
 * count exact in binary, so the expected ratio is the very float Prometheus computes.
 */
export function sloRecordingCases(slo: SloDecl): RecordingCase[] {
  const t = trafficOf(slo);
  const share = 1 / 256;
  const phases = [burning(30, t, share)];
  const at = 20;
  return SLO_WINDOWS.map((w) => {
    const windowMinutes = Math.min(at, seconds(w) / 60);
    return {
      record: sloRecordName(slo, w),
      evalTime: minutes(at),
      input: sloInput(slo, phases),
      samples: [{ labels: { [JOB]: slo.service }, value: expectedRatio(slo, phases, at, windowMinutes) }],
    };
  });
}

function seconds(d: string): number {
  const m = /^(\d+)([mhd])$/.exec(d);
  if (!m) throw new Error(`"${d}" is not a window`);
  return Number(m[1]) * { m: 60, h: 3600, d: 86400 }[m[2] as "m" | "h" | "d"];
}

export function sloRuleGroup(slo: SloDecl): RuleGroup {
  return {
    name: sloGroupName(slo),
    interval: "1m",
    thresholds: { minEventsPerHour: slo.minEventsPerHour },
    recordings: SLO_WINDOWS.map((w) => ({ record: sloRecordName(slo, w), expr: sloErrorRatio(slo, w) })),
    alerts: [burnAlert(slo, "page"), burnAlert(slo, "ticket")],
    alertCases: sloAlertCases(slo),
    recordingCases: sloRecordingCases(slo),
  };
}
