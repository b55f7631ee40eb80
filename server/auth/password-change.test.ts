// Issue 14, password change: POST /api/auth/password, against a real server on loopback
// (telemetry off, a cheap KDF). A wrong current password changes nothing; a right one replaces
// the hash and ends every other session, while the session that asked stays signed in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorResponse, SignInResponse } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { TEST_PASSWORD, api, signUp, testConfig } from "../testing/test-server.ts";

const errorOf = (json: unknown) => ErrorResponse.parse(json).error;
const signIn = (url: string, username: string, password: string) => api(url, "POST", "/api/auth/sign-in", { body: { username, password } });
const change = (url: string, token: string | undefined, body: unknown) => api(url, "POST", "/api/auth/password", { ...(token !== undefined ? { token } : {}), body });
/** Whether `token` is a live session: an authenticated read answers 404 for an unknown link, 401 for a dead token. */
const alive = async (url: string, token: string) => (await api(url, "GET", "/api/links/x", { token })).status === 404;

const NEW_PASSWORD = "a different long passphrase";

describe("password change", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer(testConfig(), createServerTelemetry());
  });
  afterAll(() => server.close());

  it("refuses a wrong current password with 403 and changes nothing: hash, sessions and sign-in as before", async () => {
    const { token } = await signUp(server.url, "carol");
    const other = SignInResponse.parse((await signIn(server.url, "carol", TEST_PASSWORD)).json).token;
    const hashBefore = server.state.account("carol")?.passwordHash;
    const r = await change(server.url, token, { currentPassword: "not carol's password", newPassword: NEW_PASSWORD });
    expect(r.status).toBe(403);
    expect(errorOf(r.json)).toEqual({ code: "invalid_credentials", message: "current password is wrong" });
    expect(server.state.account("carol")?.passwordHash).toBe(hashBefore);
    expect(server.state.sessionCount(server.state.account("carol")?.user.id)).toBe(2);
    expect([await alive(server.url, token), await alive(server.url, other)]).toEqual([true, true]);
    expect((await signIn(server.url, "carol", TEST_PASSWORD)).status).toBe(200);
    expect((await signIn(server.url, "carol", NEW_PASSWORD)).status).toBe(401);
  });

  it("with the right one: 204, the other sessions are refused, this one stays; the new password signs in and the old does not", async () => {
    const { token, user } = await signUp(server.url, "dave");
    const laptop = SignInResponse.parse((await signIn(server.url, "dave", TEST_PASSWORD)).json).token;
    const phone = SignInResponse.parse((await signIn(server.url, "dave", TEST_PASSWORD)).json).token;
    const bystander = (await signUp(server.url, "erin")).token;
    const r = await change(server.url, token, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(r.status).toBe(204);
    expect([await alive(server.url, token), await alive(server.url, laptop), await alive(server.url, phone)]).toEqual([true, false, false]);
    expect(server.state.sessionCount(user.id)).toBe(1);
    // Another user's sessions are not touched.
    expect(await alive(server.url, bystander)).toBe(true);
    const old = await signIn(server.url, "dave", TEST_PASSWORD);
    expect(old.status).toBe(401);
    expect(errorOf(old.json).code).toBe("invalid_credentials");
    expect(SignInResponse.parse((await signIn(server.url, "DAVE", NEW_PASSWORD)).json).user).toEqual(user);
  });

  it("enforces the sign-up policy on the new password, and a new one different from the current one, before checking anything else", async () => {
    const { token } = await signUp(server.url, "frank_1");
    const hashBefore = server.state.account("frank_1")?.passwordHash;
    const cases: [string, string][] = [
      ["123456789", "newPassword: password must be at least 10 characters"],
      ["x".repeat(257), "newPassword: password must be at most 256 characters"],
      [TEST_PASSWORD, "newPassword: new password must differ from the current one"],
    ];
    for (const [newPassword, message] of cases) {
      const r = await change(server.url, token, { currentPassword: TEST_PASSWORD, newPassword });
      expect(r.status).toBe(400);
      expect(errorOf(r.json)).toEqual({ code: "weak_password", message });
    }
    const sameAsName = await signUp(server.url, "frank_the_user");
    const r = await change(server.url, sameAsName.token, { currentPassword: TEST_PASSWORD, newPassword: "FRANK_THE_USER" });
    expect(errorOf(r.json)).toEqual({ code: "weak_password", message: "newPassword: password must not be the username" });
    const malformed = await change(server.url, token, { currentPassword: TEST_PASSWORD });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed.json).code).toBe("invalid_request");
    expect(server.state.account("frank_1")?.passwordHash).toBe(hashBefore);
  });

  it("needs a session: no token or a revoked one is a 401 and changes nothing", async () => {
    const { token } = await signUp(server.url, "grace");
    const hashBefore = server.state.account("grace")?.passwordHash;
    const none = await change(server.url, undefined, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(none.status).toBe(401);
    expect(errorOf(none.json).code).toBe("missing_token");
    expect((await api(server.url, "POST", "/api/auth/sign-out", { token })).status).toBe(204);
    const revoked = await change(server.url, token, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(revoked.status).toBe(401);
    expect(errorOf(revoked.json).code).toBe("invalid_token");
    expect(server.state.account("grace")?.passwordHash).toBe(hashBefore);
  });
});

describe("password change rate limits", () => {
  it("counts wrong current passwords against the account's failed sign-in budget, shared with sign-in (10 per 300 s by default)", async () => {
    // Default per-account limit; the per-address one lifted so the account's is what is seen.
    const server = await startChatServer(testConfig({ CHAT_SERVER_RATE_AUTH_PER_ACCOUNT: "10/300s" }), createServerTelemetry());
    try {
      const { token } = await signUp(server.url, "heidi");
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await change(server.url, token, { currentPassword: `guess number ${i}`, newPassword: NEW_PASSWORD })).status);
      for (let i = 0; i < 4; i++) statuses.push((await signIn(server.url, "heidi", `guess number ${i}`)).status);
      expect(statuses).toEqual([...Array<number>(8).fill(403), 401, 401, 429, 429]);
      const limited = await change(server.url, token, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Even the right password waits: a guesser cannot tell a hit from a miss while limited.
      expect((await signIn(server.url, "heidi", NEW_PASSWORD)).status).toBe(429);
    } finally {
      await server.close();
    }
  });

  it("takes from the address's sign-in and registration budget too", async () => {
    const server = await startChatServer(testConfig({ CHAT_SERVER_RATE_AUTH_PER_ADDRESS: "3/60s" }), createServerTelemetry());
    try {
      // Registering takes one of the three.
      const { token } = await signUp(server.url, "ivan");
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await change(server.url, token, { currentPassword: `guess number ${i}`, newPassword: NEW_PASSWORD })).status);
      expect(statuses).toEqual([403, 403, 429]);
      expect((await signIn(server.url, "ivan", TEST_PASSWORD)).status).toBe(429);
    } finally {
      await server.close();
    }
  });
});
