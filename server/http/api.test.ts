// The HTTP API over a real loopback socket, telemetry off: every route and every bad input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChatroomResponse,
  EmoteSetResponse,
  ErrorResponse,
  HealthResponse,
  ListChatroomsResponse,
  MAX_BODY_BYTES,
  MAX_HISTORY_PAGE,
  MAX_MESSAGE_LENGTH,
  PostMessageResponse,
  SignInResponse,
  UserResponse,
} from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import { FAULT_DELAY_MS, FAULT_HEADER } from "./fault-injection.ts";
import type { ChatServer } from "../app.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { TEST_PASSWORD, api, testConfig, signUp } from "../testing/test-server.ts";

let server: ChatServer;
let token: string;
let userId: string;

beforeAll(async () => {
  server = await startChatServer(testConfig(), createServerTelemetry());
  const signed = await signUp(server.url, "alice");
  token = signed.token;
  userId = signed.user.id;
});
afterAll(() => server.close());

const errorOf = (json: unknown) => ErrorResponse.parse(json).error;

describe("sign-in", () => {
  it("returns a token and the user; signing in again keeps the user id", async () => {
    const r = await api(server.url, "POST", "/api/auth/sign-in", { body: { username: "alice", password: TEST_PASSWORD } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ token: expect.any(String), user: { id: userId, username: "alice" } });
    const body = SignInResponse.parse(r.json);
    expect(body.token).not.toBe(token);
  });

  it("rejects a username with forbidden characters, naming the field", async () => {
    const r = await api(server.url, "POST", "/api/auth/sign-in", { body: { username: "al ice!", password: TEST_PASSWORD } });
    expect(r.status).toBe(400);
    expect(errorOf(r.json)).toEqual({ code: "invalid_request", message: "invalid request body: username: letters, digits and _ only" });
  });

  it("rejects malformed JSON with 400", async () => {
    const r = await api(server.url, "POST", "/api/auth/sign-in", { raw: '{"username": ' });
    expect(r.status).toBe(400);
    expect(errorOf(r.json).code).toBe("malformed_json");
    expect(errorOf(r.json).message).toMatch(/^request body is not valid JSON: /);
  });

  it("rejects an empty body with 400", async () => {
    const r = await api(server.url, "POST", "/api/auth/sign-in", { raw: "" });
    expect(r.status).toBe(400);
    expect(errorOf(r.json).code).toBe("empty_body");
  });

  it(`rejects a body over ${MAX_BODY_BYTES} bytes with 413`, async () => {
    const r = await api(server.url, "POST", "/api/auth/sign-in", { body: { username: "x".repeat(MAX_BODY_BYTES) } });
    expect(r.status).toBe(413);
    expect(errorOf(r.json)).toEqual({ code: "body_too_large", message: `request body is ${MAX_BODY_BYTES + 15} bytes; the limit is ${MAX_BODY_BYTES}` });
  });
});

describe("chatrooms and emotes", () => {
  it("lists the seeded chatrooms", async () => {
    const r = await api(server.url, "GET", "/api/chatrooms");
    expect(r.status).toBe(200);
    const { chatrooms } = ListChatroomsResponse.parse(r.json);
    expect(chatrooms.map((c) => c.id)).toEqual(["1001", "1002", "1003", "1004"]);
  });

  it("returns one chatroom, and 404 for an unknown one", async () => {
    const ok = await api(server.url, "GET", "/api/chatrooms/1002");
    expect(ChatroomResponse.parse(ok.json).chatroom.streamerName).toBe("pixel_pete");
    const missing = await api(server.url, "GET", "/api/chatrooms/9999");
    expect(missing.status).toBe(404);
    expect(errorOf(missing.json)).toEqual({ code: "chatroom_not_found", message: "chatroom 9999 does not exist" });
  });

  it("returns a chatroom's emote set, and 404 for an unknown room", async () => {
    const ok = await api(server.url, "GET", "/api/chatrooms/1002/emotes");
    expect(ok.status).toBe(200);
    const set = EmoteSetResponse.parse(ok.json);
    expect(set.chatroomId).toBe("1002");
    expect(set.emotes.map((e) => e.name)).toContain("peteHype");
    const missing = await api(server.url, "GET", "/api/chatrooms/nope/emotes");
    expect(missing.status).toBe(404);
    expect(errorOf(missing.json).code).toBe("chatroom_not_found");
  });
});

