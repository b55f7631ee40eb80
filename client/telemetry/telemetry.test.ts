import { rmSync } from "node:fs";
import { SpanStatusCode } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { CLIENT_SERVICE, PROCESS_TYPES } from "../../catalog/index.ts";
import { zeroStartedLabelSets } from "./instruments.ts";
import { createTelemetry } from "./telemetry.ts";
import { type FakeGateway, startFakeGateway } from "./testing/fake-gateway.ts";
import { testConfig } from "./testing/test-config.ts";
import type { IpcMainLike, Telemetry, TelemetryConfig } from "./types.ts";

type Kv = { key: string; value: Record<string, unknown> };
const flat = (kvs: Kv[] | undefined) => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, Object.values(kv.value)[0]]));

interface ResourceSpans {
  resource: { attributes: Kv[] };
  scopeSpans: { scope: { name: string }; spans: { name: string; attributes: Kv[]; parentSpanId?: string; traceId: string; spanId: string }[] }[];
}

function spansOf(gw: FakeGateway) {
  return gw.requests
    .filter((r) => r.path === "/v1/traces")
    .flatMap((r) => (r.body.resourceSpans as ResourceSpans[]).flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, resource: flat(rs.resource.attributes), scope: ss.scope.name })))));
}

function logsOf(gw: FakeGateway) {
  type RL = { resource: { attributes: Kv[] }; scopeLogs: { logRecords: { body: { stringValue: string }; severityText: string; attributes: Kv[] }[] }[] };
  return gw.requests
    .filter((r) => r.path === "/v1/logs")
    .flatMap((r) => (r.body.resourceLogs as RL[]).flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)));
}

function fakeIpcMain() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener) };
  const invoke = (channel: string, payload: unknown) => Promise.resolve(handlers.get(channel)?.({}, payload));
  return { ipcMain, invoke };
}

