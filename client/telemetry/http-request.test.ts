// The telemetry's own HTTP client (http-request.ts) against real loopback servers: what the
// sender relies on (status, headers, body, errors it can classify, aborts) and the bound on
// what a hostile gateway can make it buffer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { httpRequest, MAX_BODY_BYTES } from "./http-request.ts";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handler(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("httpRequest", () => {
  it("posts the body with its headers and returns status, headers and the answer", async () => {
    const url = await serve((req, res, body) => {
      res.writeHead(429, { "retry-after": "7", "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, type: req.headers["content-type"], got: body.toString() }));
    });
    const answer = await httpRequest(`${url}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.from("hello") });
    expect([answer.status, answer.ok, answer.headers.get("Retry-After"), answer.headers.get("x-missing")]).toEqual([429, false, "7", null]);
    expect(JSON.parse(await answer.text())).toEqual({ method: "POST", type: "application/json", got: "hello" });
    const ok = await httpRequest(`${url}/healthz`);
    expect([ok.status, ok.ok]).toEqual([429, false]);
  });

  it("keeps at most MAX_BODY_BYTES of an answer, however much the server sends", async () => {
    const chunk = Buffer.alloc(1024 * 1024, "x");
    const url = await serve((_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 32; i++) res.write(chunk);
      res.end();
    });
    const answer = await httpRequest(url, { method: "POST", body: "{}" });
    expect(answer.ok).toBe(true);
    expect((await answer.text()).length).toBe(MAX_BODY_BYTES);
  });

  it("rejects with the socket's error when nothing listens, so the sender can tell it never connected", async () => {
    const url = await serve(() => undefined);
    server!.close();
    await new Promise((r) => setTimeout(r, 20));
    await expect(httpRequest(url, { method: "POST", body: "{}" })).rejects.toThrow(/ECONNREFUSED/);
  });

  it("rejects on abort, before the answer and while it is being read", async () => {
    const url = await serve(() => undefined); // never answers
    await expect(httpRequest(url, { method: "POST", body: "{}", signal: AbortSignal.timeout(50) })).rejects.toThrow(/timeout|abort/i);
    const stalled = await serve((_req, res) => {
      res.writeHead(200);
      res.write("partial"); // and never ends
    });
    const controller = new AbortController();
    const answer = await httpRequest(stalled, { signal: controller.signal });
    controller.abort();
    await expect(answer.text()).rejects.toThrow(/abort/i);
    await expect(httpRequest(stalled, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it("refuses a scheme other than http: and https:", async () => {
    await expect(httpRequest("ftp://127.0.0.1/x")).rejects.toThrow("ftp: is not http: or https:");
  });
});
