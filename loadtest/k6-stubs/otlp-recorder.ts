// A tiny OTLP/HTTP receiver for the gateway script's test, run as its own process (the stubbed
// k6/http blocks the test's thread while a request is out, so the receiver cannot live there).
// Answers every POST with 200 {} and records method, path, content type and body; GET /recorded
// returns the records. Prints "listening <port>" once ready.
//   node loadtest/k6-stubs/otlp-recorder.ts
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedExport {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

const recorded: RecordedExport[] = [];

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "GET" && req.url === "/recorded") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(recorded));
      return;
    }
    recorded.push({ method: req.method ?? "", path: req.url ?? "", contentType: req.headers["content-type"] ?? "", body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});

server.listen(0, "127.0.0.1", () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
