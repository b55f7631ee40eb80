// Issue 14, "who you are": sign-in needed only a name, so anyone could post as anyone, old
// tokens lived for ever and /api/users/1..n listed every account. Each finding as it was
// attacked, against a real server on loopback (telemetry off, a cheap KDF unless timed).
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorResponse, SignInResponse, UserResponse } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { MIGRATIONS, migrate } from "../store/migrations.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { TEST_PASSWORD, api, signUp, testConfig } from "../testing/test-server.ts";

const errorOf = (json: unknown) => ErrorResponse.parse(json).error;
const signIn = (url: string, username: string, password: string) => api(url, "POST", "/api/auth/sign-in", { body: { username, password } });

let server: ChatServer;
let alice: { token: string; user: { id: string; username: string } };

beforeAll(async () => {
  server = await startChatServer(testConfig(), createServerTelemetry());
  alice = await signUp(server.url, "alice");
});
afterAll(() => server.close());

describe("registration and sign-in", () => {
  it("does not let anyone sign in as alice by her name: no password is a 400, a wrong one the same 401 as an unknown user", async () => {
    const noPassword = await api(server.url, "POST", "/api/auth/sign-in", { body: { username: "ALICE" } });
    expect(noPassword.status).toBe(400);
    expect(errorOf(noPassword.json).message).toMatch(/^invalid request body: password: /);
    const wrong = await signIn(server.url, "ALICE", "not her password at all");
    const unknown = await signIn(server.url, "nobody_here", "not her password at all");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
    expect(errorOf(wrong.json)).toEqual({ code: "invalid_credentials", message: "username or password is wrong" });
    // Her real password, in any case of her name, is alice.
    const good = SignInResponse.parse((await signIn(server.url, "ALICE", TEST_PASSWORD)).json);
    expect(good.user).toEqual(alice.user);
  });

  it("keeps names unique case-insensitively and enforces the password policy", async () => {
    const taken = await api(server.url, "POST", "/api/auth/register", { body: { username: "Alice", password: "another long password" } });
    expect(taken.status).toBe(409);
    expect(errorOf(taken.json).code).toBe("username_taken");
    const short = await api(server.url, "POST", "/api/auth/register", { body: { username: "shorty", password: "123456789" } });
    expect(short.status).toBe(400);
    expect(errorOf(short.json)).toEqual({ code: "weak_password", message: "password: password must be at least 10 characters" });
    const same = await api(server.url, "POST", "/api/auth/register", { body: { username: "samename_1", password: "SameName_1" } });
    expect(same.status).toBe(400);
    expect(errorOf(same.json)).toEqual({ code: "weak_password", message: "password: password must not be the username" });
  });

  it("stores a salted scrypt hash, never the password", async () => {
    await signUp(server.url, "twin_a");
    await signUp(server.url, "twin_b");
    const a = server.state.account("twin_a")?.passwordHash ?? "";
    const b = server.state.account("twin_b")?.passwordHash ?? "";
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toContain(TEST_PASSWORD);
    // Same password, different salt: different hashes.
    expect(a).not.toBe(b);
  });
});

