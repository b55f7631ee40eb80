// Proves the test collector end to end: real OTLP/HTTP requests into the real collector binary,
// read back through its file exporter and flattened.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCollector } from "../stack/runner/tools.ts";
import { startTestCollector, type TestCollector } from "./collector.ts";

const TRACE_ID = "5b8efff798038103d269b633813fc60c";
const SPAN_ID = "eee19b7ec3c1b174";
const PARENT_ID = "eee19b7ec3c1b173";
const NOW_NS = `${Date.now()}000000`;

const resource = { attributes: [{ key: "service.name", value: { stringValue: "beacon-test" } }] };
const scope = { name: "beacon.testkit", version: "1.0.0" };

const tracePayload = {
  resourceSpans: [
    {
      resource,
      scopeSpans: [
        {
          scope,
          spans: [
            {
              traceId: TRACE_ID,
              spanId: SPAN_ID,
              parentSpanId: PARENT_ID,
              name: "ws:message:receive",
              kind: 5, // CONSUMER
              startTimeUnixNano: NOW_NS,
              endTimeUnixNano: String(BigInt(NOW_NS) + 2_500_000n),
              attributes: [
                { key: "chat.room", value: { stringValue: "general" } },
                { key: "retry.count", value: { intValue: "3" } },
                { key: "ok", value: { boolValue: true } },
                { key: "tags", value: { arrayValue: { values: [{ stringValue: "a" }, { stringValue: "b" }] } } },
              ],
              events: [{ name: "reconnect", timeUnixNano: NOW_NS, attributes: [{ key: "attempt", value: { intValue: "1" } }] }],
              status: { code: 2, message: "boom" },
            },
          ],
        },
      ],
    },
  ],
};

const metricPayload = {
  resourceMetrics: [
    {
      resource,
      scopeMetrics: [
        {
          scope,
          metrics: [
            {
              name: "beacon.test.messages",
              unit: "{message}",
              sum: {
                aggregationTemporality: 2,
                isMonotonic: true,
                dataPoints: [{ timeUnixNano: NOW_NS, asInt: "7", attributes: [{ key: "direction", value: { stringValue: "in" } }] }],
              },
            },
            {
              name: "beacon.test.latency",
              unit: "ms",
              histogram: {
                aggregationTemporality: 2,
                dataPoints: [{ timeUnixNano: NOW_NS, count: "3", sum: 12.5, bucketCounts: ["1", "2", "0"], explicitBounds: [1, 10] }],
              },
            },
          ],
        },
      ],
    },
  ],
};

const logPayload = {
  resourceLogs: [
    {
      resource,
      scopeLogs: [
        {
          scope,
          logRecords: [
            {
              timeUnixNano: NOW_NS,
              severityNumber: 17,
              severityText: "ERROR",
              body: { stringValue: "handled error" },
              traceId: TRACE_ID,
              spanId: SPAN_ID,
              attributes: [{ key: "error.type", value: { stringValue: "TypeError" } }],
            },
          ],
        },
      ],
    },
  ],
};

