// A pass-through proxy in front of the stack's gateway that answers 503 to the first export of
// each signal, so the client's retry path (kicktalk_telemetry_export_retries_total) runs in the
// e2e session; everything after goes through unchanged.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FlakyGateway {
  readonly url: string;
  /** Requests answered 503 so far. */
  failed(): number;
  close(): Promise<void>;
}

export async function startFlakyGateway(target: string): Promise<FlakyGateway> {
  const failedPaths = new Set<string>();
  let failed = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      if (req.method === "POST" && !failedPaths.has(path)) {
        failedPaths.add(path);
        failed++;
        res.writeHead(503, { "retry-after": "1", "content-type": "text/plain" }).end("e2e: first export of this signal refused");
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
      fetch(new URL(path, target), { method: req.method ?? "POST", headers, body: req.method === "GET" ? undefined : Buffer.concat(chunks) })
        .then(async (r) => {
          const body = Buffer.from(await r.arrayBuffer());
          res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/octet-stream" }).end(body);
        })
        .catch((err: Error) => res.writeHead(502).end(`e2e proxy: ${err.message}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failed: () => failed,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
