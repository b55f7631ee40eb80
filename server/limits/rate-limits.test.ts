// Issue 14, rate limits: 20k sign-ins, posts and bad tokens at ~5k/s were never refused, and a
// sign-in flood grew the heap until it ran out. Each flood here is a few hundred requests from
// one address against the server's default limits (only the KDF cost is lowered, to keep the
// test fast); every answer past a limit must be a 429 with Retry-After, and memory bounded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ErrorResponse } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { loadConfig } from "../config.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { TEST_PASSWORD, api, signUp } from "../testing/test-server.ts";
import { upgradeStatus } from "../testing/ws-client.ts";
import { TokenBuckets, addressKey } from "./token-bucket.ts";

/** The server's defaults, but a 2^10 KDF so the requests that pass are quick. */
const defaults = (env: Record<string, string> = {}) =>
  loadConfig({ NODE_ENV: "test", PORT: "0", OTEL_SDK_DISABLED: "true", CHAT_SERVER_SCRYPT_LOG_N: "10", ...env });

/** Sends `n` requests, `parallel` at a time; the statuses in order and the Retry-After of each 429. */
async function flood(n: number, parallel: number, send: (i: number) => Promise<{ status: number; headers: Headers }>) {
  const statuses: number[] = [];
  const retryAfter: number[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, (_, k) => send(i + k)));
    for (const r of batch) {
      statuses.push(r.status);
      if (r.status === 429) retryAfter.push(Number(r.headers.get("retry-after")));
    }
  }
  return { statuses, retryAfter, count: (status: number) => statuses.filter((s) => s === status).length };
}

describe("HTTP floods from one address, default limits", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer(defaults(), createServerTelemetry());
  });
  afterAll(() => server.close());

  it("sign-in: 20 attempts a minute per address, the rest 429 with Retry-After; no session or user is created by the flood", async () => {
    const sessionsBefore = server.state.sessionCount();
    const r = await flood(400, 50, (i) => api(server.url, "POST", "/api/auth/sign-in", { body: { username: `ghost_${i}`, password: "guessing-password" } }));
    expect(r.count(401)).toBe(20);
    expect(r.count(429)).toBe(380);
    expect(r.retryAfter.every((s) => s >= 1 && s <= 60)).toBe(true);
    expect(server.state.sessionCount()).toBe(sessionsBefore);
    expect(server.rateLimits.counts().limited.auth_address).toBe(380);
    // Registration shares the budget: none left.
    const reg = await api(server.url, "POST", "/api/auth/register", { body: { username: "late_comer", password: TEST_PASSWORD } });
    expect(reg.status).toBe(429);
    expect(ErrorResponse.parse(reg.json).error.code).toBe("rate_limited");
  });
});

describe("per-account limits", () => {
  let server: ChatServer;
  beforeAll(async () => {
    // Per-address auth limit lifted so the per-account one is what is seen.
    server = await startChatServer(defaults({ CHAT_SERVER_RATE_AUTH_PER_ADDRESS: "100000/1s" }), createServerTelemetry());
  });
  afterAll(() => server.close());

  it("failed sign-ins: 10 per account, then 429 for that account only; good sign-ins do not count", async () => {
    await signUp(server.url, "target");
    await signUp(server.url, "bystander");
    for (let i = 0; i < 12; i++) expect((await api(server.url, "POST", "/api/auth/sign-in", { body: { username: "bystander", password: TEST_PASSWORD } })).status).toBe(200);
    const r = await flood(100, 20, () => api(server.url, "POST", "/api/auth/sign-in", { body: { username: "TARGET", password: "wrong password guess" } }));
    expect(r.count(401)).toBe(10);
    expect(r.count(429)).toBe(90);
    expect((await api(server.url, "POST", "/api/auth/sign-in", { body: { username: "bystander", password: TEST_PASSWORD } })).status).toBe(200);
  });

  it("posts: 20 at once per account, then 429 with Retry-After; another account still posts", async () => {
    const spammer = await signUp(server.url, "spammer");
    const other = await signUp(server.url, "other_poster");
    const r = await flood(300, 50, (i) => api(server.url, "POST", "/api/chatrooms/1001/messages", { token: spammer.token, body: { content: `spam ${i}` } }));
    // A token or two may refill while the flood runs (2 per second).
    expect(r.count(201)).toBeGreaterThanOrEqual(20);
    expect(r.count(201)).toBeLessThanOrEqual(24);
    expect(r.count(429)).toBe(300 - r.count(201));
    expect(r.retryAfter.every((s) => s === 1)).toBe(true);
    expect((await api(server.url, "POST", "/api/chatrooms/1001/messages", { token: other.token, body: { content: "still here" } })).status).toBe(201);
  });
});

describe("bad tokens and WebSockets from one address, default limits", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer(defaults(), createServerTelemetry());
  });
  afterAll(() => server.close());

  it("bad tokens: 30 a minute answered 401, the rest 429", async () => {
    const r = await flood(500, 50, (i) => api(server.url, "GET", "/api/links/x", { token: `forged-${i}` }));
    expect(r.count(401)).toBe(30);
    expect(r.count(429)).toBe(470);
  });

  it("WebSocket upgrades: 60 a minute per address, the rest refused with 429", async () => {
    const outcomes = await Promise.all(Array.from({ length: 100 }, () => upgradeStatus(server.wsUrl)));
    expect(outcomes.filter((s) => s === 101)).toHaveLength(60);
    expect(outcomes.filter((s) => s === 429)).toHaveLength(40);
  });
});

describe("WebSocket frames", () => {
  it("closes a socket that sends more than its frames per second (1008), and counts it", async () => {
    const server = await startChatServer(defaults(), createServerTelemetry());
    try {
      const ws = new WebSocket(server.wsUrl);
      await new Promise((resolve) => ws.once("open", resolve));
      const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
      for (let i = 0; i < 200; i++) ws.send(JSON.stringify({ event: "pusher:ping", data: {} }));
      expect(await closed).toBe(1008);
      expect(server.rateLimits.counts().limited.ws_frame_socket).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe("token buckets", () => {
  it("hold at most maxKeys buckets whatever the number of clients, evicting the least recently used and counting it", () => {
    let now = 0;
    const buckets = new TokenBuckets({ rate: { capacity: 2, windowS: 10 }, maxKeys: 100, now: () => now });
    for (let i = 0; i < 20_000; i++) buckets.take(`10.0.${i >> 8}.${i & 255}`);
    expect(buckets.size).toBe(100);
    expect(buckets.evictions).toBe(19_900);
    // A key in use stays: it is the most recent, so eviction takes others.
    expect(buckets.take("hot")).toBe(0);
    expect(buckets.take("hot")).toBe(0);
    for (let i = 0; i < 50; i++) buckets.take(`cold-${i}`);
    expect(buckets.take("hot")).toBe(5);
    now += 5_000;
    expect(buckets.take("hot")).toBe(0);
  });

  it("key IPv4 addresses as they are and IPv6 ones by their /64", () => {
    expect(addressKey("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(addressKey("203.0.113.9")).toBe("203.0.113.9");
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey(undefined)).toBe("unknown");
  });
});