describe("chatroom history", () => {
  it("pages the history with olderCursor, oldest first within and across pages", async () => {
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await api(server.url, "POST", "/api/chatrooms/1004/messages", { token, body: { content: `history ${i}` } });
      posted.push(PostMessageResponse.parse(r.json).message.id);
    }
    const pages: string[][] = [];
    let before: string | undefined;
    for (let i = 0; i < 10; i++) {
      const r = await api(server.url, "GET", `/api/chatrooms/1004?limit=2${before !== undefined ? `&before=${before}` : ""}`);
      expect(r.status).toBe(200);
      const page = ChatroomResponse.parse(r.json);
      pages.push(page.messages.map((m) => m.id));
      before = page.olderCursor;
      if (before === undefined) break;
    }
    expect(pages).toEqual([posted.slice(3, 5), posted.slice(1, 3), posted.slice(0, 1)]);
    // Without a limit, the latest page holds everything this room has.
    const whole = ChatroomResponse.parse((await api(server.url, "GET", "/api/chatrooms/1004")).json);
    expect([whole.messages.map((m) => m.id), whole.olderCursor]).toEqual([posted, undefined]);
  });

  it("400 naming the parameter for a bad cursor or limit", async () => {
    const cases: [string, string, string][] = [
      ["before=abc", "invalid_cursor", 'before must be an olderCursor from an earlier page; got "abc"'],
      ["limit=0", "invalid_limit", `limit must be a whole number from 1 to ${MAX_HISTORY_PAGE}; got "0"`],
      [`limit=${MAX_HISTORY_PAGE + 1}`, "invalid_limit", `limit must be a whole number from 1 to ${MAX_HISTORY_PAGE}; got "${MAX_HISTORY_PAGE + 1}"`],
    ];
    for (const [query, code, message] of cases) {
      const r = await api(server.url, "GET", `/api/chatrooms/1001?${query}`);
      expect(r.status, query).toBe(400);
      expect(errorOf(r.json)).toEqual({ code, message });
    }
  });
});

describe("posting a message", () => {
  const post = (body: unknown, opts: { token?: string; room?: string; raw?: string } = {}) =>
    api(server.url, "POST", `/api/chatrooms/${opts.room ?? "1001"}/messages`, {
      ...(opts.raw !== undefined ? { raw: opts.raw } : { body }),
      ...("token" in opts ? (opts.token === undefined ? {} : { token: opts.token }) : { token }),
    });

  it("accepts a message, returns it with its links and keeps it in the room's history", async () => {
    const r = await post({ content: "hello https://example.invalid/a and https://example.invalid/b." });
    expect(r.status).toBe(201);
    const { message } = PostMessageResponse.parse(r.json);
    expect(message).toMatchObject({ chatroomId: "1001", sender: { id: userId, username: "alice" }, type: "regular" });
    expect(message.links.map((l) => l.url)).toEqual(["https://example.invalid/a", "https://example.invalid/b"]);
    const room = ChatroomResponse.parse((await api(server.url, "GET", "/api/chatrooms/1001")).json);
    expect(room.messages.map((m) => m.id)).toContain(message.id);
  });

  it("401 without a token", async () => {
    const r = await post({ content: "hi" }, { token: undefined });
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(errorOf(r.json).code).toBe("missing_token");
  });

  it("401 with a token the server never issued", async () => {
    const r = await post({ content: "hi" }, { token: "not-a-token" });
    expect(r.status).toBe(401);
    expect(errorOf(r.json)).toEqual({ code: "invalid_token", message: "token is not valid (expired, revoked or never issued); sign in again" });
  });

  it("401 with a malformed Authorization header", async () => {
    const r = await api(server.url, "POST", "/api/chatrooms/1001/messages", { body: { content: "hi" }, headers: { authorization: "Basic abc" } });
    expect(r.status).toBe(401);
    expect(errorOf(r.json).message).toBe("Authorization header must be 'Bearer <token>'");
  });

  it("404 for an unknown room", async () => {
    const r = await post({ content: "hi" }, { room: "4242" });
    expect(r.status).toBe(404);
    expect(errorOf(r.json).code).toBe("chatroom_not_found");
  });

  it("400 for an empty or blank message", async () => {
    for (const content of ["", "   \n "]) {
      const r = await post({ content });
      expect(r.status).toBe(400);
      expect(errorOf(r.json)).toEqual({ code: "message_empty", message: "content: message is empty" });
    }
  });

  it(`413 for a message longer than ${MAX_MESSAGE_LENGTH} characters`, async () => {
    const r = await post({ content: "a".repeat(MAX_MESSAGE_LENGTH + 1) });
    expect(r.status).toBe(413);
    expect(errorOf(r.json)).toEqual({ code: "message_too_long", message: `content: message is longer than ${MAX_MESSAGE_LENGTH} characters` });
    const atLimit = await post({ content: "a".repeat(MAX_MESSAGE_LENGTH) });
    expect(atLimit.status).toBe(201);
  });

  it("400 for malformed JSON", async () => {
    const r = await post(undefined, { raw: "{content: hi}" });
    expect(r.status).toBe(400);
    expect(errorOf(r.json).code).toBe("malformed_json");
  });

  it("400 naming the field for a missing content or an unknown type", async () => {
    const missing = await post({ text: "hi" });
    expect(missing.status).toBe(400);
    expect(errorOf(missing.json).message).toMatch(/^invalid request body: content: /);
    const badType = await post({ content: "hi", type: "shout" });
    expect(badType.status).toBe(400);
    expect(errorOf(badType.json).message).toMatch(/^invalid request body: type: /);
  });
});

