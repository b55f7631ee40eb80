import { describe, expect, it } from "vitest";
import { passwordProblem } from "../../protocol/index.ts";
import { PROFILE_SHAPES, PROFILES, iterationsOf } from "./profiles.ts";
import {
  classifyFrame,
  expectedCounts,
  iterationRequests,
  plannedRequests,
  requestKey,
  setupRequests,
  subscribeFrame,
  type ValidationPlanContext,
} from "./validation-plan.ts";

const routes = { health: "/healthz", register: "/api/auth/register", signIn: "/api/auth/sign-in", messages: "/api/chatrooms/:id/messages", chatroom: "/api/chatrooms/:id" };
const ctx: ValidationPlanContext = { runId: "00112233445566ff", sampleEvery: 10, chatroomId: "1001", routes };

/** How many i in [0, n) have i % m === r, counted without the plan. */
const residues = (n: number, m: number, r: number) => (n > r ? Math.floor((n - 1 - r) / m) + 1 : 0);

describe("validation plan", () => {
  it("sends one traced message per iteration, plus a room read, an empty post and an unknown room on fixed residues", () => {
    const at = (i: number) => iterationRequests(ctx, i, "tok").map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(at(0)).toEqual(["POST /api/chatrooms/1001/messages 201"]);
    expect(at(5)).toEqual(["POST /api/chatrooms/1001/messages 201", "GET /api/chatrooms/1001 200"]);
    expect(at(7)).toEqual(["POST /api/chatrooms/1001/messages 201", "POST /api/chatrooms/1001/messages 400"]);
    expect(at(9)).toEqual(["POST /api/chatrooms/1001/messages 201", "GET /api/chatrooms/no-such-room 404"]);
    expect(at(19)).toEqual(["POST /api/chatrooms/1001/messages 201"]);
    expect(at(29)).toEqual(["POST /api/chatrooms/1001/messages 201", "GET /api/chatrooms/no-such-room 404"]);
  });

  it("puts a W3C traceparent of the run's known trace id on the message, sampled every n-th", () => {
    const [m0] = iterationRequests(ctx, 0, "tok");
    const [m11] = iterationRequests(ctx, 11, "tok");
    const [m20] = iterationRequests(ctx, 20, "tok");
    expect(m0?.headers).toEqual({ authorization: "Bearer tok", "content-type": "application/json", traceparent: "00-00112233445566ff0000000000000000-0000000000000001-01" });
    expect(m11?.headers["traceparent"]).toBe("00-00112233445566ff000000000000000b-000000000000000b-00");
    expect(m20?.headers["traceparent"]).toMatch(/-01$/);
    expect(m0?.body).toBe('{"content":"validation message 0"}');
    // The empty message and the reads carry no trace context.
    const extras = [7, 9, 15].flatMap((i) => iterationRequests(ctx, i, "tok").slice(1));
    expect(extras).toHaveLength(3);
    for (const r of extras) expect(r.headers["traceparent"]).toBeUndefined();
  });

  it("only sends the planned kinds of request", () => {
    const kinds = new Set(plannedRequests(routes).map(requestKey));
    expect(kinds.size).toBe(7);
    for (let i = 0; i < 40; i++) for (const r of [...setupRequests(ctx), ...iterationRequests(ctx, i, "t")]) expect(kinds.has(requestKey(r)), requestKey(r)).toBe(true);
  });

  it.each(PROFILES)("expects exact per-(route, method, status) counts for the %s profile", (profile) => {
    const n = iterationsOf(PROFILE_SHAPES[profile].validation);
    expect(Object.fromEntries(expectedCounts(ctx, n))).toEqual({
      "/healthz GET 200": 1,
      "/api/auth/register POST 201": 1,
      "/api/auth/sign-in POST 200": 1,
      "/api/chatrooms/:id/messages POST 201": n,
      "/api/chatrooms/:id/messages POST 400": residues(n, 10, 7),
      "/api/chatrooms/:id GET 200": residues(n, 10, 5),
      "/api/chatrooms/:id GET 404": residues(n, 20, 9),
    });
  });

  it("gives the smoke profile 100 messages in 128 requests", () => {
    const counts = expectedCounts(ctx, iterationsOf(PROFILE_SHAPES.smoke.validation));
    expect(counts.get("/api/chatrooms/:id/messages POST 400")).toBe(10);
    expect(counts.get("/api/chatrooms/:id GET 404")).toBe(5);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(3 + 100 + 10 + 10 + 5);
  });

  it("registers, then signs in, with a username and password the server accepts", () => {
    const [, register, signIn] = setupRequests(ctx);
    expect([register?.path, register?.status, signIn?.path, signIn?.status]).toEqual(["/api/auth/register", 201, "/api/auth/sign-in", 200]);
    const account = { username: "loadtest_00112233", password: "loadtest password 0001" };
    expect(JSON.parse(register?.body ?? "")).toEqual(account);
    expect(JSON.parse(signIn?.body ?? "")).toEqual(account);
    expect(account.username).toMatch(/^[A-Za-z0-9_]{1,32}$/);
    expect(passwordProblem(account.username, account.password)).toBeUndefined();
  });
});

describe("subscriber frames", () => {
  const sub = { channel: "chatrooms.1001.v2", events: { subscribe: "pusher:subscribe", subscribed: "pusher_internal:subscription_succeeded", chatMessage: "App\\Events\\ChatMessageEvent" } };

  it("subscribe to the channel and tell confirmations from chat messages", () => {
    expect(JSON.parse(subscribeFrame(sub))).toEqual({ event: "pusher:subscribe", data: { channel: "chatrooms.1001.v2" } });
    expect(classifyFrame(sub, JSON.stringify({ event: "pusher_internal:subscription_succeeded", channel: "chatrooms.1001.v2", data: "{}" }))).toBe("subscribed");
    expect(classifyFrame(sub, JSON.stringify({ event: "pusher_internal:subscription_succeeded", channel: "chatrooms.1002.v2", data: "{}" }))).toBe("other");
    expect(classifyFrame(sub, JSON.stringify({ event: "App\\Events\\ChatMessageEvent", channel: "chatrooms.1001.v2", data: "{}" }))).toBe("chat");
    expect(classifyFrame(sub, JSON.stringify({ event: "pusher:connection_established", data: "{}" }))).toBe("other");
    expect(classifyFrame(sub, "not json")).toBe("other");
  });
});
