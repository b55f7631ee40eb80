// Chat WebSocket health as users feel it: connections failing, or reconnecting in a loop.
// Both are normalised per open connection, so the thresholds hold whatever the user count.
import { CLIENT_SERVICE, LABELS, METRICS } from "../../catalog/index.ts";
import { clampMin, rate, sumBy, type Matchers } from "../../queries/promql.ts";
import { RENDERER_METRICS_INTERVAL_MS } from "../../client/renderer/telemetry/renderer-metrics.ts";
import { CLIENT_OVERVIEW_UID } from "../../dashboards/uids.ts";
import { above, INSTANCE, JOB, series } from "../define.ts";
import type { RuleGroup } from "../types.ts";

export const THRESHOLDS = {
  /** Connection errors per open connection per minute; healthy churn stays well under 0.05. */
  errorsPerConnectionPerMinute: 0.2,
  /** Reconnects per open connection per minute: more than one a minute is a loop, not a blip. */
  reconnectsPerConnectionPerMinute: 1,
} as const;

const WINDOW = "5m";
const SOURCE = LABELS.CONNECTION_SOURCE.name;
const BY = [JOB, SOURCE];

/** Seconds between two observations of a window's open connections (each send of the renderer's metrics to main). */
export const CONNECTIONS_SAMPLE_S = RENDERER_METRICS_INTERVAL_MS / 1000;

/**
 * Open connections across the fleet, estimated: each renderer window observes its open
 * connections per streamer once per send to main (every 5 s), so the observed sum per second times the tick is
 * the mean per window and streamer times how many report, i.e. the fleet's total. (An up-down
 * counter kept what a quitting or crashing install had open in the fleet's sum forever.)
 */
export const openConnections = (by: readonly string[] = BY, window: string = WINDOW, matchers: Matchers = {}) =>
  `${sumBy(by, rate(METRICS.websocketConnectionsActive, matchers, window, "sum"))} * ${CONNECTIONS_SAMPLE_S}`;

/**
 * `60 × rate(counter) / open connections`, per job and source; the divisor is at least 1. The
 * client overview draws the same expression (over Grafana's rate window) with these thresholds.
 */
export const perConnectionPerMinute = (counter: typeof METRICS.connectionErrors | typeof METRICS.websocketReconnections, window: string = WINDOW, by: readonly string[] = BY) =>
  `60 * ${sumBy(by, rate(counter, {}, window))} / ${clampMin(`(${openConnections(by, window)})`, 1)}`;

const job = { [JOB]: CLIENT_SERVICE };
/** A window with `open` connections to xqc: one observation of `open` per send to main, so its `_sum` grows by open × ticks a minute. */
const conns = (instance: string, open: number) =>
  series(
    METRICS.websocketConnectionsActive,
    { ...job, [INSTANCE]: instance, [LABELS.STREAMER_NAME.name]: "xqc", [SOURCE]: "kick" },
    `0+${open * (60 / CONNECTIONS_SAMPLE_S)}x30`,
    "sum",
  );
const errors = (instance: string, perMinute: number) =>
  series(METRICS.connectionErrors, { ...job, [INSTANCE]: instance, [LABELS.CONNECTION_ERROR_TYPE.name]: "ws_error", [SOURCE]: "kick" }, `0+${perMinute}x30`);
const reconnects = (instance: string, perMinute: number) =>
  series(METRICS.websocketReconnections, { ...job, [INSTANCE]: instance, [LABELS.STREAMER_NAME.name]: "xqc", [SOURCE]: "kick", [LABELS.RECONNECT_REASON.name]: "network" }, `0+${perMinute}x30`);

export const GROUP: RuleGroup = {
  name: "client-connections",
  interval: "1m",
  thresholds: THRESHOLDS,
  recordings: [],
  alerts: [
    {
      name: "ClientConnectionErrorRateHigh",
      severity: "warning",
      service: CLIENT_SERVICE,
      for: "10m",
      condition: above(perConnectionPerMinute(METRICS.connectionErrors), THRESHOLDS, "errorsPerConnectionPerMinute"),
      summary: "Chat WebSocket connections are failing.",
      description: (v) =>
        `{{ $labels.${SOURCE} }} connections fail {{ printf "%.2f" ${v} }} times per open connection per minute (threshold ${THRESHOLDS.errorsPerConnectionPerMinute}).`,
      panel: { dashboardUid: CLIENT_OVERVIEW_UID, panelTitle: "Connection errors per connection" },
    },
    {
      name: "ClientReconnectStorm",
      severity: "critical",
      service: CLIENT_SERVICE,
      for: "10m",
      condition: above(perConnectionPerMinute(METRICS.websocketReconnections), THRESHOLDS, "reconnectsPerConnectionPerMinute"),
      summary: "Clients are reconnecting to chat in a loop.",
      description: (v) =>
        `{{ $labels.${SOURCE} }} connections reconnect {{ printf "%.2f" ${v} }} times per open connection per minute (threshold ${THRESHOLDS.reconnectsPerConnectionPerMinute}); the reconnect traffic itself loads the server.`,
      panel: { dashboardUid: CLIENT_OVERVIEW_UID, panelTitle: "Reconnects per connection" },
    },
  ],
  alertCases: [
    {
      alert: "ClientConnectionErrorRateHigh",
      evalTime: "20m",
      // 2 clients × 5 connections, 3 errors a minute in all: 0.3 per connection per minute.
      input: [conns("a", 5), conns("b", 5), errors("a", 2), errors("b", 1)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE, [SOURCE]: "kick" },
          description: "kick connections fail 0.30 times per open connection per minute (threshold 0.2).",
        },
      ],
    },
    {
      alert: "ClientConnectionErrorRateHigh",
      evalTime: "20m",
      input: [conns("a", 5), conns("b", 5), errors("a", 1)],
      fires: [],
      why: "one error per ten connection-minutes (0.1) is ordinary network churn, under the 0.2 threshold",
    },
    {
      alert: "ClientConnectionErrorRateHigh",
      evalTime: "8m",
      input: [conns("a", 5), errors("a", 5)],
      fires: [],
      why: "errors are high but have lasted less than the 10m `for`: still pending",
    },
    {
      alert: "ClientReconnectStorm",
      evalTime: "20m",
      // 4 connections reconnecting 8 times a minute: 2 per connection per minute.
      input: [conns("a", 4), reconnects("a", 8)],
      fires: [
        {
          labels: { [JOB]: CLIENT_SERVICE, [SOURCE]: "kick" },
          description:
            "kick connections reconnect 2.00 times per open connection per minute (threshold 1); the reconnect traffic itself loads the server.",
        },
      ],
    },
    {
      alert: "ClientReconnectStorm",
      evalTime: "20m",
      input: [conns("a", 10), reconnects("a", 2)],
      fires: [],
      why: "0.2 reconnects per connection per minute is servers rotating connections, not a loop",
    },
  ],
  recordingCases: [],
};
