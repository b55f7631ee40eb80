// Bounded waits and free loopback ports, shared by the stack scripts and testkit/.
import { createServer } from "node:net";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port that was free a moment ago on 127.0.0.1 (bind 0, read, release). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something already accepts connections on 127.0.0.1:port. */
export function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "EADDRINUSE" || err.code === "EACCES"));
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}

/** Polls `read` until `done` holds; on timeout throws with the last value (or error) read. */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError !== undefined ? `last error: ${(lastError as Error).message ?? String(lastError)}` : `last value: ${preview(last)}`;
      throw new Error(`waitFor timed out after ${timeoutMs} ms; ${detail}`);
    }
    await sleep(intervalMs);
  }
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 2_000 ? `${s.slice(0, 2_000)}… (${s.length} chars)` : s;
}

/** Waits until GET `url` answers 2xx. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.status;
    },
    (status) => status >= 200 && status < 300,
    timeoutMs,
    200,
  ).catch((err: Error) => {
    throw new Error(`${url} not ready: ${err.message}`);
  });
}
