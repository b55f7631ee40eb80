// Through the real OpenTelemetry Collector: `node server/main.ts` exports to it over
// OTLP/HTTP. A client-style request carrying `traceparent` continues that trace on the
// server, access and link records carry trace ids, link processing produces its metrics and
// logs, head sampling with forced sign-in holds end to end, graceful shutdown flushes it all,
// and with telemetry off nothing is sent at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOG_TYPE_ATTRIBUTE, METRICS, SERVER_SERVICE } from "../catalog/index.ts";
import { LinkStatus, PostMessageResponse, SignInResponse } from "../protocol/index.ts";
import { startTestCollector } from "../testkit/collector.ts";
import type { TestCollector } from "../testkit/collector.ts";
import { startFixtureSite } from "./testing/fixture-site.ts";
import type { FixtureSite } from "./testing/fixture-site.ts";
import { startChatServerProcess as startServerProcess } from "../testkit/chat-server-process.ts";
import { TEST_PASSWORD, api, signUp } from "./testing/test-server.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN_ID = "00f067aa0ba902b7";

let collector: TestCollector;
let site: FixtureSite;

beforeAll(async () => {
  collector = await startTestCollector();
  site = await startFixtureSite();
}, 600_000);
afterAll(async () => {
  await site?.close();
  await collector?.stop();
});

