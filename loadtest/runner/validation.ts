// Validation, runner side: runs the chat server with telemetry on and sends it the validation plan
// (loadtest/lib/validation-plan.ts, the same the k6 script sends) with vegeta over HTTP and Node
// ws subscribers (validation-load.ts), then checks that what the server reported through the real pipeline equals what was sent, EXACTLY:
//   Prometheus  chat_server_http_requests_total per (route, method, status) = requests sent and answered so
//               chat_server_messages_posted_total{outcome} = 201s / 400s on the messages route
//               chat_server_ws_messages_out_total{event="chat_message"} = chat frames the subscribers received
//               chat_server_ws_disconnects_total{reason="client_close"} = the subscribers
//   logs        access log records per status = requests sent per status (LogQL on the logs the
//               gateway captured, as Loki would answer it)
//   traces      every trace sent with a sampled traceparent reached the gateway (found by id)
import { randomBytes } from "node:crypto";
import { LABELS, LOG_EVENTS, METRICS, SERVER_SERVICE } from "../../catalog/index.ts";
import type { ValidationShape } from "../lib/profiles.ts";
import { requestKey } from "../lib/validation-plan.ts";
import { countOverTime, logStream } from "../../queries/logql.ts";
import { sel } from "../../queries/promql.ts";
import { lokiQuery, promQuery, tempoHasTrace, type StackEndpoints } from "../../stack/clients/backends.ts";
import { startChatServerProcess } from "../../testkit/chat-server-process.ts";
import { LOADTEST_SERVER_ENV } from "../lib/server-env.ts";
import { waitFor } from "../../stack/runner/stack-wait.ts";
import { HTTP_GENERATOR } from "./vegeta.ts";
import { driveValidation, ROUTES, VALIDATION_PLAN, type ValidationLoad } from "./validation-load.ts";

export { driveValidation, validationConfig, VALIDATION_PLAN, type ValidationLoad } from "./validation-load.ts";

/** How long the pipeline may take to deliver the final figures (metric export, batch, remote write). */
const SETTLE_MS = 90_000;

export interface CountCheck {
  readonly what: string;
  readonly sent: number;
  readonly reported: number;
}

export interface ValidationReport {
  /** What sent the load. */
  readonly generator: string;
  /** Thresholds of loadtest/lib/thresholds.ts (the k6 script's) that did not hold. */
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
  const server = await startChatServerProcess({
    ...LOADTEST_SERVER_ENV,
    OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpHttp,
    OTEL_TRACES_SAMPLER_ARG: "0.1",
    OTEL_METRIC_EXPORT_INTERVAL: "2000",
  });
  const serverStart = Date.now();
  let load: ValidationLoad;
  try {
    load = await driveValidation(server, shape, runId, workDir);
  } finally {
    const code = await server.stop();
    if (code !== 0) console.error(`chat server exited with ${code}:\n${server.output().slice(-2000)}`);
  }
  const stoppedAt = Date.now();
  return { generator: `${HTTP_GENERATOR} over HTTP, Node ws subscribers`, failedThresholds: load.failedThresholds, ...(await compare(stack, load, shape, serverStart, stoppedAt)) };
}

