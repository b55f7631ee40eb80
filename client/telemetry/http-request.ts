// The telemetry's HTTP client: one request over node:http / node:https, in the shape of the
// part of fetch the sender and the health checks use (so tests can still hand them fetch).
// Not globalThis.fetch: Node's fetch is undici, and measured in Node 24 (200 small POSTs to a
// loopback server, RSS after a full GC) it took a process +31 MB, growing ~10 MB per 200 more
// requests, where node:http took +6 MB; under bench/client-flood-overhead.ts main's RSS with
// telemetry on stood ~20 MB above off before the flood even began. The answer's body is read up
// to MAX_BODY_BYTES (the sender needs the partial-success counts and an error's first line): a
// hostile or broken gateway cannot make the client buffer an unbounded answer.
import http from "node:http";
import https from "node:https";

/** What the sender and the health checks read of an answer (a fetch Response has it too). */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface HttpRequestInit {
  readonly method?: "GET" | "POST";
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  readonly signal?: AbortSignal;
}

export type HttpRequest = (url: string, init?: HttpRequestInit) => Promise<HttpAnswer>;

/** Bytes of an answer's body kept; the rest is read and discarded. */
export const MAX_BODY_BYTES = 64 * 1024;

// Keep-alive: a flush sends up to three requests to one gateway. Idle sockets are unref'd by
// the agent, so they never hold a process open.
const AGENTS = { "http:": new http.Agent({ keepAlive: true, maxSockets: 4 }), "https:": new https.Agent({ keepAlive: true, maxSockets: 4 }) };

export const httpRequest: HttpRequest = (url, init = {}) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : target.protocol === "http:" ? http : undefined;
    if (client === undefined) return reject(new TypeError(`${target.protocol} is not http: or https:`));
    const { signal } = init;
    if (signal?.aborted) return reject(abortError(signal));
    const req = client.request(target, { method: init.method ?? "GET", headers: init.headers, agent: AGENTS[target.protocol as keyof typeof AGENTS] });
    const onAbort = () => req.destroy(abortError(signal));
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);
    req.once("error", (err) => {
      done();
      reject(err);
    });
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (chunk: Buffer) => {
        if (kept >= MAX_BODY_BYTES) return;
        const part = chunk.subarray(0, MAX_BODY_BYTES - kept);
        chunks.push(part);
        kept += part.length;
      });
      const body = new Promise<string>((ok, fail) => {
        res.once("end", () => ok(Buffer.concat(chunks).toString("utf8")));
        res.once("error", fail);
        res.once("close", () => ok(Buffer.concat(chunks).toString("utf8")));
      }).finally(done);
      body.catch(() => undefined); // a caller that never reads the body must not see an unhandled rejection
      const status = res.statusCode ?? 0;
      resolve({
        status,
        ok: status >= 200 && status < 300,
        headers: { get: (name) => headerValue(res.headers[name.toLowerCase()]) },
        text: () => body,
      });
    });
    req.end(init.body);
  });

function headerValue(v: string | string[] | undefined): string | null {
  return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException("the request was aborted", "AbortError");
}
