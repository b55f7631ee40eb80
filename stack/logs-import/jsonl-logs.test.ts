import { describe, expect, it } from "vitest";
import { CLIENT_SERVICE, LOG_EVENTS } from "../../catalog/index.ts";
import { parseJsonlLogs, timestampToNs, toPushBatches } from "./jsonl-logs.ts";

const T0 = "2025-12-22T10:00:00.000Z";
const T0_NS = "1766397600000000000";

describe("timestampToNs", () => {
  it("reads ISO strings, epoch ms, epoch seconds and epoch ns", () => {
    expect(timestampToNs(T0)).toBe(T0_NS);
    expect(timestampToNs(1766397600000)).toBe(T0_NS);
    expect(timestampToNs(1766397600)).toBe(T0_NS);
    expect(timestampToNs("1766397600000")).toBe(T0_NS);
    expect(timestampToNs(T0_NS)).toBe(T0_NS);
    expect(timestampToNs("2025-12-22T10:00:00.123456789Z")).toBe("1766397600123456789");
  });
  it("rejects what is not a date", () => {
    for (const bad of [undefined, null, "", "yesterday", -5, {}, Number.NaN]) expect(timestampToNs(bad)).toBeNull();
  });
});

describe("parseJsonlLogs: seed 001 lines", () => {
  it("maps type, level, message and data fields like the OTLP path", () => {
    const line = JSON.stringify({
      type: "error",
      data: { message: "Failed to load emotes", name: "TypeError", area: "emote", chatroomId: "42", stack: "at x (/home/alice/app.js:1)" },
      timestamp: T0,
      sessionId: "s-1",
    });
    const { entries, malformed } = parseJsonlLogs(line);
    expect(malformed).toEqual([]);
    expect(entries).toEqual([
      {
        service: CLIENT_SERVICE,
        tsNs: T0_NS,
        line: "Failed to load emotes",
        sourceLine: 1,
        metadata: {
          log_type: LOG_EVENTS.error.type,
          severity_text: "ERROR",
          severity_number: "17",
          error_type: "TypeError",
          area: "emote",
          chatroom_id: "42",
          session_id: "s-1",
          // Home directories carry the OS user name: redacted on import like in the client.
          stack: expect.not.stringContaining("alice"),
        },
      },
    ]);
  });

  it("uses catalog attribute names for seed aliases and keeps the level", () => {
    const text = [
      { type: "vital", data: { name: "LCP", value: 1200, rating: "good" }, timestamp: 1766397600000 },
      { type: "metric", data: { name: "chat_render", value: 12.5, unit: "ms" }, timestamp: T0 },
      { type: "log", data: { level: "warning", message: "slow" }, timestamp: T0 },
    ]
      .map((o) => JSON.stringify(o))
      .join("\n");
    const { entries } = parseJsonlLogs(text);
    expect(entries.map((e) => e.metadata)).toEqual([
      { log_type: "vital", severity_text: "INFO", severity_number: "9", vital_name: "LCP", value: "1200", rating: "good" },
      { log_type: "metric", severity_text: "INFO", severity_number: "9", metric_name: "chat_render", value: "12.5", unit: "ms" },
      { log_type: "log", severity_text: "WARN", severity_number: "13" },
    ]);
    // No message: the line is the type, so the entry is never an empty line.
    expect(entries.map((e) => e.line)).toEqual(["vital", "metric", "slow"]);
  });

  it("reports malformed lines with their numbers and imports the rest", () => {
    const text = [
      JSON.stringify({ type: "log", data: { message: "ok 1" }, timestamp: T0 }),
      "{not json",
      "",
      JSON.stringify({ type: "bogus", data: {}, timestamp: T0 }),
      JSON.stringify({ type: "log", data: { message: "no time" } }),
      JSON.stringify([1, 2]),
      JSON.stringify({ type: "log", data: "text", timestamp: T0 }),
      JSON.stringify({ type: "event", data: { action: "join", message: "ok 2" }, timestamp: T0 }),
    ].join("\n");
    const r = parseJsonlLogs(text);
    expect(r.entries.map((e) => [e.sourceLine, e.line])).toEqual([
      [1, "ok 1"],
      [8, "ok 2"],
    ]);
    expect(r.malformed.map((m) => m.line)).toEqual([2, 4, 5, 6, 7]);
    expect(r.malformed[1]?.reason).toMatch(/"bogus", not a catalog log event/);
    expect(r.malformed[2]?.reason).toMatch(/timestamp/);
    expect(r.lines).toBe(7); // the blank line is not counted
  });
});