describe("createTelemetry (against a fake gateway)", () => {
  let gw: FakeGateway;
  let telemetry: Telemetry | null = null;
  let config: TelemetryConfig;

  beforeEach(async () => {
    gw = await startFakeGateway();
    config = testConfig(gw.endpoint, { compression: "gzip" });
  });
  afterEach(async () => {
    await telemetry?.shutdown(1000);
    telemetry = null;
    await gw.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const start = (overrides: Partial<TelemetryConfig> = {}) =>
    (telemetry = createTelemetry({ ...config, ...overrides }, { registerGlobal: false, startTimers: false }));

  it("exports the startup span with the catalog resource and a pseudonymous install id", async () => {
    const t = start();
    t.startStartupSpan().end();
    await t.flush();
    const spans = spansOf(gw);
    expect(spans.map((s) => s.name)).toEqual(["main_startup_boot"]);
    const installId = t.status().installId;
    expect(installId).toMatch(/^[0-9a-f-]{36}$/);
    expect(spans[0]?.resource).toEqual({
      "service.name": CLIENT_SERVICE,
      "service.version": "1.2.3",
      "process.type": PROCESS_TYPES["client-main"],
      "service.instance.id": installId,
      "kicktalk.install.id": installId,
    });
    expect(flat(spans[0]?.attributes)).toEqual({ "process.type": "electron-main", "service.version": "1.2.3" });
    expect(gw.requests[0]?.headers["content-encoding"]).toBe("gzip");
  });

  it("keeps the install id across restarts and renews it on deleteMyData", async () => {
    const first = start().status().installId;
    await telemetry?.shutdown(500);
    const second = start().status().installId;
    expect(second).toBe(first);
    await telemetry?.deleteMyData();
    expect(telemetry?.status().installId).not.toBe(first);
  });

  it("makes ipc spans children of the renderer span from payload._otel", async () => {
    const t = start();
    const { ipcMain, invoke } = fakeIpcMain();
    t.handleIpc(ipcMain, "store:get", z.object({ key: z.string() }).strict(), ({ key }) => `value of ${key}`);
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const parent = "b7ad6b7169203331";
    const result = await invoke("store:get", { key: "theme", _otel: { traceparent: `00-${traceId}-${parent}-01` } });
    expect(result).toBe("value of theme");
    await t.flush();
    const ipc = spansOf(gw).find((s) => s.name === "ipc:store:get");
    expect(ipc?.traceId).toBe(traceId);
    expect(ipc?.parentSpanId).toBe(parent);
  });

  it("relays renderer spans under the renderer resource and redacts them", async () => {
    const t = start();
    const result = t.relayRendererSpans([
      {
        traceId: "0af7651916cd43dd8448eb211c80319c",
        spanId: "00f067aa0ba902b7",
        name: "lexical:send",
        startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
        endTimeUnixNano: String(BigInt(Date.now() + 5) * 1_000_000n),
        attributes: { "chatroom_id": "42", note: "mail me at jane.doe@example.com" },
      },
      { traceId: "nope", spanId: "x", name: "lexical:send", startTimeUnixNano: "1", endTimeUnixNano: "2" },
      { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "00f067aa0ba902b8", name: "made:up", startTimeUnixNano: "1", endTimeUnixNano: "2" },
    ]);
    expect(result).toEqual({ accepted: 1, dropped: 2, problem: "[1].traceId: Invalid string: must match pattern /^[0-9a-f]{32}$/" });
    expect(t.status().droppedItems).toEqual({ invalid_payload: 2 });
    await t.flush();
    const spans = spansOf(gw);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.scope).toBe("kicktalk-renderer");
    expect(spans[0]?.resource["process.type"]).toBe(PROCESS_TYPES["client-renderer"]);
    expect(flat(spans[0]?.attributes)).toEqual({ chatroom_id: "42", note: "mail me at [REDACTED_EMAIL]" });
  });

  it("reports errors as redacted, de-duplicated log records with catalog attributes and breadcrumbs", async () => {
    const t = start();
    t.addBreadcrumb({ category: "ui", message: "clicked send", timestamp: 1 });
    const boom = () => new TypeError("token=abc123secret failed for user 17");
    t.captureError(boom(), { area: "lexical", chatroomId: "42" });
    t.captureError(boom(), { area: "lexical", chatroomId: "42" }); // same fingerprint: counted, not re-sent
    await t.flush();
    const logs = logsOf(gw);
    expect(logs).toHaveLength(1);
    const attrs = flat(logs[0]?.attributes);
    expect(logs[0]?.body.stringValue).toBe("token=[REDACTED] failed for user 17");
    expect(logs[0]?.severityText).toBe("ERROR");
    expect(Object.keys(attrs).sort()).toEqual(
      ["area", "breadcrumbs", "chatroom_id", "error_fingerprint", "error_type", "exception.message", "exception.stacktrace", "exception.type", "fatal", "log_type", "occurrences"].sort(),
    );
    expect(attrs).toMatchObject({ log_type: "error", area: "lexical", error_type: "TypeError", fatal: false, chatroom_id: "42" });
    expect(JSON.parse(String(attrs.breadcrumbs))).toEqual([{ category: "ui", message: "clicked send", level: "info", timestamp: 1 }]);
  });

  it("keeps the streamer in a renderer error's context as streamer_id (issue 11: accepted, then dropped)", async () => {
    const t = start();
    expect(t.captureRendererError(new Error("socket refused"), { area: "ws", chatroomId: "101", streamerId: "7" })).toBe(true);
    await t.flush();
    expect(flat(logsOf(gw)[0]?.attributes)).toMatchObject({ log_type: "error", area: "ws", chatroom_id: "101", streamer_id: "7" });
  });

  it("relays the renderer's event, metric and vital records with their catalog attributes only", async () => {
    const t = start();
    const result = t.recordRendererLogs([
      { type: "event", severity: "info", body: "join_chatroom", attributes: { action: "join_chatroom", area: "chat", extra: "dropped" } },
      { type: "metric", severity: "info", body: "chat_render", attributes: { metric_name: "chat_render", value: 12.5, unit: "ms" } },
      { type: "vital", severity: "info", body: "LCP 4800 (poor)", attributes: { vital_name: "LCP", value: 4800, rating: "poor" } },
    ]);
    expect(result).toEqual({ accepted: 3, dropped: 0, problem: null });
    t.log({ type: "metric", severity: "info", body: "main start-up", attributes: { metric_name: "main_startup", value: 80, unit: "ms" } });
    await t.flush();
    const exported = gw.requests
      .filter((r) => r.path === "/v1/logs")
      .flatMap((r) => (r.body.resourceLogs as { resource: { attributes: Kv[] }; scopeLogs: { logRecords: { attributes: Kv[] }[] }[] }[]).flatMap((rl) =>
        rl.scopeLogs.flatMap((sl) => sl.logRecords.map((l) => ({ type: flat(l.attributes).log_type, process: flat(rl.resource.attributes)["process.type"] }))),
      ));
    expect(exported).toEqual([
      { type: "event", process: PROCESS_TYPES["client-renderer"] },
      { type: "metric", process: PROCESS_TYPES["client-renderer"] },
      { type: "vital", process: PROCESS_TYPES["client-renderer"] },
      { type: "metric", process: PROCESS_TYPES["client-main"] },
    ]);
    expect(logsOf(gw).map((l) => flat(l.attributes))).toEqual([
      { log_type: "event", action: "join_chatroom", area: "chat" },
      { log_type: "metric", metric_name: "chat_render", value: 12.5, unit: "ms" },
      { log_type: "vital", vital_name: "LCP", value: 4800, rating: "poor" },
      { log_type: "metric", metric_name: "main_startup", value: 80, unit: "ms" },
    ]);
  });

  it("sends nothing while disabled and discards the queue when switched off", async () => {
    const t = start({ enabled: false });
    const { ipcMain, invoke } = fakeIpcMain();
    t.handleIpc(ipcMain, "store:get", z.object({ key: z.string() }), ({ key }) => key);
    expect(await invoke("store:get", { key: "a" })).toBe("a");
    t.startStartupSpan().end();
    t.metrics.messagesSent.record(1, { message_type: "regular", streamer_name: "x", success: "true" });
    await t.flush();
    expect(gw.requests).toHaveLength(0);
    expect(t.status().queuedItems).toBe(0);

    await t.setEnabled(true);
    t.startStartupSpan().end();
    // The span, and the session's start-up snapshot of its zero-started counters (one item a point).
    const queued = 1 + zeroStartedLabelSets().length;
    expect(t.status().queuedItems).toBe(queued);
    await t.setEnabled(false);
    expect(t.status()).toMatchObject({ queuedItems: 0, droppedItems: { disabled: queued } });
    await t.flush();
    expect(gw.requests).toHaveLength(0);
  });

  it("exports my data as JSONL of what is queued, and deletes it", async () => {
    const t = start();
    const span = t.tracer.startSpan("store:set");
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    const jsonl = await t.exportMyData();
    const lines = jsonl.trim().split("\n").map((l) => JSON.parse(l) as { signal: string; items: number; resource: Record<string, unknown> });
    // The start-up snapshot of the zero-started counters, then the span.
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ signal: "metrics", items: zeroStartedLabelSets().length, resource: { "service.name": CLIENT_SERVICE } });
    expect(lines[1]).toMatchObject({ signal: "traces", items: 1, resource: { "service.name": CLIENT_SERVICE } });
    await t.deleteMyData();
    expect(await t.exportMyData()).toBe("");
    await t.flush();
    expect(spansOf(gw)).toHaveLength(0);
  });

  it("records metrics from the catalog and exports them on flush", async () => {
    const t = start();
    t.metrics.messagesReceived.record(3, { message_type: "regular", streamer_name: "xqc" });
    t.recordRendererMetrics([
      { metric: "domNodeCount", value: 1234 },
      { metric: "messagesReceived", value: 2, labels: { message_type: "regular", streamer_name: "xqc" } },
      { metric: "chatServerNotMine", value: 1 },
    ]);
    await t.flush();
    type Point = { asInt?: string | number; asDouble?: number; attributes: Kv[] };
    type HistogramPoint = { count: string | number; sum: number; bucketCounts: (string | number)[]; explicitBounds: number[] };
    type RM = { scopeMetrics: { metrics: { name: string; sum?: { dataPoints: Point[] }; histogram?: { dataPoints: HistogramPoint[] } }[] }[] };
    const value = (p: Point | undefined) => Number(p?.asInt ?? p?.asDouble);
    const metrics = gw.requests
      .filter((r) => r.path === "/v1/metrics")
      .flatMap((r) => (r.body.resourceMetrics as RM[]).flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)));
    const received = metrics.find((m) => m.name === "kicktalk_messages_received");
    expect(received?.sum?.dataPoints.map((p) => [value(p), flat(p.attributes)])).toEqual([[5, { message_type: "regular", streamer_name: "xqc" }]]);
    // A histogram (client gauges never pass the fleet gateway): one observation, in the (1000, 2500] bucket.
    const dom = metrics.find((m) => m.name === "kicktalk_dom_node_count")?.histogram?.dataPoints[0];
    expect([Number(dom?.count), dom?.sum]).toEqual([1, 1234]);
    expect(dom?.bucketCounts.map(Number)[dom.explicitBounds.indexOf(2500)]).toBe(1);
    expect(t.status().droppedItems.invalid_payload).toBe(1);
  });

  describe("quit with a slow gateway (issue 11: 50 of 50 duplicated)", () => {
    const seqsOf = () => spansOf(gw).map((s) => String(flat(s.attributes)["test.seq"])).filter((x) => x !== "undefined");

    it("starts no request that cannot finish before the deadline: zero duplicates after the restart", async () => {
      gw.script([], { status: 200, delayMs: 500 }); // answers 500 ms after taking the body
      const first = start();
      first.startStartupSpan().end();
      await first.flush(); // learns the 500 ms round trip
      for (let i = 0; i < 50; i++) first.tracer.startSpan("store:set", { attributes: { "test.seq": i } }).end();
      const t0 = performance.now();
      await first.shutdown(400); // the deadline the slow gateway misses
      expect(performance.now() - t0).toBeLessThan(400);
      expect(seqsOf()).toEqual([]); // nothing went out at quit...
      gw.script([], { status: 200 });
      const second = start();
      await second.flush(); // ...it all goes out on the next start, once
      expect(seqsOf().sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    });

    it("a quit with no round trip measured yet sends nothing (the journal keeps it for the next start)", async () => {
      gw.script([], { status: 200, delayMs: 500 });
      const first = start();
      for (let i = 0; i < 50; i++) first.tracer.startSpan("store:set", { attributes: { "test.seq": i } }).end();
      await first.shutdown(400);
      expect(gw.requests).toHaveLength(0);
      expect(first.status().queuedItems).toBeGreaterThanOrEqual(50);
    });

    it("with a fast gateway the quit still flushes", async () => {
      const first = start();
      first.startStartupSpan().end();
      await first.flush();
      for (let i = 0; i < 50; i++) first.tracer.startSpan("store:set", { attributes: { "test.seq": i } }).end();
      await first.shutdown(2000);
      expect(seqsOf()).toHaveLength(50);
      expect(first.status().queuedItems).toBe(0);
    });
  });

  it("the queue-size metric matches the journal after an off/on toggle (issue 11: 100 reported with an empty queue)", async () => {
    // With timers: the queue is a histogram observed at each sample, which the process metrics take before each collection.
    const t = (telemetry = createTelemetry({ ...config }, { registerGlobal: false, metricIntervalMs: 3_600_000 }));
    type RM = { scopeMetrics: { metrics: { name: string; histogram?: { dataPoints: { count: number | string; sum?: number; attributes: Kv[] }[] } }[] }[] };
    const queued = () =>
      gw.requests
        .filter((r) => r.path === "/v1/metrics")
        .flatMap((r) => (r.body.resourceMetrics as RM[]).flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)))
        .filter((m) => m.name === "kicktalk_telemetry_queue_items")
        .at(-1)
        // One observation per signal per collection: its sum is the journal's size then.
        ?.histogram?.dataPoints.map((p) => [flat(p.attributes).signal, Number(p.count) === 1 ? Number(p.sum) : NaN]);
    gw.script([], { status: 503 });
    for (let i = 0; i < 100; i++) t.tracer.startSpan("store:set").end();
    await t.setEnabled(false); // discards the 100 queued spans
    await t.setEnabled(true);
    gw.script([], { status: 200 });
    await t.flush(); // the snapshot is taken before the send: the journal is empty of spans
    expect(t.status().queuedItems).toBe(0);
    expect(Object.fromEntries(queued() ?? [])).toEqual({ traces: 0, metrics: 0, logs: 0 });
  });

  it("OTEL_SDK_DISABLED or a config error wins over the user's switch", async () => {
    const t = start({ enabled: false, lockedOff: "OTEL_SDK_DISABLED=true" });
    await t.setEnabled(true);
    t.startStartupSpan().end();
    await t.flush();
    expect(t.isEnabled()).toBe(false);
    expect(t.status()).toMatchObject({ enabled: false, lockedOff: "OTEL_SDK_DISABLED=true", queuedItems: 0 });
    expect(gw.requests).toHaveLength(0);
  });

  it("redacts span names outside the catalog and free-text event names (issue 11)", async () => {
    const t = start();
    const span = t.tracer.startSpan("GET /users/jane@example.com");
    span.addEvent("sent to 203.0.113.9 as jane@example.com");
    span.end();
    t.relayRendererSpans([
      {
        traceId: "0af7651916cd43dd8448eb211c80319c",
        spanId: "00f067aa0ba902b7",
        name: "lexical:send",
        startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
        endTimeUnixNano: String(BigInt(Date.now() + 5) * 1_000_000n),
        events: [{ name: "pasted C:\\Users\\Jane Doe\\secret.txt", timeUnixNano: String(BigInt(Date.now()) * 1_000_000n) }],
      },
    ]);
    await t.flush();
    const spans = spansOf(gw) as unknown as { name: string; events?: { name: string }[] }[];
    const text = JSON.stringify(spans.map((s) => [s.name, (s.events ?? []).map((e) => e.name)]));
    for (const leak of ["jane@example.com", "203.0.113.9", "Jane Doe"]) expect(text).not.toContain(leak);
    expect(spans.map((s) => s.name).sort()).toEqual(["GET /users/[REDACTED_EMAIL]", "lexical:send"]);
  });

  describe("the renderer cannot poison telemetry (issue 11)", () => {
    const span = (over: Record<string, unknown>) => ({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "00f067aa0ba902b7",
      name: "lexical:send",
      startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
      endTimeUnixNano: String(BigInt(Date.now() + 5) * 1_000_000n),
      ...over,
    });

    it("validates metric values per instrument: counter +1e308, histogram -1e9, 5 PB of heap are dropped and counted", () => {
      const t = start();
      const r = t.recordRendererMetrics([
        { metric: "messagesReceived", value: 1e308, labels: { message_type: "regular", streamer_name: "xqc" } },
        { metric: "domNodeCount", value: -1e9 },
        { metric: "rendererMemoryUsage", value: 5e12 * 1e3 },
        { metric: "messagesReceived", value: 3, labels: { message_type: "regular", streamer_name: "xqc" } },
      ]);
      expect(r).toMatchObject({ accepted: 1, dropped: 3 });
      expect(r.problem).toMatch(/counter step 1e\+308/);
      expect(t.status().droppedItems).toEqual({ invalid_payload: 3 });
    });

    it("refuses spans ending before they start, in year 2286, or lasting over an hour", () => {
      const t = start();
      const now = BigInt(Date.now()) * 1_000_000n;
      const r = t.relayRendererSpans([
        span({ startTimeUnixNano: String(now), endTimeUnixNano: String(now - 1_000_000n) }),
        span({ startTimeUnixNano: "9999999999000000000", endTimeUnixNano: "9999999999000000001" }),
        span({ startTimeUnixNano: String(now - 7200_000_000_000n), endTimeUnixNano: String(now) }),
        span({}),
      ]);
      expect(r).toEqual({ accepted: 1, dropped: 3, problem: "span ends before it starts" });
    });

    it("applies OTel span limits: 2,000 attributes become 64, the rest counted as dropped", async () => {
      const t = start();
      const attributes = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`a${i}`, i]));
      expect(t.relayRendererSpans([span({ attributes })])).toMatchObject({ accepted: 1 });
      await t.flush();
      const s = spansOf(gw)[0] as unknown as { attributes: unknown[]; droppedAttributesCount: number };
      expect([s.attributes.length, s.droppedAttributesCount]).toEqual([64, 1936]);
    });

    it("rate-limits renderer telemetry on a simulated clock, and refills", () => {
      let clock = Date.now();
      const t = (telemetry = createTelemetry({ ...config }, { registerGlobal: false, startTimers: false, now: () => clock }));
      let accepted = 0;
      for (let i = 0; i < 20; i++) accepted += t.relayRendererSpans(Array.from({ length: 256 }, () => span({}))).accepted;
      expect(accepted).toBe(3000);
      clock += 60_000;
      expect(t.relayRendererSpans([span({})]).accepted).toBe(1);
      const errors = Array.from({ length: 100 }, (_, i) => t.captureRendererError(new Error(`forged ${i}`), { area: "main", fatal: true, severity: "fatal" }));
      expect(errors.filter(Boolean)).toHaveLength(30);
    });

    it("a renderer error cannot claim an area only main reports in", async () => {
      const t = start();
      t.captureRendererError(new Error("forged"), { area: "main", fatal: true, severity: "fatal" });
      await t.flush();
      expect(flat(logsOf(gw)[0]?.attributes)).toMatchObject({ area: "renderer" });
    });
  });
});
