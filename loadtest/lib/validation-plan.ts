// The validation load, request by request: what setup sends, which requests iteration `i` sends
// (in order), what each must answer, and what WebSocket subscribers send and count. The k6
// script (loadtest/validation.ts) and the CI's generator (loadtest/runner/validation.ts: vegeta
// targets, Node ws subscribers) both send exactly this, so their loads cannot drift. Pure: no k6
// or Node APIs.
//
// Per iteration: one message with a W3C traceparent of a known trace id (sampled every n-th);
// i % 10 === 5 also reads the chatroom, i % 10 === 7 posts an empty message (400), i % 20 === 9
// reads an unknown chatroom (404).
import { isSampled, traceIdOf, traceparent } from "./trace-ids.ts";

/** Route templates (the servers' metric label values) the plan calls. */
export interface ValidationRoutes {
  readonly health: string;
  readonly register: string;
  readonly signIn: string;
  readonly messages: string;
  readonly chatroom: string;
}

/** One kind of request the plan sends: route template (the metric label) and expected status. */
export interface PlannedRequest {
  readonly route: string;
  readonly method: "GET" | "POST";
  readonly status: number;
}

/** One concrete request: what to send and what it must answer. */
export interface PlanRequest extends PlannedRequest {
  /** Path with the chatroom id filled in; the base URL goes in front. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  /** Name of its check (k6 `check`), saying what it expects. */
  readonly check: string;
}

export interface ValidationPlanContext {
  readonly runId: string;
  /** Every n-th message is sent with a sampled traceparent. */
  readonly sampleEvery: number;
  readonly chatroomId: string;
  readonly routes: ValidationRoutes;
}

/** Chatroom id no server has: reads of it answer 404. */
export const UNKNOWN_CHATROOM_ID = "no-such-room";

const JSON_HEADERS = { "content-type": "application/json" } as const;
const pathOf = (route: string, chatroomId: string) => route.replace(":id", chatroomId);

/** Every kind of request the plan may send, for exact per-(route, method, status) counts. */
export function plannedRequests(routes: ValidationRoutes): readonly PlannedRequest[] {
  return [
    { route: routes.health, method: "GET", status: 200 },
    { route: routes.register, method: "POST", status: 201 },
    { route: routes.signIn, method: "POST", status: 200 },
    { route: routes.messages, method: "POST", status: 201 },
    { route: routes.messages, method: "POST", status: 400 },
    { route: routes.chatroom, method: "GET", status: 200 },
    { route: routes.chatroom, method: "GET", status: 404 },
  ];
}

/** "route method status", the key every count of the plan goes by (Prometheus labels joined by a space). */
export const requestKey = (p: PlannedRequest): string => `${p.route} ${p.method} ${p.status}`;

/**
 * The password of every load-test account: the server wants 10+ characters, not the username.
 * Not a secret: the accounts exist only on the server under test.
 */
export const LOADTEST_PASSWORD = "loadtest password 0001";

/** Registration (201) and sign-in (200) of `username`: what a new user does first. */
export function accountRequests(routes: { readonly register: string; readonly signIn: string }, username: string): readonly PlanRequest[] {
  const body = JSON.stringify({ username, password: LOADTEST_PASSWORD });
  return [
    { route: routes.register, method: "POST", status: 201, path: routes.register, headers: JSON_HEADERS, body, check: "registered (201)" },
    { route: routes.signIn, method: "POST", status: 200, path: routes.signIn, headers: JSON_HEADERS, body, check: "signed in (200)" },
  ];
}

/**
 * Setup, once before the load: the server must be healthy, then a user of this run registers
 * and signs in (health, register, sign-in, in that order; the sign-in's token is the load's).
 */
export function setupRequests(ctx: ValidationPlanContext): readonly PlanRequest[] {
  return [
    { route: ctx.routes.health, method: "GET", status: 200, path: ctx.routes.health, headers: {}, body: null, check: "healthy (200)" },
    ...accountRequests(ctx.routes, `loadtest_${ctx.runId.slice(0, 8)}`),
  ];
}

/** The message iteration `i` posts carries this trace. */
export function messageTrace(ctx: ValidationPlanContext, i: number): { readonly traceId: string; readonly sampled: boolean } {
  return { traceId: traceIdOf(ctx.runId, i), sampled: isSampled(i, ctx.sampleEvery) };
}

/** The requests of iteration `i` (0-based over the whole run), in the order they are sent. */
export function iterationRequests(ctx: ValidationPlanContext, i: number, token: string): readonly PlanRequest[] {
  const { routes } = ctx;
  const auth = { authorization: `Bearer ${token}`, ...JSON_HEADERS };
  const messages = pathOf(routes.messages, ctx.chatroomId);
  const { traceId, sampled } = messageTrace(ctx, i);
  const out: PlanRequest[] = [
    {
      route: routes.messages,
      method: "POST",
      status: 201,
      path: messages,
      headers: { ...auth, traceparent: traceparent(traceId, sampled) },
      body: JSON.stringify({ content: `validation message ${i}` }),
      check: "message accepted (201)",
    },
  ];
  if (i % 10 === 5) {
    out.push({ route: routes.chatroom, method: "GET", status: 200, path: pathOf(routes.chatroom, ctx.chatroomId), headers: {}, body: null, check: "chatroom read (200)" });
  }
  if (i % 10 === 7) {
    out.push({ route: routes.messages, method: "POST", status: 400, path: messages, headers: auth, body: JSON.stringify({ content: "   " }), check: "empty message rejected (400)" });
  }
  if (i % 20 === 9) {
    out.push({ route: routes.chatroom, method: "GET", status: 404, path: pathOf(routes.chatroom, UNKNOWN_CHATROOM_ID), headers: {}, body: null, check: "unknown chatroom (404)" });
  }
  return out;
}

/** Exact count per requestKey a complete run of `iterations` iterations sends, setup included. */
export function expectedCounts(ctx: ValidationPlanContext, iterations: number): Map<string, number> {
  const counts = new Map(plannedRequests(ctx.routes).map((p) => [requestKey(p), 0]));
  const add = (p: PlannedRequest) => counts.set(requestKey(p), (counts.get(requestKey(p)) ?? 0) + 1);
  for (const r of setupRequests(ctx)) add(r);
  for (let i = 0; i < iterations; i++) for (const r of iterationRequests(ctx, i, "")) add(r);
  return counts;
}

/** WebSocket side: the events and channel a subscriber uses. */
export interface SubscriberContext {
  readonly channel: string;
  readonly events: { readonly subscribe: string; readonly subscribed: string; readonly chatMessage: string };
}

/** The frame a subscriber sends once connected. */
export const subscribeFrame = (ctx: SubscriberContext): string => JSON.stringify({ event: ctx.events.subscribe, data: { channel: ctx.channel } });

/** What a frame the server pushed means to a subscriber: its subscription confirmed, a chat message, or anything else. */
export function classifyFrame(ctx: SubscriberContext, text: string): "subscribed" | "chat" | "other" {
  let frame: { event?: unknown; channel?: unknown };
  try {
    frame = JSON.parse(text) as typeof frame;
  } catch {
    return "other";
  }
  if (frame.event === ctx.events.subscribed && frame.channel === ctx.channel) return "subscribed";
  if (frame.event === ctx.events.chatMessage) return "chat";
  return "other";
}

/** Subscribers connect this long (s) before the first message in the k6 script. */
export const WARMUP_S = 3;
/** Subscribers stay this long (s) after the last message so every push arrives before they close. */
export const DRAIN_S = 4;
