// The server's HTTP spans when head sampling skips them (ratio 0, forced sampling on), with the
// real SDK setup and in-memory exporters: each is a DeferredSpan (tail-buffer.ts), exported only
// when its response is a 5xx or never completed, decided from what the listener sets when the
// response ends; sign-in is sampled at the head by the url.path it starts with.
import { connect } from "node:net";
import { SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { ApiError } from "../http/errors.ts";
import { startInMemoryTelemetry } from "../testing/in-memory-telemetry.ts";
import type { InMemoryTelemetry } from "../testing/in-memory-telemetry.ts";
import { api, signUp, testConfig } from "../testing/test-server.ts";

let t: InMemoryTelemetry;
let server: ChatServer;
let token: string;

beforeAll(async () => {
  const config = testConfig({ OTEL_TRACES_SAMPLER_ARG: "0", CHAT_SERVER_FORCED_SAMPLING: "true", CHAT_SERVER_FAULT_INJECTION: "true" });
  t = startInMemoryTelemetry(config);
  server = await startChatServer(config, t.running.telemetry);
  token = (await signUp(server.url, "skipped")).token;
  await vi.waitFor(() => expect(t.logs.getFinishedLogRecords()).toHaveLength(1));
  await t.reset();
});
afterEach(() => t.reset());
afterAll(async () => {
  await server.close();
  await t.running.shutdown();
});

/** Waits for `n` access records, so every request's span has ended; then the spans exported. */
async function exportedOnceLogged(n: number) {
  await vi.waitFor(() => expect(t.logs.getFinishedLogRecords().filter((l) => l.attributes.log_type === "access")).toHaveLength(n));
  return t.spans.getFinishedSpans();
}

describe("HTTP spans the ratio skips", () => {
  it("are dropped when the response is fine", async () => {
    expect((await api(server.url, "GET", "/api/chatrooms")).status).toBe(200);
    expect((await api(server.url, "GET", "/api/nowhere")).status).toBe(404);
    expect(await exportedOnceLogged(2)).toEqual([]);
    expect(t.running.tailBuffer?.bufferedSpans).toBe(0);
  });

  it("are exported, sampled and whole, when the response is a 5xx", async () => {
    const spy = vi.spyOn(server.state, "addMessage").mockImplementation(() => {
      throw new ApiError(503, "busy", "try again shortly");
    });
    try {
      expect((await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: "busy" } })).status).toBe(503);
    } finally {
      spy.mockRestore();
    }
    const [span, ...others] = await exportedOnceLogged(1);
    expect(others).toEqual([]);
    expect(span?.name).toBe("POST /api/chatrooms/:id/messages");
    expect(span!.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span?.attributes).toMatchObject({ "url.path": "/api/chatrooms/1001/messages", "http.route": "/api/chatrooms/:id/messages", "http.response.status_code": 503, "error.type": "503" });
  });

  it("are exported when the client went away before the response", async () => {
    const socket = connect(server.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(`GET /api/chatrooms HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nx-beacon-fault: delay\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const [span] = await exportedOnceLogged(1);
    expect(span?.name).toBe("GET /api/chatrooms");
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes).toMatchObject({ "url.path": "/api/chatrooms", "error.type": "aborted" });
    expect(span?.attributes).not.toHaveProperty("http.response.status_code");
  });

  it("are sampled at the head for sign-in, whatever the answer", async () => {
    expect((await api(server.url, "POST", "/api/auth/sign-in", { body: { username: "skipped", password: "not the password" } })).status).toBe(401);
    const [span] = await exportedOnceLogged(1);
    expect(span?.name).toBe("POST /api/auth/sign-in");
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes).toMatchObject({ "url.path": "/api/auth/sign-in", "http.response.status_code": 401 });
  });
});
