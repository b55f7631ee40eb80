// Test helpers: the server's config with test defaults, and a JSON client for its API.
import { loadConfig } from "../config.ts";
import type { ServerConfig } from "../config.ts";

/**
 * What tests run with unless they say otherwise: a cheap password hash (2^10, not 2^15: tests
 * register many users) and rate limits far above what any test sends. The tests of the limits
 * and of the hash set their own (or use loadConfig's defaults).
 */
export const TEST_RATE_LIMITS: Readonly<Record<string, string>> = {
  CHAT_SERVER_RATE_AUTH_PER_ADDRESS: "100000/1s",
  CHAT_SERVER_RATE_AUTH_PER_ACCOUNT: "100000/1s",
  CHAT_SERVER_RATE_POSTS_PER_ACCOUNT: "100000/1s",
  CHAT_SERVER_RATE_BAD_TOKENS_PER_ADDRESS: "100000/1s",
  CHAT_SERVER_RATE_WS_CONNECTS_PER_ADDRESS: "100000/1s",
  CHAT_SERVER_RATE_WS_FRAMES_PER_ADDRESS: "100000/1s",
  CHAT_SERVER_RATE_WS_FRAMES_PER_SOCKET: "100000/1s",
};
export const TEST_ENV: Readonly<Record<string, string>> = { CHAT_SERVER_SCRYPT_LOG_N: "10", ...TEST_RATE_LIMITS };

/** Config for tests: ephemeral port, telemetry off unless the test starts it, 100 % sampling. */
export function testConfig(env: Readonly<Record<string, string>> = {}): ServerConfig {
  // Production refuses a cheap KDF; tests of production settings get the real one.
  const base = env.NODE_ENV === "production" ? TEST_RATE_LIMITS : TEST_ENV;
  return loadConfig({ NODE_ENV: "test", PORT: "0", OTEL_SDK_DISABLED: "true", ...base, ...env });
}

export interface ApiReply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

export interface ApiCall {
  readonly body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  readonly raw?: string;
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export async function api(baseUrl: string, method: string, path: string, call: ApiCall = {}): Promise<ApiReply> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
  let body: string | undefined = call.raw;
  if (body === undefined && call.body !== undefined) body = JSON.stringify(call.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

/** The password test users get: passes the policy (10+ characters, not the username). */
export const TEST_PASSWORD = "correct horse battery staple";

/** Registers `username` (with TEST_PASSWORD unless given) and returns its session token and user. */
export async function signUp(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<{ token: string; user: { id: string; username: string } }> {
  const r = await api(baseUrl, "POST", "/api/auth/register", { body: { username, password } });
  if (r.status !== 201) throw new Error(`registering ${username} answered ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json as { token: string; user: { id: string; username: string } };
}
