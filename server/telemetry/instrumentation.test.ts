// The server's instrumentation with the real SDK setup and in-memory exporters: HTTP spans
// continue the caller's trace, are named after the route, trust X-Forwarded-For only from a
// trusted proxy and end with their response, failed or aborted; chat:* and link:* spans, the
// catalog's metrics and the access / link_processed / error log records, compared whole.
import { connect as connectTcp } from "node:net";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { METRICS } from "../../catalog/index.ts";
import { EVENTS, PostMessageResponse, SignInResponse, chatroomChannel } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { ApiError } from "../http/errors.ts";
import { startFixtureSite } from "../testing/fixture-site.ts";
import type { FixtureSite } from "../testing/fixture-site.ts";
import { startInMemoryTelemetry } from "../testing/in-memory-telemetry.ts";
import type { InMemoryTelemetry, MetricPoint } from "../testing/in-memory-telemetry.ts";
import { api, testConfig, signUp } from "../testing/test-server.ts";
import { connect } from "../testing/ws-client.ts";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const CLIENT_SPAN_ID = "b7ad6b7169203331";
const TRACEPARENT = `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01`;

let t: InMemoryTelemetry;
let server: ChatServer;
let site: FixtureSite;
let token: string;

beforeAll(async () => {
  const config = testConfig({ LINK_FETCH_TIMEOUT_MS: "2000", CHAT_SERVER_LINKS_ALLOW_LOOPBACK: "true", CHAT_SERVER_FAULT_INJECTION: "true" });
  t = startInMemoryTelemetry(config);
  server = await startChatServer(config, t.running.telemetry);
  site = await startFixtureSite();
  token = (await signUp(server.url, "dora")).token;
});
afterEach(async () => {
  await server.links.idle();
  await t.reset();
});
afterAll(async () => {
  await server.close();
  await site.close();
  await t.running.shutdown();
});

async function spanNamed(name: string, where: (s: ReadableSpan) => boolean = () => true): Promise<ReadableSpan> {
  return vi.waitFor(() => {
    const s = t.spans.getFinishedSpans().find((x) => x.name === name && where(x));
    if (s === undefined) throw new Error(`no span ${name}; have ${t.spans.getFinishedSpans().map((x) => x.name).join(", ")}`);
    return s;
  });
}

const points = (all: MetricPoint[], decl: { name: string }) => all.filter((p) => p.name === decl.name);

/** Attributes the server sets on every HTTP server span (ports vary per run). */
function httpServerAttributes(method: string, path: string, status: number, route?: string) {
  return {
    "http.request.method": method,
    "url.scheme": "http",
    "url.path": path,
    "server.address": "127.0.0.1",
    "server.port": server.port,
    "client.address": "127.0.0.1",
    "network.peer.address": "127.0.0.1",
    "network.peer.port": expect.any(Number),
    "network.protocol.version": "1.1",
    "user_agent.original": "node",
    "http.response.status_code": status,
    ...(route !== undefined ? { "http.route": route } : {}),
  };
}

