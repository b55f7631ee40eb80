// Stub of `k6/http`: synchronous requests (sync-fetch.ts), each recorded in the stub state with
// its tags, expected statuses and the status received.
import { fetchSync } from "./sync-fetch.ts";
import { stubState } from "./state.ts";

interface ExpectedStatuses {
  readonly expectedStatuses: readonly number[];
}

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  responseCallback?: ExpectedStatuses;
  timeout?: string | number;
}

export interface StubResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly error: string;
  json(): unknown;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function request(method: string, url: string, body?: string | null, params?: Params): StubResponse {
  const headers = { ...params?.headers };
  const sentBody = body === undefined || body === null ? null : String(body);
  const res = fetchSync({ method, url, headers, body: sentBody, timeoutMs: DEFAULT_TIMEOUT_MS });
  stubState().requests.push({
    method,
    url,
    headers,
    body: sentBody,
    tags: { ...params?.tags },
    expectedStatuses: params?.responseCallback ? [...params.responseCallback.expectedStatuses] : null,
    status: res.status,
    error: res.error,
  });
  return { status: res.status, body: res.body, headers: res.headers, error: res.error, json: () => JSON.parse(res.body) as unknown };
}

export const get = (url: string, params?: Params) => request("GET", url, null, params);
export const post = (url: string, body?: string | null, params?: Params) => request("POST", url, body, params);
export const expectedStatuses = (...statuses: number[]): ExpectedStatuses => ({ expectedStatuses: statuses });

export default { request, get, post, expectedStatuses };