describe("sessions", () => {
  it("revokes a session at sign-out: the token is refused afterwards", async () => {
    const { token } = await signUp(server.url, "leaver");
    expect((await api(server.url, "GET", "/api/links/x", { token })).status).toBe(404);
    expect((await api(server.url, "POST", "/api/auth/sign-out", { token })).status).toBe(204);
    const after = await api(server.url, "GET", "/api/links/x", { token });
    expect(after.status).toBe(401);
    expect(errorOf(after.json).code).toBe("invalid_token");
    expect((await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: "still me?" } })).status).toBe(401);
  });

  it("expires a session left idle, and one past its maximum age however much it is used", async () => {
    const short = await startChatServer(testConfig({ CHAT_SERVER_SESSION_IDLE_MS: "1000", CHAT_SERVER_SESSION_MAX_AGE_MS: "2500" }), createServerTelemetry());
    try {
      const idle = (await signUp(short.url, "idler")).token;
      const busy = (await signUp(short.url, "busy")).token;
      const check = (token: string) => api(short.url, "GET", "/api/links/x", { token }).then((r) => r.status);
      // `busy` is used every 300 ms, `idle` never again.
      for (let t = 0; t < 2000; t += 300) {
        expect(await check(busy)).toBe(404);
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(await check(idle)).toBe(401);
      expect(await check(busy)).toBe(404);
      await new Promise((r) => setTimeout(r, 800));
      expect(await check(busy)).toBe(401);
      expect(short.state.sessionCount()).toBe(0);
    } finally {
      await short.close();
    }
  });

  it("keeps at most CHAT_SERVER_MAX_SESSIONS_PER_USER sessions, revoking the oldest", async () => {
    const capped = await startChatServer(testConfig({ CHAT_SERVER_MAX_SESSIONS_PER_USER: "3" }), createServerTelemetry());
    try {
      const first = await signUp(capped.url, "many_devices");
      const tokens = [first.token];
      for (let i = 0; i < 4; i++) tokens.push(SignInResponse.parse((await signIn(capped.url, "many_devices", TEST_PASSWORD)).json).token);
      const statuses = await Promise.all(tokens.map((token) => api(capped.url, "GET", "/api/links/x", { token }).then((r) => r.status)));
      expect(statuses).toEqual([401, 401, 404, 404, 404]);
      expect(capped.state.sessionCount(first.user.id)).toBe(3);
    } finally {
      await capped.close();
    }
  });

  it("revokes every session issued before passwords when the schema is migrated", () => {
    const db = new DatabaseSync(":memory:");
    migrate(db, "old", MIGRATIONS.slice(0, 1));
    db.exec("INSERT INTO users (username, username_key, created_at) VALUES ('alice', 'alice', '2024-01-01T00:00:00Z')");
    db.exec("INSERT INTO sessions (token_hash, user_id, created_at) VALUES ('old-hash', 1, '2024-01-01T00:00:00Z')");
    migrate(db, "old");
    expect(db.prepare("SELECT count(*) AS n FROM sessions").get()).toEqual({ n: 0 });
    // The old account keeps its name but has no password, so it cannot be signed in to.
    expect(db.prepare("SELECT password_hash FROM users WHERE username_key = 'alice'").get()).toEqual({ password_hash: null });
    db.close();
  });
});

describe("user lookup", () => {
  it("shows a profile only to signed-in users, only of themselves and of users who have posted where they can read", async () => {
    const lurker = await signUp(server.url, "lurker");
    const byId = (id: string, token?: string) => api(server.url, "GET", `/api/users/${id}`, token === undefined ? {} : { token });
    expect((await byId(lurker.user.id)).status).toBe(401);
    // Own profile.
    expect(UserResponse.parse((await byId(lurker.user.id, lurker.token)).json).username).toBe("lurker");
    // Someone who never posted looks exactly like an id that does not exist.
    const hidden = await byId(lurker.user.id, alice.token);
    const missing = await byId("99999", alice.token);
    expect(hidden.status).toBe(404);
    expect(errorOf(hidden.json)).toEqual({ code: "user_not_found", message: `user ${lurker.user.id} does not exist` });
    expect(errorOf(missing.json).code).toBe("user_not_found");
    // Walking every id finds only who has spoken (the history shows them anyway).
    const found: string[] = [];
    for (let id = 1; id <= 20; id++) {
      const r = await byId(String(id), alice.token);
      if (r.status === 200) found.push(UserResponse.parse(r.json).username);
    }
    expect(found).toEqual(["alice"]);
    // Once the lurker posts, their sender profile is visible to readers of the room.
    expect((await api(server.url, "POST", "/api/chatrooms/1001/messages", { token: lurker.token, body: { content: "hi" } })).status).toBe(201);
    expect((await byId(lurker.user.id, alice.token)).status).toBe(200);
  });
});
