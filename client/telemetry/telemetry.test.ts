import { rmSync } from "node:fs";
import { SpanStatusCode } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { CLIENT_SERVICE, PROCESS_TYPES } from "../../catalog/index.ts";
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
        startTimeUnixNano: "1700000000000000000",
        endTimeUnixNano: "1700000000005000000",
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
    expect(t.status().queuedItems).toBe(1);
    await t.setEnabled(false);
    expect(t.status()).toMatchObject({ queuedItems: 0, droppedItems: { disabled: 1 } });
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
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ signal: "traces", items: 1, resource: { "service.name": CLIENT_SERVICE } });
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
    type RM = { scopeMetrics: { metrics: { name: string; sum?: { dataPoints: Point[] }; gauge?: { dataPoints: Point[] } }[] }[] };
    const value = (p: Point | undefined) => Number(p?.asInt ?? p?.asDouble);
    const metrics = gw.requests
      .filter((r) => r.path === "/v1/metrics")
      .flatMap((r) => (r.body.resourceMetrics as RM[]).flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)));
    const received = metrics.find((m) => m.name === "kicktalk_messages_received");
    expect(received?.sum?.dataPoints.map((p) => [value(p), flat(p.attributes)])).toEqual([[5, { message_type: "regular", streamer_name: "xqc" }]]);
    expect(value(metrics.find((m) => m.name === "kicktalk_dom_node_count")?.gauge?.dataPoints[0])).toBe(1234);
    expect(t.status().droppedItems.invalid_payload).toBe(1);
  });
});
