// Issue 11, "nothing lost": a 24-hour gateway outage at the shipped settings (10 s flush,
// 10 % sampling, gzip, the default journal bounds), simulated with an injected clock and an
// in-process fetch, so a day runs in seconds. Load of a busy chat user (figures in LOAD):
// every flush journals a metric delta, folded into the one unsent metrics entry, as the app does. Then the gateway comes
// back and everything queued must arrive: every span, log and error exactly once, the metric
// totals complete, and any drop counted by reason.
import { rmSync } from "node:fs";
import { SpanStatusCode } from "@opentelemetry/api";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "./config.ts";
import type { HttpRequest } from "./http-request.ts";
import { createTelemetry } from "./telemetry.ts";
import { testConfig } from "./testing/test-config.ts";
import type { Telemetry } from "./types.ts";

/** Per 10 s flush tick; a day is 8,640 ticks. */
const LOAD = {
  hours: 24,
  /** A sampled send trace (renderer→ipc) every 50 s: 6 sends a minute at 10 % sampling, two spans each. */
  sampledSpanEveryTicks: 5,
  /** A slow or failed operation (always kept by the sampler) every 5 minutes. */
  errorSpanEveryTicks: 30,
  /** A warning log record every 2 minutes. */
  logEveryTicks: 12,
  /** A captured error every 10 minutes. */
  errorEveryTicks: 60,
  /** Chat messages received per tick (metric only). */
  messagesPerTick: 100,
};

type Kv = { key: string; value: Record<string, unknown> };
const attr = (kvs: Kv[] | undefined, key: string) => {
  const v = kvs?.find((kv) => kv.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
};

describe("a 24-hour gateway outage at the shipped settings", () => {
  let t: Telemetry | null = null;
  let dataDir = "";
  afterEach(async () => {
    await t?.shutdown(100);
    t = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loses no span, log or error; delivers each once; keeps the metric totals", async () => {
    let clock = Date.UTC(2025, 0, 1);
    let down = true;
    const spans = new Map<string, number>();
    const logs = new Map<string, number>();
    let received = 0;
    let requests = 0;
    const fetch: HttpRequest = async (_url, init = {}) => {
      requests++;
      if (down) throw new TypeError("fetch failed: connect ECONNREFUSED");
      const body = JSON.parse(gunzipSync(init.body as Buffer).toString("utf8")) as Record<string, { scopeSpans?: { spans: { attributes: Kv[] }[] }[]; scopeLogs?: { logRecords: { body: { stringValue: string } }[] }[]; scopeMetrics?: { metrics: { name: string; sum?: { dataPoints: { asInt?: number; asDouble?: number }[] } }[] }[] }[]>;
      for (const rs of body.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans) {
            const id = String(attr(s.attributes, "test.seq") ?? "");
            if (id) spans.set(id, (spans.get(id) ?? 0) + 1);
          }
      for (const rl of body.resourceLogs ?? [])
        for (const sl of rl.scopeLogs ?? []) for (const l of sl.logRecords) logs.set(l.body.stringValue, (logs.get(l.body.stringValue) ?? 0) + 1);
      for (const rm of body.resourceMetrics ?? [])
        for (const sm of rm.scopeMetrics ?? [])
          for (const m of sm.metrics)
            if (m.name === "kicktalk_messages_received") received += m.sum!.dataPoints.reduce((a, p) => a + Number(p.asInt ?? p.asDouble), 0);
      return new Response("{}", { status: 200 });
    };

    const config = testConfig("http://127.0.0.1:9", { sampleRatio: DEFAULT_CONFIG.sampleRatio, errorDedupWindowMs: 0 });
    dataDir = config.dataDir;
    expect(config).toMatchObject({ flushIntervalMs: 10_000, compression: "gzip", maxQueueItems: DEFAULT_CONFIG.maxQueueItems, maxQueueBytes: DEFAULT_CONFIG.maxQueueBytes });
    t = createTelemetry(config, { registerGlobal: false, startTimers: false, fetch, now: () => clock, random: () => 0.5 });

    const ticks = (LOAD.hours * 3600_000) / config.flushIntervalMs;
    const recorded = { spans: 0, logs: 0, errors: 0, messages: 0 };
    // A sampled parent, as the renderer's send span is when its trace is sampled.
    const sampledParent = { _otel: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
    for (let tick = 1; tick <= ticks; tick++) {
      clock += config.flushIntervalMs;
      t.metrics.messagesReceived.record(LOAD.messagesPerTick, { message_type: "regular", streamer_name: "xqc" });
      recorded.messages += LOAD.messagesPerTick;
      if (tick % LOAD.sampledSpanEveryTicks === 0) {
        // Two spans of one sampled trace: the root is always sampled here via the forced name.
        for (const part of ["a", "b"]) {
          t.tracer.startSpan("main_startup_boot", { attributes: { "test.seq": `s${tick}${part}`, carrier: sampledParent._otel } }).end();
          recorded.spans++;
        }
      }
      if (tick % LOAD.errorSpanEveryTicks === 0) {
        const s = t.tracer.startSpan("store:set", { attributes: { "test.seq": `e${tick}` } });
        s.setStatus({ code: SpanStatusCode.ERROR, message: "disk full" });
        s.end();
        recorded.spans++;
      }
      if (tick % LOAD.logEveryTicks === 0) {
        t.log({ type: "log", severity: "warn", body: `log ${tick}`, attributes: { area: "store" } });
        recorded.logs++;
      }
      if (tick % LOAD.errorEveryTicks === 0) {
        t.captureError(new Error(`error ${tick}`), { area: "store" });
        recorded.errors++;
      }
      await t.flush();
    }
    const during = t.status();
    // The metric share stayed one folded delta: spans, logs and errors fill the journal, not metrics.
    expect(during.droppedItems).toEqual({});
    expect(during.queuedItems).toBeLessThan(config.maxQueueItems);
    expect(during.queuedBytes).toBeLessThan(config.maxQueueBytes);
    expect(during.supersededMetricPoints).toBeGreaterThan(0);

    down = false;
    clock += 3600_000; // past any backoff
    for (let i = 0; i < 200 && t.status().queuedItems > 0; i++) {
      clock += 60_000;
      await t.flush();
    }
    const after = t.status();
    const duplicated = [...spans.values(), ...logs.values()].reduce((n, c) => n + c - 1, 0);
    const errorsDelivered = [...logs.keys()].filter((b) => b.startsWith("error ")).length;
    const figures = {
      hoursSimulated: LOAD.hours,
      recorded,
      delivered: { spans: spans.size, logs: logs.size - errorsDelivered, errors: errorsDelivered, messagesInMetrics: received },
      duplicated,
      droppedByReason: after.droppedItems,
      peakQueue: { items: during.queuedItems, bytes: during.queuedBytes },
      requests,
    };
    console.log(`outage figures: ${JSON.stringify(figures)}`);
    expect(after.queuedItems).toBe(0);
    expect(figures.delivered).toEqual({ spans: recorded.spans, logs: recorded.logs, errors: recorded.errors, messagesInMetrics: recorded.messages });
    expect(duplicated).toBe(0);
    expect(after.droppedItems).toEqual({});
  }, 120_000);
});