async function post(endpoint: string, path: string, payload: unknown): Promise<number> {
  const res = await fetch(endpoint + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  await res.arrayBuffer();
  return res.status;
}

describe("test collector", () => {
  let collector: TestCollector;

  beforeAll(async () => {
    await ensureCollector();
    collector = await startTestCollector();
  }, 30 * 60_000); // a cold collector build takes minutes on 2 cores

  afterAll(async () => {
    await collector?.stop();
  });

  it("starts with nothing received", async () => {
    expect(await collector.receivedRequests()).toBe(0);
    expect(await collector.spans()).toEqual([]);
  });

  it("flattens a span received over OTLP/HTTP", async () => {
    expect(await post(collector.otlpHttpEndpoint, "/v1/traces", tracePayload)).toBe(200);
    const spans = await collector.waitFor(() => collector.spans(), (s) => s.length === 1);
    expect(spans[0]).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: PARENT_ID,
      name: "ws:message:receive",
      kind: "CONSUMER",
      status: { code: "ERROR", message: "boom" },
      attributes: { "chat.room": "general", "retry.count": 3, ok: true, tags: ["a", "b"] },
      resource: { "service.name": "beacon-test" },
      scope,
      events: [{ name: "reconnect", attributes: { attempt: 1 } }],
      startTimeUnixNano: NOW_NS,
      endTimeUnixNano: String(BigInt(NOW_NS) + 2_500_000n),
      durationMs: 2.5,
    });
  });

  it("flattens sum and histogram points", async () => {
    expect(await post(collector.otlpHttpEndpoint, "/v1/metrics", metricPayload)).toBe(200);
    const points = await collector.waitFor(() => collector.metrics(), (p) => p.length === 2);
    const byName = Object.fromEntries(points.map((p) => [p.name, p]));
    expect(byName["beacon.test.messages"]).toMatchObject({
      type: "sum",
      unit: "{message}",
      value: 7,
      monotonic: true,
      temporality: "cumulative",
      attributes: { direction: "in" },
      resource: { "service.name": "beacon-test" },
    });
    expect(byName["beacon.test.latency"]).toMatchObject({
      type: "histogram",
      count: 3,
      sum: 12.5,
      buckets: { bounds: [1, 10], counts: [1, 2, 0] },
    });
  });

  it("flattens a log record with its trace context", async () => {
    expect(await post(collector.otlpHttpEndpoint, "/v1/logs", logPayload)).toBe(200);
    const logs = await collector.waitFor(() => collector.logs(), (l) => l.length === 1);
    expect(logs[0]).toMatchObject({
      body: "handled error",
      severityText: "ERROR",
      severityNumber: 17,
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      attributes: { "error.type": "TypeError" },
      resource: { "service.name": "beacon-test" },
    });
  });

  it("counts every request exactly, by signal and size", async () => {
    const requests = await collector.requests();
    expect(requests.map((r) => [r.signal, r.status])).toEqual([
      ["traces", 200],
      ["metrics", 200],
      ["logs", 200],
    ]);
    expect(requests[0]?.bytes).toBe(Buffer.byteLength(JSON.stringify(tracePayload)));
    expect(await collector.receivedRequests()).toBe(3);
  });

  it("answers with the chosen error without forwarding, then recovers", async () => {
    await collector.reset();
    collector.setRespond("unavailable");
    expect(await post(collector.otlpHttpEndpoint, "/v1/traces", tracePayload)).toBe(503);
    collector.setRespond("throttled");
    expect(await post(collector.otlpHttpEndpoint, "/v1/traces", tracePayload)).toBe(429);
    expect(await collector.receivedRequests()).toBe(2);
    collector.setRespond("ok");
    expect(await post(collector.otlpHttpEndpoint, "/v1/traces", tracePayload)).toBe(200);
    const spans = await collector.waitFor(() => collector.spans(), (s) => s.length >= 1);
    // Only the forwarded request reached the collector: reset() dropped the earlier span.
    expect(spans).toHaveLength(1);
    expect(await collector.receivedRequests()).toBe(3);
  });

  it("rejects a malformed payload with the collector's own 400", async () => {
    expect(await post(collector.otlpHttpEndpoint, "/v1/logs", { resourceLogs: "not-an-array" })).toBe(400);
  });
});

describe("test collector respond option", () => {
  it("starts answering 500 when asked, and stops cleanly", async () => {
    const collector = await startTestCollector({ respond: "error" });
    try {
      expect(await post(collector.otlpHttpEndpoint, "/v1/metrics", metricPayload)).toBe(500);
      expect((await collector.requests())[0]).toMatchObject({ signal: "metrics", status: 500 });
      expect(await collector.metrics()).toEqual([]);
    } finally {
      await collector.stop();
    }
  });
});
