// k6 validation, runner side: builds the run config from the catalog and protocol, runs the
// chat server with telemetry on and loadtest/validation.ts against it, then checks that what
// the server reported through the real pipeline equals what k6 sent, EXACTLY:
//   Prometheus  chat_server_http_requests_total per (route, method, status) = k6's http_reqs
//               chat_server_messages_posted_total{outcome} = k6's 201s / 400s on the route
//               chat_server_ws_messages_out_total{event="chat_message"} = chat frames k6 received
//               chat_server_ws_disconnects_total{reason="client_close"} = k6's subscribers
//   Loki        access log records per status = k6's requests per status
//   Tempo       every trace k6 sent with a sampled traceparent is found by id
import { randomBytes } from "node:crypto";
import { LABELS, LOG_EVENTS, METRICS, SERVER_SERVICE } from "../../catalog/index.ts";
import type { ValidationShape } from "../lib/profiles.ts";
import type { PlannedRequest, ValidationConfig } from "../lib/run-configs.ts";
import { isSampled, traceIdOf } from "../lib/trace-ids.ts";
import { chatroomChannel, EVENTS, WS_PATH } from "../../protocol/index.ts";
import { countOverTime, logStream } from "../../queries/logql.ts";
import { sel } from "../../queries/promql.ts";
import { SEED_CHATROOMS } from "../../server/seed.ts";
import { lokiQuery, promQuery, tempoHasTrace, type StackEndpoints } from "../../stack/clients/backends.ts";
import { startChatServerProcess } from "../../testkit/chat-server-process.ts";
import { count, runK6, type K6Summary } from "./k6.ts";
import { waitFor } from "../../stack/runner/stack-wait.ts";

/** Route templates k6 calls; `satisfies` checks them against the catalog's label values. */
const ROUTES = {
  health: "/healthz",
  signIn: "/api/auth/sign-in",
  messages: "/api/chatrooms/:id/messages",
  chatroom: "/api/chatrooms/:id",
} as const satisfies Record<string, (typeof LABELS.API_ENDPOINTS)[number]>;

/** Every request the k6 script may send (it tags each with its route template). */
export const VALIDATION_PLAN: readonly PlannedRequest[] = [
  { route: ROUTES.health, method: "GET", status: 200 },
  { route: ROUTES.signIn, method: "POST", status: 200 },
  { route: ROUTES.messages, method: "POST", status: 201 },
  { route: ROUTES.messages, method: "POST", status: 400 },
  { route: ROUTES.chatroom, method: "GET", status: 200 },
  { route: ROUTES.chatroom, method: "GET", status: 404 },
];

/** Every 10th message is sent sampled; the server samples 10 % of the rest by itself. */
const SAMPLE_EVERY = 10;
/** How long the pipeline may take to deliver the final figures (metric export, batch, remote write). */
const SETTLE_MS = 90_000;

/** Sub-metric the k6 script declares so the summary holds the message scenario's iterations. */
const MESSAGE_ITERATIONS = "iterations{scenario:messages}";

export const plannedKey = (p: PlannedRequest) => `http_reqs{route:${p.route},method:${p.method},status:${p.status}}`;

export interface CountCheck {
  readonly what: string;
  readonly sent: number;
  readonly reported: number;
}

export interface ValidationReport {
  readonly k6ExitCode: number;
  readonly failedThresholds: readonly string[];
  readonly requests: number;
  readonly messagesAccepted: number;
  readonly wsChatMessagesReceived: number;
  readonly checks: readonly CountCheck[];
  readonly sampledTraces: { readonly sent: number; readonly found: number; readonly missing: readonly string[] };
  readonly unsampledTracesFound: { readonly probed: number; readonly found: number };
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly problems: readonly string[];
}

/** Last sample at or after `sinceMs` of each series of a counter, keyed by the given labels. */
async function lastValues(prom: string, selector: string, sinceMs: number, labels: readonly string[]): Promise<Map<string, number>> {
  const windowS = Math.ceil((Date.now() - sinceMs) / 1000) + 5;
  const series = await promQuery(prom, `${selector}[${windowS}s]`);
  const out = new Map<string, number>();
  for (const s of series) {
    const fresh = (s.values ?? []).filter(([t]) => t * 1000 >= sinceMs - 1000);
    const last = fresh.at(-1);
    if (!last) continue;
    const key = labels.map((l) => s.metric[l] ?? "").join(" ");
    out.set(key, (out.get(key) ?? 0) + Number(last[1]));
  }
  return out;
}

