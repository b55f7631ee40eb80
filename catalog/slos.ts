// Service level objectives, declared next to the signals they are computed from. Each names
// catalog metrics (never a string), so an SLO cannot measure something nobody emits; its
// recording rules, burn-rate alerts, promtool cases and error-budget dashboard are generated
// from these declarations (alerts/slo/, dashboards/slo/).
//
// Objectives are 99.9 %: with the SRE workbook's 14.4× burn over 1 h, a total outage pages
// once 14.4 × 0.1 % of an hour (52 s) has failed, so the page fires within two minutes. At
// 99 % it would take 8.6 minutes.
import * as L from "./labels.ts";
import { CLIENT_METRICS } from "./metrics/client.ts";
import { SERVER_METRICS } from "./metrics/server.ts";
import { CLIENT_SERVICE, SERVER_SERVICE } from "./services.ts";
import type { SloDecl } from "./types.ts";

const slo = <const S extends SloDecl>(decl: S): S => decl;

export const SLOS = {
  serverAvailability: slo({
    id: "server-availability",
    name: "ServerAvailability",
    title: "Chat server availability",
    description: "Share of the chat server's HTTP requests answered without a 5xx status.",
    service: SERVER_SERVICE,
    objective: 0.999,
    period: "30d",
    sli: { kind: "errors", metric: SERVER_METRICS.httpRequests, bad: { [L.HTTP_STATUS_CODE.name]: { op: "=~", value: "5.." } } },
    minEventsPerHour: 360,
  }),
  serverLatency: slo({
    id: "server-latency",
    name: "ServerLatency",
    title: "Chat server latency",
    description: "Share of the chat server's HTTP requests served within 1 s.",
    service: SERVER_SERVICE,
    objective: 0.999,
    period: "30d",
    sli: { kind: "latency", metric: SERVER_METRICS.httpRequestDuration, thresholdSeconds: 1 },
    minEventsPerHour: 360,
  }),
  clientMessageSend: slo({
    id: "client-message-send",
    name: "ClientMessageSend",
    title: "Client message send",
    description: "Share of chat messages users send that succeed and are acknowledged within 2.5 s of pressing Enter.",
    service: CLIENT_SERVICE,
    objective: 0.999,
    period: "30d",
    sli: { kind: "latency", metric: CLIENT_METRICS.messageSendDuration, thresholdSeconds: 2.5, good: { [L.SUCCESS.name]: "true" } },
    minEventsPerHour: 180,
  }),
  clientApiSuccess: slo({
    id: "client-api-success",
    name: "ClientApiSuccess",
    title: "Client API success",
    description: "Share of the clients' chat API requests that got a response other than 5xx (status 0: no response at all).",
    service: CLIENT_SERVICE,
    objective: 0.999,
    period: "30d",
    sli: { kind: "errors", metric: CLIENT_METRICS.apiRequests, bad: { [L.HTTP_STATUS_CODE.name]: { op: "=~", value: "5..|0" } } },
    minEventsPerHour: 360,
  }),
  clientCrashFree: slo({
    id: "client-crash-free",
    name: "ClientCrashFree",
    title: "Crash-free client sessions",
    description:
      "Share of client sessions (main process runs with telemetry on) that end without a fatal error. A session is one increment of kicktalk_sessions_started_total (0 at start-up, then 1); a crash is one fatal error reported by the error tracker.",
    service: CLIENT_SERVICE,
    objective: 0.999,
    period: "30d",
    sli: { kind: "sessions", crashes: CLIENT_METRICS.errors, bad: { [L.ERROR_SEVERITY.name]: "fatal" }, sessions: CLIENT_METRICS.sessionsStarted },
    minEventsPerHour: 10,
  }),
} as const;

export const ALL_SLOS: readonly SloDecl[] = Object.values(SLOS);
