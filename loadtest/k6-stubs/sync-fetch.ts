// A synchronous HTTP request in Node, for the k6/http stub (k6's http API blocks the VU). The
// request goes to a worker thread that runs fetch; the calling thread sleeps in Atomics.wait on a
// shared flag until the worker has posted the answer, then takes it with receiveMessageOnPort.
// The caller's event loop is blocked meanwhile: the server under test must live in another
// thread or process.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

export interface SyncRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  readonly timeoutMs: number;
}

export interface SyncResponse {
  /** 0 when no response came. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly error: string;
}

// Plain CommonJS, evaluated by the worker: no TypeScript, no imports of ours.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { port, flag } = workerData;
port.on("message", async (req) => {
  let answer;
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body === null ? undefined : req.body,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const body = await res.text();
    answer = { status: res.status, headers: Object.fromEntries(res.headers), body, error: "" };
  } catch (err) {
    answer = { status: 0, headers: {}, body: "", error: String((err && err.cause && err.cause.message) || (err && err.message) || err) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let channel: { port: MessagePort; flag: Int32Array; worker: Worker } | undefined;

function ensureWorker() {
  if (channel) return channel;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag }, transferList: [port2] });
  // Neither keeps the process alive: a finished test exits.
  worker.unref();
  port1.unref();
  channel = { port: port1, flag, worker };
  return channel;
}

export function fetchSync(req: SyncRequest): SyncResponse {
  const { port, flag } = ensureWorker();
  Atomics.store(flag, 0, 0);
  port.postMessage(req);
  // A little longer than the request's own timeout, which answers with status 0 first.
  if (Atomics.wait(flag, 0, 0, req.timeoutMs + 5_000) === "timed-out") throw new Error(`sync fetch ${req.method} ${req.url}: no answer from the fetch worker`);
  const msg = receiveMessageOnPort(port);
  if (!msg) throw new Error(`sync fetch ${req.method} ${req.url}: the fetch worker signalled but posted nothing`);
  return msg.message as SyncResponse;
}