export async function runValidation(stack: StackEndpoints, shape: ValidationShape, workDir: string): Promise<ValidationReport> {
  const runId = randomBytes(8).toString("hex");
  const room = SEED_CHATROOMS[0];
  if (!room) throw new Error("server/seed.ts has no chatrooms");
  const server = await startChatServerProcess({
    OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpHttp,
    OTEL_TRACES_SAMPLER_ARG: "0.1",
    OTEL_METRIC_EXPORT_INTERVAL: "2000",
  });
  const serverStart = Date.now();
  const config: ValidationConfig = {
    baseUrl: server.url,
    wsUrl: server.wsUrl,
    runId,
    sampleEvery: SAMPLE_EVERY,
    shape,
    chatroomId: room.id,
    channel: chatroomChannel(room.id),
    routes: ROUTES,
    events: { subscribe: EVENTS.subscribe, subscribed: EVENTS.subscriptionSucceeded, chatMessage: EVENTS.chatMessage },
    plan: VALIDATION_PLAN,
  };
  if (!server.wsUrl.endsWith(WS_PATH)) throw new Error(`server WebSocket URL ${server.wsUrl} does not end in ${WS_PATH}`);
  let k6;
  try {
    k6 = await runK6("validation.ts", config, { workDir, name: "validation" });
  } finally {
    const code = await server.stop();
    if (code !== 0) console.error(`chat server exited with ${code}:\n${server.output().slice(-2000)}`);
  }
  const stoppedAt = Date.now();
  return { ...(await compare(stack, k6.summary, shape, runId, serverStart, stoppedAt)), k6ExitCode: k6.exitCode, failedThresholds: k6.failedThresholds };
}