describe("parseJsonlLogs: client journal and OTLP/JSON lines", () => {
  const record = {
    timeUnixNano: T0_NS,
    severityNumber: 17,
    severityText: "error",
    body: { stringValue: "ws closed" },
    attributes: [
      { key: "log_type", value: { stringValue: "error" } },
      { key: "error.type", value: { stringValue: "ws_error" } },
      { key: "fatal", value: { boolValue: false } },
      { key: "occurrences", value: { intValue: "3" } },
    ],
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
  };
  const expected = {
    service: CLIENT_SERVICE,
    tsNs: T0_NS,
    line: "ws closed",
    sourceLine: 1,
    metadata: {
      log_type: "error",
      error_type: "ws_error",
      fatal: "false",
      occurrences: "3",
      severity_text: "error",
      severity_number: "17",
      trace_id: "0af7651916cd43dd8448eb211c80319c",
      span_id: "b7ad6b7169203331",
    },
  };

  it("imports the log scopes of journal entries and skips acks and other signals", () => {
    const text = [
      JSON.stringify({ t: "e", id: "a", sig: "logs", res: "main", n: 1, s: [{ scope: { name: "x" }, logRecords: [record] }] }),
      JSON.stringify({ t: "e", id: "b", sig: "traces", res: "main", n: 1, s: [{ spans: [] }] }),
      JSON.stringify({ t: "a", ids: ["b"] }),
    ].join("\n");
    const r = parseJsonlLogs(text);
    expect(r.entries).toEqual([expected]);
    expect(r.skipped.map((s) => s.line)).toEqual([2, 3]);
    expect(r.malformed).toEqual([]);
  });

  it("imports the client's \"export my data\" lines, service from their resource", () => {
    const text = [
      JSON.stringify({ id: "a", signal: "logs", items: 1, resource: { "service.name": CLIENT_SERVICE, "process.type": "electron-main" }, data: [{ logRecords: [record] }] }),
      JSON.stringify({ id: "b", signal: "metrics", items: 3, resource: {}, data: [] }),
      JSON.stringify({ id: "c", signal: "logs", items: 1, resource: {}, data: { logRecords: [] } }),
    ].join("\n");
    const r = parseJsonlLogs(text);
    expect(r.entries).toEqual([expected]);
    expect(r.skipped).toEqual([{ line: 2, reason: "exported entry of metrics, not logs" }]);
    expect(r.malformed).toEqual([{ line: 3, reason: "exported entry: field `data` must be an array of ScopeLogs" }]);
  });

  it("takes the service from an OTLP request's resource", () => {
    const req = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "kicktalk-chat-server" } }] },
          scopeLogs: [{ logRecords: [record, { ...record, timeUnixNano: undefined }] }],
        },
      ],
    };
    const r = parseJsonlLogs(JSON.stringify(req));
    expect(r.entries).toEqual([]);
    expect(r.malformed).toEqual([{ line: 1, reason: "logRecords[1]: log record has no timeUnixNano" }]);
    const ok = parseJsonlLogs(JSON.stringify({ ...req, resourceLogs: [{ ...req.resourceLogs[0], scopeLogs: [{ logRecords: [record] }] }] }));
    expect(ok.entries).toEqual([{ ...expected, service: "kicktalk-chat-server" }]);
  });
});

describe("toPushBatches", () => {
  it("pushes oldest first, whatever the file order", () => {
    const text = [3, 1, 2].map((i) => JSON.stringify({ type: "log", data: { message: `m${i}` }, timestamp: 1766397600000 + i })).join("\n");
    const [batch] = toPushBatches(parseJsonlLogs(text).entries, "f00");
    expect(batch?.body.streams[0]?.values.map((v) => v[1])).toEqual(["m1", "m2", "m3"]);
    expect([batch?.firstLine, batch?.lastLine]).toEqual([1, 3]);
  });

  it("groups by service into Loki push bodies and splits by size", () => {
    const text = Array.from({ length: 10 }, (_, i) => JSON.stringify({ type: "log", data: { message: `m${i}` }, timestamp: 1766397600000 + i })).join("\n");
    const { entries } = parseJsonlLogs(text);
    const one = toPushBatches(entries, "f00");
    expect(one).toHaveLength(1);
    expect(one[0]?.body.streams).toHaveLength(1);
    expect(one[0]?.body.streams[0]?.stream).toEqual({ service_name: CLIENT_SERVICE, import_id: "f00" });
    expect(one[0]?.body.streams[0]?.values[0]).toEqual([T0_NS, "m0", { log_type: "log", severity_text: "INFO", severity_number: "9" }]);
    const split = toPushBatches(entries, "f00", 300);
    expect(split.length).toBeGreaterThan(1);
    expect(split.reduce((n, b) => n + b.entries, 0)).toBe(10);
    expect(split[0]?.firstLine).toBe(1);
    expect(split.at(-1)?.lastLine).toBe(10);
  });
});
