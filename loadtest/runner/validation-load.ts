// Validation load, runner side: the plan's context built from the catalog and protocol, and the
// plan (loadtest/lib/validation-plan.ts, the k6 script's) sent to a running chat server with
// vegeta over HTTP and Node ws subscribers. What was sent and received comes back for
// loadtest/runner/validation.ts to compare with what the backends report.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LABELS } from "../../catalog/index.ts";
import { arrivalConcurrency, iterationsOf, type ValidationShape } from "../lib/profiles.ts";
import type { ValidationConfig } from "../lib/run-configs.ts";
import { failedThresholds, validationThresholds, type MetricValues } from "../lib/thresholds.ts";
import {
  DRAIN_S,
  expectedCounts,
  iterationRequests,
  messageTrace,
  plannedRequests,
  requestKey,
  setupRequests,
  type PlannedRequest,
  type PlanRequest,
  type SubscriberContext,
  type ValidationPlanContext,
} from "../lib/validation-plan.ts";
import { chatroomChannel, EVENTS, WS_PATH, type ACCOUNT_ROUTES } from "../../protocol/index.ts";
import { SEED_CHATROOMS } from "../../server/seed.ts";
import { waitFor } from "../../stack/runner/stack-wait.ts";
import { attack } from "./vegeta.ts";
import { openSubscribers } from "./ws-subscribers.ts";

/**
 * Route templates the plan calls; `satisfies` checks them against the catalog's label values,
 * or protocol's account routes the catalog does not declare yet (registration).
 */
export const ROUTES = {
  health: "/healthz",
  register: "/api/auth/register",
  signIn: "/api/auth/sign-in",
  messages: "/api/chatrooms/:id/messages",
  chatroom: "/api/chatrooms/:id",
} as const satisfies Record<string, (typeof LABELS.API_ENDPOINTS)[number] | (typeof ACCOUNT_ROUTES)[number][1]>;

/** Every kind of request the plan sends. */
export const VALIDATION_PLAN: readonly PlannedRequest[] = plannedRequests(ROUTES);

/** Every 10th message is sent sampled; the server samples 10 % of the rest by itself. */
const SAMPLE_EVERY = 10;
/** Longest wait (ms) after the last request for every chat message to reach every subscriber. */
const WS_DRAIN_MS = Math.max(DRAIN_S * 1000, 10_000);

/** What the generator sent and received in one validation run. */
export interface ValidationLoad {
  /** Requests per requestKey ("route method status") as answered, setup included; statuses off the plan too. */
  readonly sent: ReadonlyMap<string, number>;
  /** Per requestKey, what a complete run answered as planned would count. */
  readonly expected: ReadonlyMap<string, number>;
  /** Every request sent, setup included. */
  readonly requests: number;
  /** Iterations planned, and those that never started because the generator fell behind. */
  readonly iterations: number;
  readonly droppedIterations: number;
  /** The trace of every message posted, in iteration order. */
  readonly traces: readonly { readonly traceId: string; readonly sampled: boolean }[];
  readonly wsSubscribed: number;
  readonly wsReceived: number;
  readonly wsErrors: number;
  readonly achievedRate: number;
  /** http_req_duration of the generated load, ms: avg, med, p(95), ... */
  readonly latencyMs: Readonly<Record<string, number>>;
  /** The k6 script's threshold figures, computed from the generator's results. */
  readonly metrics: Readonly<Record<string, MetricValues>>;
  readonly failedThresholds: readonly string[];
}