describe("replies (replyTo)", () => {
  const post = (body: unknown, room = "1001") => api(server.url, "POST", `/api/chatrooms/${room}/messages`, { token, body });
  const parentIn = async (room: string) => PostMessageResponse.parse((await post({ content: `parent in ${room}` }, room)).json).message;

  it("accepts a reply to a message of the room, returns and keeps its replyTo", async () => {
    const parent = await parentIn("1001");
    expect(parent.replyTo).toBeUndefined();
    const r = await post({ content: "a reply", type: "reply", replyTo: parent.id });
    expect(r.status).toBe(201);
    const { message } = PostMessageResponse.parse(r.json);
    expect(message).toMatchObject({ type: "reply", replyTo: parent.id, content: "a reply", sender: { id: userId } });
    const room = ChatroomResponse.parse((await api(server.url, "GET", "/api/chatrooms/1001")).json);
    expect(room.messages.find((m) => m.id === message.id)?.replyTo).toBe(parent.id);
    // A reply to a reply is a reply like any other.
    const nested = await post({ content: "and a reply to the reply", type: "reply", replyTo: message.id });
    expect(PostMessageResponse.parse(nested.json).message.replyTo).toBe(message.id);
  });

  it("422 naming the id for a replyTo no message of the room has, and stores nothing", async () => {
    const before = server.state.messages("1001").length;
    const r = await post({ content: "to nobody", type: "reply", replyTo: "no-such-message" });
    expect(r.status).toBe(422);
    expect(errorOf(r.json)).toEqual({ code: "reply_target_not_found", message: "replyTo: message no-such-message does not exist in chatroom 1001" });
    expect(server.state.messages("1001").length).toBe(before);
  });

  it("422 for a reply to a message of another chatroom", async () => {
    const elsewhere = await parentIn("1002");
    const r = await post({ content: "wrong room", type: "reply", replyTo: elsewhere.id });
    expect(r.status).toBe(422);
    expect(errorOf(r.json)).toEqual({ code: "reply_target_not_found", message: `replyTo: message ${elsewhere.id} does not exist in chatroom 1001` });
  });

  it("400 naming the field when replyTo and type reply do not go together, or replyTo is malformed", async () => {
    const parent = await parentIn("1001");
    const cases: [unknown, string][] = [
      [{ content: "no target", type: "reply" }, 'invalid request body: replyTo: a message of type "reply" needs replyTo, the id of the message it answers'],
      [{ content: "target, default type", replyTo: parent.id }, 'invalid request body: type: must be "reply" when replyTo is set (got "regular")'],
      [{ content: "target, command", type: "command", replyTo: parent.id }, 'invalid request body: type: must be "reply" when replyTo is set (got "command")'],
      [{ content: "long id", type: "reply", replyTo: "x".repeat(65) }, "invalid request body: replyTo: message id is longer than 64 characters"],
      [{ content: "empty id", type: "reply", replyTo: "" }, "invalid request body: replyTo: message id is empty"],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(r.json), JSON.stringify(body)).toEqual({ code: "invalid_request", message });
    }
    const numeric = await post({ content: "numeric id", type: "reply", replyTo: 42 });
    expect(numeric.status).toBe(400);
    expect(errorOf(numeric.json).message).toMatch(/^invalid request body: replyTo: /);
  });
});

