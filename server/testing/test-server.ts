// Test helpers: the server's config with test defaults, and a JSON client for its API.
import { loadConfig } from "../config.ts";
import type { ServerConfig } from "../config.ts";

/** Config for tests: ephemeral port, telemetry off unless the test starts it, 100 % sampling. */
export function testConfig(env: Readonly<Record<string, string>> = {}): ServerConfig {
  return loadConfig({ NODE_ENV: "test", PORT: "0", OTEL_SDK_DISABLED: "true", ...env });
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
