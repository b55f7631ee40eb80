// The client end to end here: main-process code in this Node process with the real
// telemetry layer exporting to a real OpenTelemetry Collector, the renderer bundle in
// Debian's Chromium, the preload API bridged across the process boundary, and the real chat
// server (server/app.ts, exporting to the same collector). Proves the renderer → IPC → HTTP →
// server trace chain, that malformed renderer payloads are rejected without hurting main, and
// that "off" sends nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCollector, type FlatSpan, type TestCollector } from "../../testkit/collector.ts";
import { startChatServer, type ChatServer } from "../../server/app.ts";
import { startTelemetry, type RunningTelemetry } from "../../server/telemetry/sdk.ts";
import { testConfig as serverTestConfig } from "../../server/testing/test-server.ts";
import { launchClientHarness, type ClientHarness } from "./harness.ts";
import { UNTHROTTLED } from "../telemetry/testing/test-config.ts";
import { runCoverageSteps, runScriptedSession, writeUpdateFeed, type CoverageResult, type SessionResult } from "./session.ts";
import type { FlatLogRecord } from "../../queries/evaluate/otlp-records.ts";

let collector: TestCollector;
let server: ChatServer;
let serverTelemetry: RunningTelemetry;
let feedDir: string;
const pageErrors: string[] = [];

async function harness(enabled: boolean, gateway: TestCollector = collector): Promise<ClientHarness> {
  return launchClientHarness({
    chatServerUrl: server.url,
    env: { KICKTALK_UPDATE_FEED_DIR: feedDir },
    windowQuery: { backoffMs: "50" },
    telemetryOverrides: { enabled, endpoint: gateway.otlpHttpEndpoint, sampleRatio: 1, sampledTracesPerMinute: UNTHROTTLED, flushIntervalMs: 300 },
    telemetryDeps: { registerGlobal: false },
    onPageError: (m) => pageErrors.push(m),
  });
}

beforeAll(async () => {
  collector = await startTestCollector();
  const config = serverTestConfig({ OTEL_SDK_DISABLED: "false", OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint });
  serverTelemetry = startTelemetry(config);
  server = await startChatServer(config, serverTelemetry.telemetry);
  feedDir = mkdtempSync(join(tmpdir(), "kicktalk-feed-"));
  writeUpdateFeed(feedDir, "1.1.0");
});

afterAll(async () => {
  await server?.close();
  await serverTelemetry?.shutdown();
  await collector?.stop();
  rmSync(feedDir, { recursive: true, force: true });
});