/** The run config the k6 script would read for the same run (written next to the results, for k6 users). */
export function validationConfig(server: { url: string; wsUrl: string }, shape: ValidationShape, runId: string): ValidationConfig {
  const room = SEED_CHATROOMS[0];
  if (!room) throw new Error("server/seed.ts has no chatrooms");
  if (!server.wsUrl.endsWith(WS_PATH)) throw new Error(`server WebSocket URL ${server.wsUrl} does not end in ${WS_PATH}`);
  return {
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
}

/** Sends one planned request with fetch (setup: before the timed load). */
async function sendOnce(baseUrl: string, r: PlanRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(baseUrl + r.path, { method: r.method, headers: r.headers, ...(r.body !== null ? { body: r.body } : {}), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

/**
 * Sends the validation plan for `shape` to a running chat server: setup with fetch, then the
 * subscribers, then every iteration's requests through vegeta at the plan's request rate (the
 * k6 script's `rate` iterations/s, flattened: each iteration's one to three requests are
 * consecutive targets), then waits for the pushes to arrive and closes the subscribers.
 */
export async function driveValidation(server: { url: string; wsUrl: string }, shape: ValidationShape, runId: string, workDir: string): Promise<ValidationLoad> {
  const config = validationConfig(server, shape, runId);
  await writeFile(join(workDir, "validation.config.json"), `${JSON.stringify(config, null, 1)}\n`).catch(() => undefined);
  const ctx: ValidationPlanContext = config;
  const sub: SubscriberContext = config;
  const sent = new Map<string, number>();
  const count = (key: string) => sent.set(key, (sent.get(key) ?? 0) + 1);

  const [health, register, signIn] = setupRequests(ctx);
  if (!health || !register || !signIn) throw new Error("validation plan has no setup requests");
  const h = await sendOnce(server.url, health);
  count(requestKey({ ...health, status: h.status }));
  if (h.status !== health.status) throw new Error(`${server.url}${health.path} answered ${h.status}: is the chat server up?`);
  const g = await sendOnce(server.url, register);
  count(requestKey({ ...register, status: g.status }));
  if (g.status !== register.status) throw new Error(`registration answered ${g.status}: ${g.text.slice(0, 200)}`);
  const s = await sendOnce(server.url, signIn);
  count(requestKey({ ...signIn, status: s.status }));
  if (s.status !== signIn.status) throw new Error(`sign-in answered ${s.status}: ${s.text.slice(0, 200)}`);
  const token = (JSON.parse(s.text) as { token: string }).token;

  const iterations = iterationsOf(shape);
  const flat: { i: number; r: PlanRequest }[] = [];
  for (let i = 0; i < iterations; i++) for (const r of iterationRequests(ctx, i, token)) flat.push({ i, r });
  /** Route template of each concrete (method, URL) the plan sends. */
  const routeOf = new Map(flat.map(({ r }) => [`${r.method} ${server.url}${r.path}`, r.route]));

  const subscribers = await openSubscribers(config.wsUrl, sub, shape.subscribers);
  let result;
  try {
    result = await attack({
      name: "validation",
      workDir,
      requests: flat.length,
      seconds: shape.seconds,
      target: (k) => {
        const { r } = flat[k] as { r: PlanRequest };
        return { method: r.method, url: server.url + r.path, headers: r.headers, body: r.body };
      },
      concurrency: arrivalConcurrency(Math.ceil(flat.length / shape.seconds)),
      onHit: (hit) => count(`${routeOf.get(`${hit.method} ${hit.url}`) ?? hit.url} ${hit.method} ${hit.code}`),
    });
    // Every accepted message goes to every subscriber; wait for the last pushes, then close.
    const accepted = sent.get(requestKey({ route: ROUTES.messages, method: "POST", status: 201 })) ?? 0;
    await waitFor(async () => subscribers.received(), (n) => n >= accepted * shape.subscribers, WS_DRAIN_MS, 50).catch(() => undefined);
  } finally {
    await subscribers.close();
  }

  // vegeta reads targets in order: the first `sent` are exactly the ones sent.
  const sentTargets = flat.slice(0, result.sent);
  const traces = sentTargets.filter(({ r }) => r.route === ROUTES.messages && r.status === 201).map(({ i }) => messageTrace(ctx, i));
  const expectedOfSent = new Map<string, number>();
  for (const r of [health, register, signIn, ...sentTargets.map((t) => t.r)]) expectedOfSent.set(requestKey(r), (expectedOfSent.get(requestKey(r)) ?? 0) + 1);
  const requests = [...sent.values()].reduce((a, b) => a + b, 0);
  // A request answered as planned passes its check. Per (route, method, status) the answers can
  // only be matched by count (one URL takes both the 201 and the 400 posts), which is exact
  // unless two failures cancel out, and then the backends' counts still differ from the plan.
  let matched = 0;
  for (const [key, n] of expectedOfSent) matched += Math.min(n, sent.get(key) ?? 0);
  const metrics: Record<string, MetricValues> = {
    http_reqs: { count: requests },
    http_req_failed: { rate: requests > 0 ? (requests - matched) / requests : 0 },
    checks: { rate: requests > 0 ? matched / requests : 0 },
    http_req_duration: result.latencyMs,
    dropped_iterations: { count: iterations - traces.length },
    beacon_ws_subscriptions: { count: subscribers.subscribed() },
    beacon_ws_errors: { count: subscribers.errors() },
    beacon_ws_chat_messages_received: { count: subscribers.received() },
  };
  return {
    sent,
    expected: expectedCounts(ctx, iterations),
    requests,
    iterations,
    droppedIterations: iterations - traces.length,
    traces,
    wsSubscribed: subscribers.subscribed(),
    wsReceived: subscribers.received(),
    wsErrors: subscribers.errors(),
    achievedRate: result.achievedRate,
    latencyMs: result.latencyMs,
    metrics,
    failedThresholds: failedThresholds(validationThresholds(shape.subscribers), metrics),
  };
}

