// Issue 14, rate limits behind a load balancer: the per-address buckets are keyed by the TCP
// peer unless it is a configured trusted proxy, and then by the rightmost X-Forwarded-For
// address that is not itself a trusted proxy. These floods run on loopback, so the test client
// plays the proxy (127.0.0.1 trusted) or a stranger (127.0.0.1 not trusted); each uses the
// default sign-in limit, 20 per address per minute.
import { afterEach, describe, expect, it } from "vitest";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { api, testConfig } from "../testing/test-server.ts";
import { upgradeStatus } from "../testing/ws-client.ts";
import { ClientAddresses, MAX_FORWARDED_HOPS } from "./client-address.ts";

/** The server's default per-address sign-in limit (20/60s), the other limits lifted. */
const serverWith = (env: Record<string, string>) =>
  startChatServer(testConfig({ CHAT_SERVER_RATE_AUTH_PER_ADDRESS: "20/60s", ...env }), createServerTelemetry());

/** One failed sign-in sent with X-Forwarded-For `forwarded` (none when undefined); its status. */
const attempt = async (server: ChatServer, forwarded: string | undefined, i = 0) =>
  (
    await api(server.url, "POST", "/api/auth/sign-in", {
      body: { username: `ghost_${i}`, password: "guessing-password" },
      ...(forwarded !== undefined ? { headers: { "x-forwarded-for": forwarded } } : {}),
    })
  ).status;

async function attempts(server: ChatServer, n: number, forwarded: (i: number) => string | undefined): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await attempt(server, forwarded(i), i));
  return out;
}
const count = (statuses: readonly number[], status: number) => statuses.filter((s) => s === status).length;

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("spoofed X-Forwarded-For from a peer that is not a trusted proxy", () => {
  it.each([
    ["no trusted proxies (the default)", {}],
    ["trusted proxies that do not include the peer", { CHAT_SERVER_TRUSTED_PROXIES: "10.0.0.0/8, 2001:db8::/32" }],
  ])("%s: a new address in the header each time still lands in the peer's bucket, 429 after 20", async (_, env) => {
    server = await serverWith(env);
    const r = await attempts(server, 30, (i) => `198.51.100.${i}, 203.0.113.${i}`);
    expect(count(r, 401)).toBe(20);
    expect(count(r, 429)).toBe(10);
    // The same bucket as requests without the header.
    expect(await attempt(server, undefined)).toBe(429);
  });
});