describe("users, links, health and unknown routes", () => {
  it("returns a user to a signed-in caller; 404 for an unknown user; 401 without a token", async () => {
    const ok = await api(server.url, "GET", `/api/users/${userId}`, { token });
    expect(ok.status).toBe(200);
    expect(UserResponse.parse(ok.json)).toEqual({ id: userId, username: "alice", createdAt: expect.any(String) });
    const missing = await api(server.url, "GET", "/api/users/777", { token });
    expect(missing.status).toBe(404);
    expect(errorOf(missing.json)).toEqual({ code: "user_not_found", message: "user 777 does not exist" });
    expect((await api(server.url, "GET", `/api/users/${userId}`)).status).toBe(401);
  });

  it("404 for an unknown link id; 401 without a token", async () => {
    const r = await api(server.url, "GET", "/api/links/does-not-exist", { token });
    expect(r.status).toBe(404);
    expect(errorOf(r.json)).toEqual({ code: "link_not_found", message: "link does-not-exist does not exist" });
    expect((await api(server.url, "GET", "/api/links/does-not-exist")).status).toBe(401);
  });

  it("answers /healthz", async () => {
    const r = await api(server.url, "GET", "/healthz");
    expect(HealthResponse.parse(r.json).status).toBe("ok");
  });

  it("404 route_not_found for an unknown path", async () => {
    const r = await api(server.url, "GET", "/api/nope");
    expect(r.status).toBe(404);
    expect(errorOf(r.json)).toEqual({ code: "route_not_found", message: "no route for GET /api/nope" });
  });

  it("405 with an Allow header for a known path and the wrong method", async () => {
    const r = await api(server.url, "DELETE", "/api/chatrooms");
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("GET, HEAD");
    expect(errorOf(r.json).code).toBe("method_not_allowed");
  });
});

describe("fault injection (x-beacon-fault)", () => {
  const post = (url: string, fault: string) =>
    api(url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: `fault ${fault}` }, headers: { [FAULT_HEADER]: fault } });

  it("is ignored unless CHAT_SERVER_FAULT_INJECTION is on", async () => {
    expect((await post(server.url, "500")).status).toBe(201);
  });

  it("when on: 500 fails the handler, delay holds the answer, an unknown value is a 400", async () => {
    const faulty = await startChatServer(testConfig({ CHAT_SERVER_FAULT_INJECTION: "true" }), createServerTelemetry());
    try {
      const signed = (await signUp(faulty.url, "alice"));
      const send = (fault: string) =>
        api(faulty.url, "POST", "/api/chatrooms/1001/messages", { token: signed.token, body: { content: `fault ${fault}` }, headers: { [FAULT_HEADER]: fault } });
      const failed = await send("500");
      expect(failed.status).toBe(500);
      expect(errorOf(failed.json).code).toBe("internal_error");
      expect(faulty.state.messages("1001").some((m) => m.content === "fault 500")).toBe(false);
      const t0 = performance.now();
      const delayed = await send("delay");
      expect(delayed.status).toBe(201);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(FAULT_DELAY_MS - 5);
      const unknown = await send("explode");
      expect(unknown.status).toBe(400);
      expect(errorOf(unknown.json)).toEqual({ code: "invalid_fault", message: `${FAULT_HEADER} must be one of 500, delay; got "explode"` });
    } finally {
      await faulty.close();
    }
  });
});