async function compare(
  stack: StackEndpoints,
  summary: K6Summary,
  shape: ValidationShape,
  runId: string,
  serverStart: number,
  stoppedAt: number,
): Promise<Omit<ValidationReport, "k6ExitCode" | "failedThresholds">> {
  const problems: string[] = [];
  const sent = new Map(VALIDATION_PLAN.map((p) => [`${p.route} ${p.method} ${p.status}`, count(summary, plannedKey(p))]));
  const requests = count(summary, "http_reqs");
  const planned = [...sent.values()].reduce((a, b) => a + b, 0);
  if (planned !== requests) problems.push(`k6 sent ${requests} requests but only ${planned} match the plan: some answered with an unplanned status`);
  const accepted = sent.get(`${ROUTES.messages} POST 201`) ?? 0;
  const rejected = sent.get(`${ROUTES.messages} POST 400`) ?? 0;
  const wsReceived = count(summary, "beacon_ws_chat_messages_received");
  if (wsReceived !== accepted * shape.subscribers) {
    problems.push(`k6 subscribers received ${wsReceived} chat messages, expected ${accepted} accepted x ${shape.subscribers} subscribers`);
  }

  // Per-status totals for Loki (its access records carry the status, not the route).
  const byStatus = new Map<string, number>();
  for (const p of VALIDATION_PLAN) byStatus.set(String(p.status), (byStatus.get(String(p.status)) ?? 0) + count(summary, plannedKey(p)));

  const R = LABELS.HTTP_ROUTE.name;
  const M = LABELS.HTTP_METHOD.name;
  const S = LABELS.HTTP_STATUS_CODE.name;
  const expected: { what: string; sent: number; read: () => Promise<number> }[] = [];
  const httpValues = () => lastValues(stack.prometheus, sel(METRICS.httpRequests), serverStart, [R, M, S]);
  for (const [key, n] of sent) expected.push({ what: `Prometheus ${sel(METRICS.httpRequests)} ${key}`, sent: n, read: async () => (await httpValues()).get(key) ?? 0 });
  // Anything the server counted that k6 did not plan (e.g. a 500) is a mismatch too.
  expected.push({
    what: `Prometheus ${sel(METRICS.httpRequests)} all routes and statuses`,
    sent: requests,
    read: async () => [...(await httpValues()).values()].reduce((a, b) => a + b, 0),
  });
  const O = LABELS.MESSAGE_OUTCOME.name;
  for (const [outcome, n] of [["accepted", accepted], ["rejected", rejected]] as const) {
    const s = sel(METRICS.messagesPosted, { [O]: outcome });
    expected.push({ what: `Prometheus ${s}`, sent: n, read: async () => (await lastValues(stack.prometheus, s, serverStart, [])).get("") ?? 0 });
  }
  const wsOut = sel(METRICS.wsMessagesOut, { [LABELS.WS_EVENT.name]: "chat_message" });
  expected.push({ what: `Prometheus ${wsOut}`, sent: wsReceived, read: async () => (await lastValues(stack.prometheus, wsOut, serverStart, [])).get("") ?? 0 });
  const closes = sel(METRICS.wsDisconnects, { [LABELS.WS_CLOSE_REASON.name]: "client_close" });
  expected.push({ what: `Prometheus ${closes}`, sent: shape.subscribers, read: async () => (await lastValues(stack.prometheus, closes, serverStart, [])).get("") ?? 0 });

  const access = logStream(SERVER_SERVICE, { type: LOG_EVENTS.access });
  const lokiCounts = async () => {
    const at = stoppedAt + 2_000;
    const windowS = Math.ceil((at - serverStart) / 1000) + 2;
    const r = await lokiQuery(stack.loki, `sum by (http_status) (${countOverTime(access, `${windowS}s`)})`, at);
    return new Map(r.result.map((s) => [s.metric?.http_status ?? "", Number(s.value?.[1] ?? 0)]));
  };
  for (const [status, n] of byStatus) {
    expected.push({ what: `Loki ${access} http_status=${status}`, sent: n, read: async () => (await lokiCounts()).get(status) ?? 0 });
  }

  const checks: CountCheck[] = [];
  for (const e of expected) {
    // Wait until the pipeline has delivered the final figure; a different value at the
    // deadline is a failure, reported with both numbers.
    const reported = await waitFor(e.read, (v) => v === e.sent, SETTLE_MS, 1_000).catch(async () => e.read());
    checks.push({ what: e.what, sent: e.sent, reported });
    if (reported !== e.sent) problems.push(`${e.what}: k6 sent ${e.sent}, the server reported ${reported}`);
  }

  // Traces: every sampled one by id; a few unsampled ones for information (they appear only
  // when forced sampling kept them: error or slow).
  const messages = count(summary, MESSAGE_ITERATIONS);
  const sampledIds: string[] = [];
  const unsampledIds: string[] = [];
  for (let i = 0; i < messages; i++) (isSampled(i, SAMPLE_EVERY) ? sampledIds : unsampledIds).push(traceIdOf(runId, i));
  const missing = new Set(sampledIds);
  await waitFor(
    async () => {
      for (const id of [...missing]) if (await tempoHasTrace(stack.tempo, id)) missing.delete(id);
      return missing.size;
    },
    (n) => n === 0,
    SETTLE_MS,
    2_000,
  ).catch(() => undefined);
  if (missing.size > 0) problems.push(`Tempo: ${missing.size} of ${sampledIds.length} sampled traces not found by id, e.g. ${[...missing].slice(0, 3).join(", ")}`);
  const probe = unsampledIds.slice(0, 20);
  let unsampledFound = 0;
  for (const id of probe) if (await tempoHasTrace(stack.tempo, id)) unsampledFound++;

  const dur = summary.metrics.http_req_duration?.values ?? {};
  return {
    requests,
    messagesAccepted: accepted,
    wsChatMessagesReceived: wsReceived,
    checks,
    sampledTraces: { sent: sampledIds.length, found: sampledIds.length - missing.size, missing: [...missing] },
    unsampledTracesFound: { probed: probe.length, found: unsampledFound },
    p95Ms: dur["p(95)"] ?? 0,
    p99Ms: dur["p(99)"] ?? 0,
    problems,
  };
}