describe("telemetry on", () => {
  let h: ClientHarness;
  let session: SessionResult;
  let coverage: CoverageResult;
  let spans: FlatSpan[];

  beforeAll(async () => {
    h = await harness(true);
    const chat = { url: server.url, dropConnections: () => server.dropConnections() };
    session = await runScriptedSession(h, chat);
    coverage = await runCoverageSteps(h, chat, session, { dir: feedDir, version: "1.1.0" });
    const page = await h.mainPage();
    // Malformed payloads straight from the page, past the typed API.
    const rejections = await page.evaluate(async () => {
      const app = window.app as unknown as { chat: { sendMessage(p: unknown): Promise<unknown> }; store: { set(p: unknown): Promise<unknown> } };
      const out: string[] = [];
      for (const call of [() => app.chat.sendMessage({ chatroomId: "101" }), () => app.store.set({ key: "__proto__", value: 1 })]) {
        try {
          await call();
          out.push("accepted");
        } catch (e) {
          out.push((e as Error).message);
        }
      }
      return out;
    });
    expect(rejections[0]).toMatch(/payload\.content/);
    expect(rejections[1]).toMatch(/payload\.key/);
    await h.close();
    spans = await collector.waitFor(
      () => collector.spans(),
      (s) => ["ipc:chat:send-message", "lexical:send", "updater:ready", "updater:error", "zustand:delete-message"].every((n) => s.some((x) => x.name === n)),
      20_000,
    );
  }, 120_000);

  it("ran the whole session", () => {
    expect(session).toMatchObject({ sent: 5, received: 2, reconnected: true, dialogsOpened: 4, updaterVersion: "1.1.0" });
    // Emote images point at the providers' CDNs, which this offline machine cannot resolve.
    // The unreachable chatroom's refused WebSocket connects are logged by Chromium too.
    expect(pageErrors.filter((e) => !e.includes("net::ERR_NAME_NOT_RESOLVED") && !e.includes(coverage.deadWsUrl))).toEqual([]);
    expect(coverage.updaterOutcomes).toEqual(["not_available", "error"]);
  });

  it("makes the renderer's lexical:send span the parent of the ipc:chat:send-message span it caused", () => {
    const sends = spans.filter((s) => s.name === "lexical:send");
    const ipc = spans.filter((s) => s.name === "ipc:chat:send-message" && s.status.code !== "ERROR");
    expect(sends.length).toBeGreaterThanOrEqual(session.sent);
    for (const child of ipc) {
      const parent = sends.find((p) => p.spanId === child.parentSpanId);
      expect(parent, `ipc span ${child.spanId} has no lexical:send parent`).toBeDefined();
      expect(child.traceId).toBe(parent?.traceId);
      expect(parent?.resource["process.type"]).toBe("electron-renderer");
      expect(child.resource["process.type"]).toBe("electron-main");
    }
    expect(ipc.length).toBe(session.sent);
  });

  it("continues the trace into the HTTP call and the server", async () => {
    const ipc = spans.find((s) => s.name === "ipc:chat:send-message" && s.status.code !== "ERROR");
    const http = spans.find((s) => s.kind === "CLIENT" && s.name === "POST /api/chatrooms/:id/messages" && s.parentSpanId === ipc?.spanId);
    expect(http).toMatchObject({ attributes: { "http.request.method": "POST", "url.template": "/api/chatrooms/:id/messages", "http.response.status_code": 201 } });
    const all = await collector.waitFor(
      () => collector.spans(),
      (s) => s.some((x) => x.kind === "SERVER" && x.parentSpanId === http?.spanId),
      20_000,
    );
    const served = all.find((s) => s.kind === "SERVER" && s.parentSpanId === http?.spanId);
    expect(served).toMatchObject({ traceId: http?.traceId, name: "POST /api/chatrooms/:id/messages" });
  });

  it("exports every renderer and main span family the session exercised", () => {
    const names = new Set(spans.map((s) => s.name));
    for (const name of [
      "main_startup_boot",
      "ws:connect",
      "ws:reconnect",
      "zustand:add-message",
      "zustand:join-chatroom",
      "zustand:delete-message",
      "emote:lookup",
      "emote:render",
      "lexical:keydown",
      "lexical:suggestion",
      "lexical:insert-emote",
      "lexical:insert-mention",
      "window:create",
      "window:closed",
      "store:set",
      "updater:check",
      "updater:available",
      "updater:downloading",
      "updater:ready",
      "updater:not-available",
      "updater:error",
      "ipc:telemetry:record-error",
      "ipc:chat:get-reply-thread",
      "ipc:chat:search-messages",
      "ipc:chat:get-chatters",
    ]) {
      expect(names, name).toContain(name);
    }
    const ws = spans.find((s) => s.name === "ws:connect" && s.events.some((e) => e.name === "ws.close"));
    expect(ws?.events.map((e) => e.name)).toEqual(expect.arrayContaining(["ws.connect.started", "ws.open", "ws.close"]));
    expect(spans.find((s) => s.name === "store:set" && s.attributes["store.key"] === "chat.showTimestamps")?.attributes).toMatchObject({
      "store.op": "set",
      "store.value_size": 5,
      "store.success": true,
    });
  });

  it("records the client metrics the session caused", async () => {
    const points = await collector.waitFor(
      () => collector.metrics(),
      // Open connections are observed at each send of the renderer's metrics to main (every 5 s, and as the window unloads).
      (m) =>
        ["kicktalk_messages_received", "kicktalk_websocket_reconnections", "kicktalk_input_latency"].every((n) => m.some((p) => p.name === n)) &&
        m.some((p) => p.name === "kicktalk_websocket_connections_active" && (p.count ?? 0) > 0),
      25_000,
    );
    const names = new Set(points.map((p) => p.name));
    for (const n of [
      "kicktalk_messages_sent",
      "kicktalk_message_send_duration",
      "kicktalk_api_requests",
      "kicktalk_open_windows",
      "kicktalk_emote_cache_misses",
      "kicktalk_updater_events",
      "kicktalk_dom_node_count",
      "kicktalk_websocket_connections_active",
      "kicktalk_main_cpu_usage",
    ]) {
      expect(names, n).toContain(n);
    }
    const labelsOf = (name: string, label: string) => new Set(points.filter((p) => p.name === name).map((p) => String(p.attributes[label])));
    // Refused connects to the unreachable chatroom: closed before opening.
    expect(labelsOf("kicktalk_connection_errors", "error_type")).toContain("ws_error");
    expect(labelsOf("kicktalk_emote_cache_hits", "tier")).toEqual(new Set(["memory", "disk"]));
    expect(labelsOf("kicktalk_updater_events", "event")).toEqual(new Set(["check", "available", "downloading", "ready", "not_available", "error"]));
    // The session clicks from one chatroom's tab to the other's.
    expect(labelsOf("kicktalk_input_latency", "interaction")).toContain("chatroom_switch");
    expect(labelsOf("kicktalk_main_memory_usage", "type")).toEqual(new Set(["rss", "heap_used", "heap_total", "external", "array_buffers"]));
    const renders = points.filter((p) => p.name === "kicktalk_emote_render_duration");
    expect(renders.at(-1)?.type).toBe("histogram");
    expect(renders.reduce((n, p) => n + (p.count ?? 0), 0)).toBeGreaterThanOrEqual(3); // first use, memory, disk (deltas, added up)
    expect(points.some((p) => p.name === "kicktalk_main_gc_duration" && (p.count ?? 0) > 0)).toBe(true);
    // The process figures are histograms (the fleet gateway drops client gauges): each delta point
    // with observations holds this install's samples of that flush, its mean sum / count.
    const observed = (name: string, type?: string) =>
      points.filter((p) => p.name === name && (type === undefined || p.attributes.type === type) && (p.count ?? 0) > 0);
    for (const name of ["kicktalk_main_memory_usage", "kicktalk_main_cpu_usage", "kicktalk_main_active_handles", "kicktalk_main_uptime", "kicktalk_renderer_memory_usage", "kicktalk_dom_node_count"]) {
      expect(new Set(points.filter((p) => p.name === name).map((p) => p.type)), name).toEqual(new Set(["histogram"]));
    }
    const rss = observed("kicktalk_main_memory_usage", "rss").at(-1);
    expect((rss?.sum ?? 0) / (rss?.count ?? 1)).toBeGreaterThan(10 * 1024 ** 2);
    const cpu = observed("kicktalk_main_cpu_usage").map((p) => (p.sum ?? -1) / (p.count ?? 1));
    expect(cpu.length).toBeGreaterThan(0);
    expect(cpu.every((v) => v >= 0 && v <= 64)).toBe(true); // a ratio of one core, at most the cores there are
    // Seconds since this main process started: more than 0, less than the test has been running.
    const uptime = observed("kicktalk_main_uptime").map((p) => (p.sum ?? -1) / (p.count ?? 1));
    expect(uptime.length).toBeGreaterThan(0);
    expect(uptime.every((v) => v > 0 && v < process.uptime())).toBe(true);
    // Fresh windows' heaps, tagged with their age class, and their documents' elements (the first
    // sample is taken as a window loads: at least html, head and body).
    expect(labelsOf("kicktalk_renderer_memory_usage", "window_age")).toEqual(new Set(["under_30m"]));
    const mean = (ps: typeof points) => ps.map((p) => (p.sum ?? 0) / (p.count ?? 1));
    expect(Math.max(...mean(observed("kicktalk_renderer_memory_usage", "js_heap_used")))).toBeGreaterThan(1024 ** 2);
    expect(Math.min(...mean(observed("kicktalk_dom_node_count")))).toBeGreaterThanOrEqual(3);
    // The up-down counters became histograms of the current value (a quitting install's count was
    // never subtracted from the fleet's sum): windows open per type and queued items per signal,
    // once per flush; a window's open connections per streamer, at each send to main.
    for (const name of ["kicktalk_open_windows", "kicktalk_telemetry_queue_items", "kicktalk_websocket_connections_active"]) {
      expect(new Set(points.filter((p) => p.name === name).map((p) => p.type)), name).toEqual(new Set(["histogram"]));
    }
    const windowsOpen = observed("kicktalk_open_windows").filter((p) => p.attributes.window_type === "main");
    expect(windowsOpen.length).toBeGreaterThan(0);
    expect(mean(windowsOpen).every((v) => v === 1)).toBe(true); // one main window
    expect(labelsOf("kicktalk_telemetry_queue_items", "signal")).toEqual(new Set(["traces", "metrics", "logs"]));
    expect(mean(observed("kicktalk_telemetry_queue_items")).every((v) => v >= 0)).toBe(true);
    const connections = observed("kicktalk_websocket_connections_active");
    expect(mean(connections).every((v) => v >= 1)).toBe(true);
    expect(labelsOf("kicktalk_websocket_connections_active", "source")).toEqual(new Set(["kick"]));
  });

  it("logs seed 001's event, metric and vital records from the real client, and the streamer of a ws error", async () => {
    const logs = await collector.waitFor(
      () => collector.logs(),
      (l) => ["event", "metric", "vital"].every((t) => l.some((r) => r.attributes.log_type === t)) && l.some((r) => r.attributes.streamer_id !== undefined),
      20_000,
    );
    const of = (type: string): FlatLogRecord[] => logs.filter((r) => r.attributes.log_type === type);
    expect(new Set(of("event").map((r) => r.attributes.action))).toEqual(new Set(["join_chatroom", "leave_chatroom", "hide_message"]));
    for (const r of of("event")) expect(r.attributes.area).toBe("chat");
    const metricNames = new Set(of("metric").map((r) => r.attributes.metric_name));
    expect(metricNames).toEqual(new Set(["main_startup", "chat_render"]));
    for (const r of of("metric")) expect(r.attributes).toMatchObject({ unit: "ms", value: expect.any(Number) });
    const chatRender = of("metric").find((r) => r.attributes.metric_name === "chat_render");
    expect(chatRender?.resource["process.type"]).toBe("electron-renderer");
    const vitals = of("vital");
    expect([...new Set(vitals.map((r) => String(r.attributes.vital_name)))].filter((n) => n !== "INP").sort()).toEqual(["CLS", "LCP"]);
    for (const v of vitals) {
      expect(["good", "needs-improvement", "poor"]).toContain(v.attributes.rating);
      expect(Number(v.attributes.value)).toBeGreaterThanOrEqual(0);
    }
    const lcp = vitals.find((r) => r.attributes.vital_name === "LCP");
    expect(Number(lcp?.attributes.value)).toBeGreaterThan(0);
    const wsError = logs.find((r) => r.attributes.log_type === "error" && r.attributes.area === "ws");
    expect(wsError?.attributes).toMatchObject({ chatroom_id: session.joined[1], streamer_id: expect.stringMatching(/^\d+$/) });
  });
});

describe("telemetry off (the default)", () => {
  // A collector of its own: the chat server keeps exporting to the shared one.
  it("sends zero requests to the gateway during a whole scripted session", async () => {
    const gateway = await startTestCollector();
    try {
      const h = await harness(false, gateway);
      const result = await runScriptedSession(h, { url: server.url, dropConnections: () => server.dropConnections() }, "quiet_user");
      await h.close();
      expect(result.sent).toBe(5);
      expect(await gateway.requests()).toEqual([]);
    } finally {
      await gateway.stop();
    }
  }, 120_000);
});
