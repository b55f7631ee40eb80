// A receiver of Loki's push API (POST /loki/api/v1/push, JSON) for the native stack, where Loki
// itself (AGPL) does not run: it validates a push the way Loki's distributor does for the JSON
// format (https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs) and appends
// every accepted entry to a JSON-lines file, which the live checks read (capture-reader.ts).
// It answers 204 like Loki, and 400/413/415 naming what was wrong. It runs no queries: LogQL is
// evaluated on the captured entries by queries/evaluate/.
// CLI (started by stack:up): node stack/capture/loki-push-receiver.ts --listen HOST:PORT --out FILE
import { appendFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** One accepted log entry, as it would be stored: stream labels, line, structured metadata. */
export interface PushedEntry {
  readonly tenant: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Epoch nanoseconds, decimal. */
  readonly tsNs: string;
  readonly line: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Loki's default `grpc_server_max_recv_msg_size` is 4 MB; the HTTP push path shares it. */
export const MAX_PUSH_BYTES = 4 * 1024 * 1024;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NANOS = /^\d{1,19}$/;

export class PushError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");

/** Validates a JSON push body; returns its entries or throws a PushError naming the first problem. */
export function parsePush(body: unknown, tenant: string): PushedEntry[] {
  const streams = (body as { streams?: unknown })?.streams;
  if (!Array.isArray(streams)) throw new PushError(400, "body must be an object with a streams array");
  const out: PushedEntry[] = [];
  streams.forEach((s: { stream?: unknown; values?: unknown }, i) => {
    if (!isStringMap(s?.stream) || Object.keys(s.stream).length === 0) throw new PushError(400, `streams[${i}].stream must be a non-empty map of string labels`);
    for (const name of Object.keys(s.stream)) if (!LABEL_NAME.test(name)) throw new PushError(400, `streams[${i}].stream: invalid label name ${JSON.stringify(name)}`);
    if (!Array.isArray(s.values)) throw new PushError(400, `streams[${i}].values must be an array`);
    s.values.forEach((v: unknown, j: number) => {
      const where = `streams[${i}].values[${j}]`;
      if (!Array.isArray(v) || v.length < 2 || v.length > 3) throw new PushError(400, `${where} must be [ts, line] or [ts, line, metadata]`);
      const [ts, line, metadata = {}] = v as [unknown, unknown, unknown];
      if (typeof ts !== "string" || !NANOS.test(ts)) throw new PushError(400, `${where}: timestamp must be epoch nanoseconds as a string, got ${JSON.stringify(ts)}`);
      if (typeof line !== "string") throw new PushError(400, `${where}: line must be a string`);
      if (!isStringMap(metadata)) throw new PushError(400, `${where}: structured metadata must be a map of strings`);
      out.push({ tenant, labels: s.stream as Record<string, string>, tsNs: ts, line, metadata });
    });
  });
  return out;
}

export interface LokiPushReceiver {
  readonly url: string;
  close(): Promise<void>;
}

export async function startLokiPushReceiver(opts: { host: string; port: number; outFile: string }): Promise<LokiPushReceiver> {
  // Appends are chained so concurrent pushes never interleave partial lines.
  let writes = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const reply = (status: number, text = "") => res.writeHead(status, { "content-type": "text/plain" }).end(text && `${text}\n`);
    if (req.method === "GET" && req.url === "/ready") return reply(200, "ready");
    if (req.url?.split("?")[0] !== "/loki/api/v1/push") return reply(404, "only POST /loki/api/v1/push is served here");
    if (req.method !== "POST") return reply(405, "use POST");
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim();
    if (type !== "application/json") return reply(415, `content-type ${type || "(none)"}: this receiver takes Loki's JSON push format only`);
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversize body is read to its end but not kept, so the client gets the 413 it can read.
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_PUSH_BYTES) chunks.push(c);
    });
    req.on("end", () => {
      if (size > MAX_PUSH_BYTES) return reply(413, `push body over ${MAX_PUSH_BYTES} bytes`);
      let entries: PushedEntry[];
      try {
        const tenant = String(req.headers["x-scope-orgid"] ?? "fake"); // Loki's tenant when auth is off
        entries = parsePush(JSON.parse(Buffer.concat(chunks).toString("utf8")), tenant);
      } catch (err) {
        return reply(err instanceof PushError ? err.status : 400, (err as Error).message);
      }
      const text = entries.map((e) => `${JSON.stringify(e)}\n`).join("");
      writes = writes.then(() => appendFile(opts.outFile, text));
      writes.then(
        () => reply(204),
        (err: Error) => reply(500, `cannot store the push: ${err.message}`),
      );
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port, opts.host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${opts.host}:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { listen: { type: "string" }, out: { type: "string" } } });
  const [host, port] = (values.listen ?? "").split(":");
  if (!host || !port || !values.out) {
    console.error("usage: node stack/capture/loki-push-receiver.ts --listen HOST:PORT --out FILE");
    process.exit(2);
  }
  const r = await startLokiPushReceiver({ host, port: Number(port), outFile: values.out });
  console.log(`Loki push receiver on ${r.url}, appending to ${values.out}`);
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => void r.close().then(() => process.exit(0)));
}