describe("chat server → collector", () => {
  it("continues the client's trace, correlates logs and reports link processing", async () => {
    await collector.reset();
    const server = await startServerProcess({
      NODE_ENV: "test",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint,
      OTEL_METRIC_EXPORT_INTERVAL: "60000",
      LINK_FETCH_TIMEOUT_MS: "3000",
      // The fixture site is on 127.0.0.1.
      CHAT_SERVER_LINKS_ALLOW_LOOPBACK: "true",
    });
    let linkId: string;
    try {
      const token = (await signUp(server.url, "erin")).token;
      const posted = await api(server.url, "POST", "/api/chatrooms/1002/messages", {
        token,
        body: { content: `look ${site.url}/article` },
        headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01` },
      });
      expect(posted.status).toBe(201);
      linkId = PostMessageResponse.parse(posted.json).message.links[0]!.id;
      const link = await collector.waitFor(
        async () => LinkStatus.parse((await api(server.url, "GET", `/api/links/${linkId}`, { token })).json),
        (l) => l.status === "completed" || l.status === "failed",
      );
      expect(link.status).toBe("completed");
      expect((await api(server.url, "GET", "/no/such/route")).status).toBe(404);
    } finally {
      // Graceful shutdown must flush all three signals (metrics export only at shutdown here).
      expect(await server.stop()).toBe(0);
      expect(server.output()).toContain("telemetry flushed");
    }

    const spans = await collector.waitFor(
      () => collector.spans(),
      (s) => s.some((x) => x.name === "link:process"),
    );
    const request = spans.find((s) => s.name === "POST /api/chatrooms/:id/messages");
    expect(request).toMatchObject({ traceId: TRACE_ID, parentSpanId: CLIENT_SPAN_ID, kind: "SERVER" });
    expect(request?.attributes).toMatchObject({ "http.route": "/api/chatrooms/:id/messages", "http.response.status_code": 201 });
    expect(request?.resource).toMatchObject({ "service.name": SERVER_SERVICE, "process.type": "node", "deployment.environment.name": "test" });
    const publish = spans.find((s) => s.name === "chat:publish" && s.traceId === TRACE_ID);
    expect(publish?.parentSpanId).toBe(request?.spanId);
    const process = spans.find((s) => s.name === "link:process");
    expect(process?.attributes).toEqual({ "link.id": linkId, "link.domain": "127.0.0.1", "link.status": "completed", "link.failure_reason": "none" });
    expect(spans.filter((s) => s.traceId === process?.traceId).map((s) => s.name).sort()).toEqual(["link:extract", "link:fetch", "link:process"]);

    // The collector writes each signal's file on its own schedule: wait for each one.
    const logs = await collector.waitFor(
      () => collector.logs(),
      (l) => l.some((x) => x.attributes[LOG_TYPE_ATTRIBUTE] === "link_processed") && l.some((x) => x.attributes.http_route === "unmatched"),
    );
    const access = logs.find((l) => l.attributes[LOG_TYPE_ATTRIBUTE] === "access" && l.attributes.http_route === "/api/chatrooms/:id/messages");
    expect(access).toMatchObject({ traceId: TRACE_ID, spanId: request?.spanId, severityText: "INFO" });
    const unmatched = logs.find((l) => l.attributes.http_route === "unmatched");
    expect(unmatched?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(unmatched?.severityText).toBe("WARN");
    const linkLog = logs.find((l) => l.attributes[LOG_TYPE_ATTRIBUTE] === "link_processed");
    expect(linkLog).toMatchObject({ traceId: process?.traceId, spanId: process?.spanId, resource: { "service.name": SERVER_SERVICE } });
    expect(linkLog?.attributes).toEqual({
      log_type: "link_processed",
      link_id: linkId,
      link_domain: "127.0.0.1",
      link_status: "completed",
      link_failure_reason: "none",
      duration_ms: expect.any(Number),
      link_title: "Beacon & friends",
    });

    const metrics = await collector.waitFor(
      () => collector.metrics(),
      (m) => m.some((x) => x.name === METRICS.linksProcessed.name) && m.some((x) => x.name === METRICS.httpRequestDuration.name),
    );
    const value = (name: string, attrs: Record<string, string>) =>
      metrics.filter((m) => m.name === name && Object.entries(attrs).every(([k, v]) => m.attributes[k] === v)).map((m) => m.value ?? m.count);
    expect(value(METRICS.linksCreated.name, {})).toEqual([1]);
    expect(value(METRICS.linksProcessed.name, { status: "completed", reason: "none" })).toEqual([1]);
    expect(value(METRICS.linkProcessingDuration.name, { status: "completed" })).toEqual([1]);
    expect(value(METRICS.httpRequests.name, { route: "unmatched", method: "GET", status_code: "404" })).toEqual([1]);
    expect(value(METRICS.messagesPosted.name, { outcome: "accepted" })).toEqual([1]);
    const duration = metrics.find((m) => m.name === METRICS.httpRequestDuration.name);
    expect(duration).toMatchObject({ type: "histogram", unit: "s", temporality: "cumulative", buckets: { bounds: [...METRICS.httpRequestDuration.buckets] } });
  });

  it("at ratio 0 exports registration and sign-in traces (forced) but not ordinary ones, while every request is still logged", async () => {
    await collector.reset();
    const server = await startServerProcess({
      NODE_ENV: "production",
      OTEL_TRACES_SAMPLER_ARG: "0",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint,
    });
    try {
      await signUp(server.url, "frank");
      expect((await api(server.url, "POST", "/api/auth/sign-in", { body: { username: "frank", password: TEST_PASSWORD } })).status).toBe(200);
      expect((await api(server.url, "GET", "/api/chatrooms")).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const logs = await collector.waitFor(
      () => collector.logs(),
      (l) => l.filter((x) => x.attributes[LOG_TYPE_ATTRIBUTE] === "access").length === 3,
    );
    expect(logs.filter((l) => l.attributes[LOG_TYPE_ATTRIBUTE] === "access").map((l) => l.attributes.http_route).sort()).toEqual([
      "/api/auth/register",
      "/api/auth/sign-in",
      "/api/chatrooms",
    ]);
    const spans = await collector.waitFor(
      () => collector.spans(),
      (s) => s.length >= 2,
    );
    expect(spans.map((s) => s.name).sort()).toEqual(["POST /api/auth/register", "POST /api/auth/sign-in"]);
  });

  it("sends nothing when telemetry is off", async () => {
    await collector.reset();
    const server = await startServerProcess({ OTEL_SDK_DISABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint });
    try {
      expect((await api(server.url, "GET", "/api/chatrooms")).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
      expect(server.output()).toContain("telemetry: off");
    }
    expect(await collector.receivedRequests()).toBe(0);
  });
});