describe("HTTP server spans", () => {
  it("continue the caller's W3C trace, named '<METHOD> <route>' with http.route", async () => {
    const r = await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: "traced" }, headers: { traceparent: TRACEPARENT } });
    expect(r.status).toBe(201);
    const span = await spanNamed("POST /api/chatrooms/:id/messages");
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(CLIENT_SPAN_ID);
    expect(span.attributes).toEqual(httpServerAttributes("POST", "/api/chatrooms/1001/messages", 201, "/api/chatrooms/:id/messages"));

    const publish = await spanNamed("chat:publish", (s) => s.attributes["chat.event"] === "chat_message");
    expect(publish.kind).toBe(SpanKind.SERVER);
    expect(publish.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    expect(publish.attributes).toEqual({ chatroom_id: "1001", "chat.event": "chat_message", "chat.subscribers": 0 });
  });

  it("keep the method as the name and set no http.route for unknown paths", async () => {
    await api(server.url, "GET", "/api/unknown/thing");
    const span = await spanNamed("GET");
    expect(span.attributes).toEqual(httpServerAttributes("GET", "/api/unknown/thing", 404));
  });

  it("name a method semconv does not know 'HTTP', keeping it as http.request.method_original", async () => {
    expect((await api(server.url, "PROPFIND", "/api/chatrooms")).status).toBe(405);
    const span = await spanNamed("HTTP /api/chatrooms");
    expect(span.attributes).toEqual({ ...httpServerAttributes("_OTHER", "/api/chatrooms", 405, "/api/chatrooms"), "http.request.method_original": "PROPFIND" });
  });

  it("set url.query only when the request has one", async () => {
    await api(server.url, "GET", "/api/chatrooms/1001?limit=5");
    const span = await spanNamed("GET /api/chatrooms/:id");
    expect(span.attributes).toEqual({ ...httpServerAttributes("GET", "/api/chatrooms/1001", 200, "/api/chatrooms/:id"), "url.query": "limit=5" });
  });

  it("take client.address from X-Forwarded-For only when the peer is a trusted proxy", async () => {
    const forged = { "x-forwarded-for": "203.0.113.9" };
    await api(server.url, "GET", "/api/chatrooms", { headers: forged });
    const stranger = await spanNamed("GET /api/chatrooms");
    expect(stranger.attributes).toEqual(httpServerAttributes("GET", "/api/chatrooms", 200, "/api/chatrooms"));

    const proxied = await startChatServer(testConfig({ CHAT_SERVER_TRUSTED_PROXIES: "127.0.0.1" }), t.running.telemetry);
    try {
      await api(proxied.url, "GET", "/api/chatrooms", { headers: forged });
      const behindProxy = await spanNamed("GET /api/chatrooms", (s) => s.attributes["server.port"] === proxied.port);
      expect(behindProxy.attributes).toEqual({
        ...httpServerAttributes("GET", "/api/chatrooms", 200, "/api/chatrooms"),
        "server.port": proxied.port,
        "client.address": "203.0.113.9",
      });
    } finally {
      await proxied.close();
    }
  });

  it("mark a 5xx without an exception ERROR, error.type the status code", async () => {
    const spy = vi.spyOn(server.state, "addMessage").mockImplementation(() => {
      throw new ApiError(503, "busy", "try again shortly");
    });
    try {
      expect((await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: "busy" } })).status).toBe(503);
    } finally {
      spy.mockRestore();
    }
    const span = await spanNamed("POST /api/chatrooms/:id/messages");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span.attributes).toEqual({ ...httpServerAttributes("POST", "/api/chatrooms/1001/messages", 503, "/api/chatrooms/:id/messages"), "error.type": "503" });
  });

  it("keep a thrown exception's message as the status and its class as error.type", async () => {
    const r = await api(server.url, "GET", "/api/chatrooms", { headers: { "x-beacon-fault": "500" } });
    expect(r.status).toBe(500);
    const span = await spanNamed("GET /api/chatrooms");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "fault injected by request header on GET /api/chatrooms" });
    expect(span.attributes).toEqual({ ...httpServerAttributes("GET", "/api/chatrooms", 500, "/api/chatrooms"), "error.type": "InjectedFault" });
    expect(span.events.map((e) => [e.name, e.attributes?.["exception.type"]])).toEqual([["exception", "InjectedFault"]]);
  });

  it("end the span of a request whose client went away before the response, as an error", async () => {
    const socket = connectTcp(server.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    // Answered only after FAULT_DELAY_MS (300 ms): the client leaves long before.
    socket.write(`GET /api/chatrooms HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUser-Agent: node\r\nx-beacon-fault: delay\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const span = await spanNamed("GET /api/chatrooms");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "the connection closed before the response completed" });
    const { "http.response.status_code": _sent, ...unanswered } = httpServerAttributes("GET", "/api/chatrooms", 200, "/api/chatrooms");
    expect(span.attributes).toEqual({ ...unanswered, "error.type": "aborted" });
    await vi.waitFor(() => expect(t.logs.getFinishedLogRecords().map((l) => l.body)).toEqual(["GET /api/chatrooms 0"]));
  });
});

describe("RED metrics and access logs", () => {
  it("count and time every request by route template, method and status", async () => {
    await api(server.url, "GET", "/api/chatrooms/1002");
    await api(server.url, "GET", "/api/chatrooms/9999");
    await api(server.url, "GET", "/nowhere");
    await spanNamed("GET");
    const all = await t.collectMetrics();
    const byRoute = (p: MetricPoint) => `${String(p.attributes.route)} ${String(p.attributes.status_code)}`;
    expect(points(all, METRICS.httpRequests).map((p) => [p.attributes, p.value])).toEqual(
      expect.arrayContaining([
        [{ route: "/api/chatrooms/:id", method: "GET", status_code: "200" }, 1],
        [{ route: "/api/chatrooms/:id", method: "GET", status_code: "404" }, 1],
        [{ route: "unmatched", method: "GET", status_code: "404" }, 1],
      ]),
    );
    const durations = points(all, METRICS.httpRequestDuration);
    expect(durations.map(byRoute).sort()).toEqual(["/api/chatrooms/:id 200", "/api/chatrooms/:id 404", "unmatched 404"]);
    for (const d of durations) {
      expect(d.unit).toBe("s");
      expect(d.boundaries).toEqual(METRICS.httpRequestDuration.buckets);
    }
    // No http.server.* metrics beside the catalog's: one metric, one name.
    expect(all.filter((p) => p.name.startsWith("http."))).toEqual([]);
  });

  it("write one access record per request, carrying the request's trace and span ids", async () => {
    await api(server.url, "GET", "/api/chatrooms", { headers: { traceparent: TRACEPARENT } });
    const span = await spanNamed("GET /api/chatrooms");
    const [record] = t.logs.getFinishedLogRecords().filter((l) => l.attributes.log_type === "access");
    expect(record?.attributes).toEqual({ log_type: "access", http_route: "/api/chatrooms", http_method: "GET", http_status: 200, duration_ms: expect.any(Number) });
    expect(record?.severityText).toBe("INFO");
    expect(record?.body).toBe("GET /api/chatrooms 200");
    expect(record?.spanContext?.traceId).toBe(TRACE_ID);
    expect(record?.spanContext?.spanId).toBe(span.spanContext().spanId);
  });

  it("count accepted and rejected messages", async () => {
    await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: "ok" } });
    await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: "" } });
    await api(server.url, "POST", "/api/chatrooms/1001/messages", { body: { content: "no token" } });
    await vi.waitFor(() => expect(t.logs.getFinishedLogRecords()).toHaveLength(3));
    const posted = points(await t.collectMetrics(), METRICS.messagesPosted);
    expect(posted.map((p) => [p.attributes, p.value])).toEqual(
      expect.arrayContaining([
        [{ outcome: "accepted" }, 1],
        [{ outcome: "rejected" }, 2],
      ]),
    );
    expect(posted).toHaveLength(2);
  });

  it("mark an unexpected exception: span ERROR with the exception, error log, 500 to the client", async () => {
    const spy = vi.spyOn(server.state, "addMessage").mockImplementation(() => {
      throw new Error("history store unavailable");
    });
    try {
      const r = await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: "boom" } });
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ error: { code: "internal_error", message: "internal error while handling POST /api/chatrooms/:id/messages; see the server logs" } });
    } finally {
      spy.mockRestore();
    }
    const span = await spanNamed("POST /api/chatrooms/:id/messages");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "history store unavailable" });
    expect(span.attributes).toEqual({
      ...httpServerAttributes("POST", "/api/chatrooms/1001/messages", 500, "/api/chatrooms/:id/messages"),
      "error.type": "Error",
    });
    expect(span.events.map((e) => [e.name, e.attributes?.["exception.message"]])).toEqual([["exception", "history store unavailable"]]);
    const error = t.logs.getFinishedLogRecords().find((l) => l.attributes.log_type === "error");
    expect(error?.attributes).toEqual({ log_type: "error", area: "api", error_type: "Error", error_fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/), fatal: false });
    expect(error?.spanContext?.spanId).toBe(span.spanContext().spanId);
    await vi.waitFor(() => expect(t.logs.getFinishedLogRecords().some((l) => l.attributes.http_status === 500)).toBe(true));
  });
});

describe("link processing telemetry", () => {
  it("traces, counts and logs each link, linked to the request that posted it", async () => {
    const r = await api(server.url, "POST", "/api/chatrooms/1001/messages", {
      token,
      body: { content: `${site.url}/article and ${site.url}/error` },
      headers: { traceparent: TRACEPARENT },
    });
    const { message } = PostMessageResponse.parse(r.json);
    await server.links.idle();
    const [ok, bad] = message.links;
    const request = await spanNamed("POST /api/chatrooms/:id/messages");
    const process = await spanNamed("link:process", (s) => s.attributes["link.id"] === ok!.id);
    expect(process.parentSpanContext).toBeUndefined();
    expect(process.links.map((l) => l.context.spanId)).toEqual([request.spanContext().spanId]);
    expect(process.attributes).toEqual({ "link.id": ok!.id, "link.domain": "127.0.0.1", "link.status": "completed", "link.failure_reason": "none" });
    const fetch = await spanNamed("link:fetch", (s) => s.parentSpanContext?.spanId === process.spanContext().spanId);
    expect(fetch.attributes).toEqual({ "http.response.status_code": 200 });
    await spanNamed("link:extract", (s) => s.parentSpanContext?.spanId === process.spanContext().spanId);

    const failed = await spanNamed("link:process", (s) => s.attributes["link.id"] === bad!.id);
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: "http_error: HTTP 500" });
    expect(failed.attributes).toEqual({ "link.id": bad!.id, "link.domain": "127.0.0.1", "link.status": "failed", "link.failure_reason": "http_error" });

    const all = await t.collectMetrics();
    expect(points(all, METRICS.linksCreated).map((p) => [p.attributes, p.value])).toEqual([[{}, 2]]);
    expect(points(all, METRICS.linksQueued).map((p) => [p.attributes, p.value])).toEqual([[{}, 0]]);
    expect(points(all, METRICS.linksProcessed).map((p) => [p.attributes, p.value])).toEqual(
      expect.arrayContaining([
        [{ status: "completed", reason: "none" }, 1],
        [{ status: "failed", reason: "http_error" }, 1],
      ]),
    );
    const durations = points(all, METRICS.linkProcessingDuration);
    expect(durations.map((p) => [p.attributes, p.count])).toEqual(
      expect.arrayContaining([
        [{ status: "completed" }, 1],
        [{ status: "failed" }, 1],
      ]),
    );
    expect(durations[0]?.boundaries).toEqual(METRICS.linkProcessingDuration.buckets);

    const records = t.logs.getFinishedLogRecords().filter((l) => l.attributes.log_type === "link_processed");
    const okLog = records.find((l) => l.attributes.link_id === ok!.id);
    expect(okLog?.attributes).toEqual({
      log_type: "link_processed",
      link_id: ok!.id,
      link_domain: "127.0.0.1",
      link_status: "completed",
      link_failure_reason: "none",
      duration_ms: expect.any(Number),
      link_title: "Beacon & friends",
    });
    expect(okLog?.spanContext?.spanId).toBe(process.spanContext().spanId);
    const badLog = records.find((l) => l.attributes.link_id === bad!.id);
    expect(badLog?.severityText).toBe("WARN");
    expect(badLog?.attributes.link_failure_reason).toBe("http_error");
  });
});

describe("WebSocket telemetry", () => {
  it("spans a subscription and a disconnect, and counts connections, pushes and closes", async () => {
    const s = await connect(server.wsUrl);
    await s.next(EVENTS.connectionEstablished);
    s.send({ event: EVENTS.subscribe, data: { channel: chatroomChannel("1003") } });
    await s.next(EVENTS.subscriptionSucceeded);
    s.send({ event: EVENTS.ping });
    await s.next(EVENTS.pong);
    s.ws.close(1000);
    await s.closed;
    const disconnect = await spanNamed("chat:disconnect");
    expect(disconnect.attributes).toEqual({ "chat.close_reason": "client_close" });
    const subscribe = await spanNamed("chat:subscribe");
    expect(subscribe.kind).toBe(SpanKind.SERVER);
    expect(subscribe.attributes).toEqual({ chatroom_id: "1003" });

    const all = await t.collectMetrics();
    expect(points(all, METRICS.wsConnectionsActive).map((p) => p.value)).toEqual([0]);
    expect(points(all, METRICS.wsDisconnects).map((p) => [p.attributes, p.value])).toEqual([[{ reason: "client_close" }, 1]]);
    expect(points(all, METRICS.wsMessagesOut).map((p) => [p.attributes, p.value])).toEqual(
      expect.arrayContaining([
        [{ event: "presence" }, 1],
        [{ event: "pong" }, 1],
      ]),
    );
  });
});