async function compare(
  stack: StackEndpoints,
  load: ValidationLoad,
  shape: ValidationShape,
  serverStart: number,
  stoppedAt: number,
): Promise<Omit<ValidationReport, "generator" | "failedThresholds">> {
  const problems: string[] = [];
  const sent = new Map(VALIDATION_PLAN.map((p) => [requestKey(p), load.sent.get(requestKey(p)) ?? 0]));
  const requests = load.requests;
  const planned = [...sent.values()].reduce((a, b) => a + b, 0);
  if (planned !== requests) problems.push(`sent ${requests} requests but only ${planned} match the plan: some answered with an unplanned status`);
  if (load.droppedIterations > 0) problems.push(`the generator fell behind: ${load.droppedIterations} of ${load.iterations} iterations never started`);
  for (const [key, n] of load.expected) if ((sent.get(key) ?? 0) !== n) problems.push(`the plan sends ${n} x ${key}, ${sent.get(key) ?? 0} were sent and answered so`);
  const accepted = sent.get(requestKey({ route: ROUTES.messages, method: "POST", status: 201 })) ?? 0;
  const rejected = sent.get(requestKey({ route: ROUTES.messages, method: "POST", status: 400 })) ?? 0;
  const wsReceived = load.wsReceived;
  if (wsReceived !== accepted * shape.subscribers) {
    problems.push(`subscribers received ${wsReceived} chat messages, expected ${accepted} accepted x ${shape.subscribers} subscribers`);
  }

  // Per-status totals for Loki (its access records carry the status, not the route).
  const byStatus = new Map<string, number>();
  for (const p of VALIDATION_PLAN) byStatus.set(String(p.status), (byStatus.get(String(p.status)) ?? 0) + (sent.get(requestKey(p)) ?? 0));

  const R = LABELS.HTTP_ROUTE.name;
  const M = LABELS.HTTP_METHOD.name;
  const S = LABELS.HTTP_STATUS_CODE.name;
  const expected: { what: string; sent: number; read: () => Promise<number> }[] = [];
  const httpValues = () => lastValues(stack.prometheus, sel(METRICS.httpRequests), serverStart, [R, M, S]);
  for (const [key, n] of sent) expected.push({ what: `Prometheus ${sel(METRICS.httpRequests)} ${key}`, sent: n, read: async () => (await httpValues()).get(key) ?? 0 });
  // Anything the server counted that the plan does not hold (e.g. a 500) is a mismatch too.
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
    const r = await lokiQuery(stack, `sum by (http_status) (${countOverTime(access, `${windowS}s`)})`, at);
    // A waitFor read: throwing retries until the deadline, then the error is reported.
    if (r.resultType !== "vector") throw new Error(`Loki sum by (http_status) answered a ${r.resultType}, not a vector`);
    return new Map(r.result.map((s) => [s.metric["http_status"] ?? "", Number(s.value[1])]));
  };
  for (const [status, n] of byStatus) {
    expected.push({ what: `LogQL ${access} http_status=${status}`, sent: n, read: async () => (await lokiCounts()).get(status) ?? 0 });
  }

  const checks: CountCheck[] = [];
  for (const e of expected) {
    // Wait until the pipeline has delivered the final figure; a different value at the
    // deadline is a failure, reported with both numbers.
    const reported = await waitFor(e.read, (v) => v === e.sent, SETTLE_MS, 1_000).catch(async () => e.read());
    checks.push({ what: e.what, sent: e.sent, reported });
    if (reported !== e.sent) problems.push(`${e.what}: sent ${e.sent}, the server reported ${reported}`);
  }

  // Traces: every sampled one by id; a few unsampled ones for information (they appear only
  // when forced sampling kept them: error or slow).
  const sampledIds = load.traces.filter((t) => t.sampled).map((t) => t.traceId);
  const unsampledIds = load.traces.filter((t) => !t.sampled).map((t) => t.traceId);
  const missing = new Set(sampledIds);
  await waitFor(
    async () => {
      for (const id of [...missing]) if (await tempoHasTrace(stack, id)) missing.delete(id);
      return missing.size;
    },
    (n) => n === 0,
    SETTLE_MS,
    2_000,
  ).catch(() => undefined);
  if (missing.size > 0) problems.push(`traces: ${missing.size} of ${sampledIds.length} sampled traces not found by id, e.g. ${[...missing].slice(0, 3).join(", ")}`);
  const probe = unsampledIds.slice(0, 20);
  let unsampledFound = 0;
  for (const id of probe) if (await tempoHasTrace(stack, id)) unsampledFound++;

  return {
    requests,
    messagesAccepted: accepted,
    wsChatMessagesReceived: wsReceived,
    checks,
    sampledTraces: { sent: sampledIds.length, found: sampledIds.length - missing.size, missing: [...missing] },
    unsampledTracesFound: { probed: probe.length, found: unsampledFound },
    p95Ms: load.latencyMs["p(95)"] ?? 0,
    p99Ms: load.latencyMs["p(99)"] ?? 0,
    problems,
  };
}
