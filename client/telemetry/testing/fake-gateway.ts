// FAKE OTLP/HTTP gateway for unit tests (a loopback HTTP server, port 0): records every
// request body (gunzipped, parsed) and answers with a scripted status. The real collector is
// used by the integration tests; this fake exists for exact control of statuses and headers.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export interface FakeRequest {
  path: string;
  bytes: number;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
  at: number;
}

export interface FakeReply {
  status: number;
  /** Answer this long after the body arrived (a slow gateway), in ms. */
  delayMs?: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FakeGateway {
  readonly endpoint: string;
  readonly requests: FakeRequest[];
  /** Replies for the next requests, in order; afterwards `then` (default 200 {}). */
  script(replies: FakeReply[], then?: FakeReply): void;
  close(): Promise<void>;
}

export async function startFakeGateway(): Promise<FakeGateway> {
  const requests: FakeRequest[] = [];
  let replies: FakeReply[] = [];
  let fallback: FakeReply = { status: 200, body: "{}" };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const text = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
      requests.push({ path: req.url ?? "", bytes: raw.byteLength, headers: req.headers, body: JSON.parse(text) as Record<string, unknown>, at: Date.now() });
      const reply = replies.shift() ?? { ...fallback };
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(reply.body ?? "{}");
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    script(r, then) {
      replies = [...r];
      if (then) fallback = then;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