describe("behind a trusted proxy (127.0.0.1, the test client)", () => {
  it("gives two clients the proxy names two buckets: one flooding is limited, the other is not", async () => {
    server = await serverWith({ CHAT_SERVER_TRUSTED_PROXIES: "127.0.0.1" });
    const a = await attempts(server, 25, () => "203.0.113.1");
    expect([count(a, 401), count(a, 429)]).toEqual([20, 5]);
    expect(await attempt(server, "203.0.113.2")).toBe(401);
    // The proxy's own bucket (no header) is a third one, untouched.
    expect(await attempt(server, undefined)).toBe(401);
    expect(server.rateLimits.authPerAddress.size).toBe(3);
  });

  it("keys on the rightmost address that is not a trusted proxy: whatever a client prepends, it stays in its own bucket", async () => {
    server = await serverWith({ CHAT_SERVER_TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8" });
    // Client 203.0.113.1 through an inner proxy 10.1.2.3, each time claiming another origin.
    const r = await attempts(server, 25, (i) => `192.0.2.${i}, 198.51.100.${i}, 203.0.113.1, 10.1.2.3`);
    expect([count(r, 401), count(r, 429)]).toEqual([20, 5]);
    expect(await attempt(server, "203.0.113.1")).toBe(429);
    expect(server.rateLimits.authPerAddress.size).toBe(1);
  });

  it("keys malformed and oversized headers on the proxy: no one gets a fresh bucket by sending garbage", async () => {
    server = await serverWith({ CHAT_SERVER_TRUSTED_PROXIES: "127.0.0.1" });
    const garbage = [
      "not-an-address",
      "203.0.113.1, ",
      "203.0.113.999",
      "203.0.113.1 203.0.113.2",
      `${"9".repeat(8000)}`,
      `${"203.0.113.5,".repeat(600)}x`,
      "unknown",
      "[2001:db8::1",
      "2001:db8::1]:443",
    ];
    const r = await attempts(server, 25, (i) => garbage[i % garbage.length]);
    expect([count(r, 401), count(r, 429)]).toEqual([20, 5]);
    expect(await attempt(server, undefined)).toBe(429);
    expect(server.rateLimits.authPerAddress.size).toBe(1);
  });

  it("applies to WebSocket upgrades too", async () => {
    server = await serverWith({ CHAT_SERVER_TRUSTED_PROXIES: "127.0.0.1", CHAT_SERVER_RATE_WS_CONNECTS_PER_ADDRESS: "2/60s" });
    const url = server.wsUrl;
    const upgrade = (forwarded: string) => upgradeStatus(url, { "x-forwarded-for": forwarded });
    expect([await upgrade("203.0.113.1"), await upgrade("203.0.113.1"), await upgrade("203.0.113.1")]).toEqual([101, 101, 429]);
    expect(await upgrade("203.0.113.2")).toBe(101);
  });
});

describe("ClientAddresses.resolve", () => {
  const proxies = new ClientAddresses(["10.0.0.0/8", "192.0.2.7", "2001:db8:ffff::/48"]);

  it("believes the header only from a trusted peer", () => {
    expect(proxies.resolve("203.0.113.9", "198.51.100.1")).toBe("203.0.113.9");
    expect(proxies.resolve("10.0.0.5", "198.51.100.1")).toBe("198.51.100.1");
    expect(proxies.resolve("::ffff:10.0.0.5", "198.51.100.1")).toBe("198.51.100.1");
    expect(proxies.resolve("2001:db8:ffff::1", "2001:db8:1::9")).toBe("2001:db8:1::9");
    expect(proxies.resolve("10.0.0.5", undefined)).toBe("10.0.0.5");
    expect(new ClientAddresses([]).resolve("10.0.0.5", "198.51.100.1")).toBe("10.0.0.5");
  });

  it("takes the rightmost untrusted entry, with ports and brackets stripped and IPv4-mapped ones unwrapped", () => {
    expect(proxies.resolve("10.0.0.5", "1.1.1.1, 198.51.100.1, 192.0.2.7, 10.9.9.9")).toBe("198.51.100.1");
    expect(proxies.resolve("10.0.0.5", "198.51.100.1:4711")).toBe("198.51.100.1");
    expect(proxies.resolve("10.0.0.5", "[2001:db8:1::9]:443")).toBe("2001:db8:1::9");
    expect(proxies.resolve("10.0.0.5", "::ffff:198.51.100.1")).toBe("198.51.100.1");
    expect(proxies.resolve("10.0.0.5", ["1.1.1.1", "198.51.100.1"])).toBe("198.51.100.1");
    // Every entry trusted: the leftmost is where the request came from.
    expect(proxies.resolve("10.0.0.5", "10.1.1.1, 10.2.2.2")).toBe("10.1.1.1");
  });

  it("falls back to the peer for a malformed entry where the client should be, however long the header", () => {
    for (const bad of ["", " ", "garbage", "198.51.100.1,", "198.51.100.1, nonsense", "1.2.3", "x".repeat(100_000), `198.51.100.1,${"y".repeat(100_000)}`]) {
      expect(proxies.resolve("10.0.0.5", bad)).toBe("10.0.0.5");
    }
    // Garbage left of the client does not matter: it is never read.
    expect(proxies.resolve("10.0.0.5", `${"z".repeat(100_000)}, 198.51.100.1`)).toBe("198.51.100.1");
  });

  it(`reads at most ${MAX_FORWARDED_HOPS} entries from the right`, () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `10.0.0.${i + 1}`).join(", ");
    expect(proxies.resolve("10.0.0.5", `198.51.100.1, ${chain(MAX_FORWARDED_HOPS - 1)}`)).toBe("198.51.100.1");
    expect(proxies.resolve("10.0.0.5", `198.51.100.1, ${chain(MAX_FORWARDED_HOPS)}`)).toBe("10.0.0.1");
  });
});

describe("CHAT_SERVER_TRUSTED_PROXIES", () => {
  it("defaults to none and takes a comma list of addresses and CIDR blocks", () => {
    expect(loadConfig({}).rateLimits.trustedProxies).toEqual([]);
    expect(loadConfig({ CHAT_SERVER_TRUSTED_PROXIES: " 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32," }).rateLimits.trustedProxies).toEqual(["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]);
  });

  it("refuses a malformed list, naming the variable, its value and each bad entry", () => {
    const value = "10.0.0.0/33, proxy.internal, 0.0.0.0/0, ::/0, 10.0.0.1/8/2, fe80::1%eth0";
    let message = "";
    try {
      loadConfig({ CHAT_SERVER_TRUSTED_PROXIES: value });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain(`CHAT_SERVER_TRUSTED_PROXIES=${JSON.stringify(value)}: must be comma-separated IP addresses or CIDR blocks`);
    expect(message).toContain('"10.0.0.0/33" has a prefix length outside 1-32');
    expect(message).toContain('"proxy.internal" is not an IP address or CIDR block');
    expect(message).toContain('"0.0.0.0/0" trusts every address');
    expect(message).toContain('"::/0" trusts every address');
    expect(message).toContain('"10.0.0.1/8/2" is not an IP address or CIDR block');
    expect(message).toContain('"fe80::1%eth0" is not an IP address or CIDR block');
  });
});
