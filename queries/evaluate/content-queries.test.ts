// The content's own LogQL and TraceQL (dashboard panels in generated/manifest.json, saved queries)
// are all fully evaluated, and give exact answers over a captured session: OTLP/JSON as the
// gateway's file exporter writes it, flattened by testkit, mapped as Loki and Tempo would.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { interpolate } from "../../build/template-vars.ts";
import { flattenLogs, flattenTraces } from "./otlp-records.ts";
import { SAVED_QUERIES } from "../saved-queries.ts";
import { lokiEntriesFromOtlp } from "./loki-otlp-model.ts";
import { evaluateLogqlInstant, evaluateLogqlRange, unsupportedLogql } from "./logql.ts";
import { parseLogql } from "./logql-ast.ts";
import { evaluateTraceql, unsupportedTraceql } from "./traceql.ts";
import { parseTraceql } from "./traceql-ast.ts";

interface ManifestQuery {
  language: string;
  expr: string;
}
const manifest = JSON.parse(readFileSync(new URL("../../generated/manifest.json", import.meta.url), "utf8")) as {
  dashboards: { title: string; panels: { title: string; queries?: ManifestQuery[] }[] }[];
};
const contentQueries: ManifestQuery[] = [
  ...manifest.dashboards.flatMap((d) => d.panels.flatMap((p) => p.queries ?? [])),
  ...SAVED_QUERIES.map((q) => ({ language: q.language, expr: q.expr })),
].filter((q) => q.language === "logql" || q.language === "traceql");

describe("the content's queries", () => {
  it("include LogQL and TraceQL from both dashboards and saved queries", () => {
    expect(contentQueries.filter((q) => q.language === "logql").length).toBeGreaterThanOrEqual(7);
    expect(contentQueries.filter((q) => q.language === "traceql").length).toBeGreaterThanOrEqual(15);
  });

  it.each(contentQueries.map((q) => [q.language, q.expr] as const))("%s `%s` is valid and fully evaluated", (language, expr) => {
    const query = interpolate(expr);
    if (language === "logql") {
      expect([unsupportedLogql(query), parseLogql(query).errors]).toEqual([[], []]);
    } else {
      expect([unsupportedTraceql(query), parseTraceql(query).errors]).toEqual([[], []]);
    }
  });
});

// ---- a captured session ----

const T0 = 1_700_000_000_000; // ms
const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
const TRACE_X = "7a1d2c3b4a5f60718293a4b5c6d7e8f9";
const TRACE_Z = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const int = (key: string, v: number) => ({ key, value: { intValue: String(v) } });
const dbl = (key: string, v: number) => ({ key, value: { doubleValue: v } });
type Attr = ReturnType<typeof str> | ReturnType<typeof int> | ReturnType<typeof dbl>;

function logsRequest(service: string, records: { atMs: number; body: string; severity: [number, string]; attrs: Attr[]; traceId?: string }[]) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [str("service.name", service), str("service.instance.id", `${service}-1`)] },
        scopeLogs: [
          {
            scope: { name: service },
            logRecords: records.map((r) => ({
              timeUnixNano: ns(T0 + r.atMs),
              observedTimeUnixNano: ns(T0 + r.atMs + 1),
              severityNumber: r.severity[0],
              severityText: r.severity[1],
              body: { stringValue: r.body },
              attributes: r.attrs,
              ...(r.traceId ? { traceId: r.traceId, spanId: "00f067aa0ba902b7" } : {}),
            })),
          },
        ],
      },
    ],
  };
}

const ERROR: [number, string] = [17, "ERROR"];
const INFO: [number, string] = [9, "INFO"];
const clientError = (atMs: number, area: string, fp: string, type: string, traceId?: string) => ({
  atMs,
  body: `${type}: failed`,
  severity: ERROR,
  attrs: [str("log_type", "error"), str("area", area), str("error_fingerprint", fp), str("error_type", type)],
  ...(traceId ? { traceId } : {}),
});
const access = (atMs: number, method: string, route: string, status: number, traceId?: string) => ({
  atMs,
  body: `${method} ${route} ${status}`,
  severity: status >= 500 ? ERROR : INFO,
  attrs: [str("log_type", "access"), str("http_route", route), str("http_method", method), int("http_status", status), dbl("duration_ms", 12.5)],
  ...(traceId ? { traceId } : {}),
});

const ENTRIES = lokiEntriesFromOtlp([
  ...flattenLogs(
    logsRequest("kicktalk", [
      clientError(10_000, "ws", "fp-ws", "WebSocketError", TRACE_X),
      clientError(20_000, "ws", "fp-ws", "WebSocketError"),
      { atMs: 30_000, body: "reconnecting", severity: INFO, attrs: [str("log_type", "log"), str("area", "ws")] },
      clientError(50_000, "ipc", "fp-ipc", "IpcError"),
      clientError(70_000, "ws", "fp-ws", "WebSocketError"),
    ]),
  ),
  ...flattenLogs(
    logsRequest("kicktalk-chat-server", [
      access(5_000, "GET", "/api/chatrooms", 200),
      access(15_000, "POST", "/api/chatrooms/:id/messages", 500, TRACE_X),
      access(40_000, "GET", "/api/users/:id", 503),
      access(45_000, "GET", "/api/chatrooms", 200),
      { atMs: 50_000, body: "link failed", severity: INFO, attrs: [str("log_type", "link_processed"), str("link_status", "failed"), str("link_domain", "example.com")] },
    ]),
  ),
]);

function span(traceId: string, spanId: string, name: string, startMs: number, durMs: number, o: { parent?: string; kind?: number; error?: boolean; attrs?: Attr[] } = {}) {
  return {
    traceId,
    spanId,
    ...(o.parent ? { parentSpanId: o.parent } : {}),
    name,
    kind: o.kind ?? 1,
    startTimeUnixNano: ns(T0 + startMs),
    endTimeUnixNano: ns(T0 + startMs + durMs),
    attributes: o.attrs ?? [],
    status: o.error ? { code: 2, message: "boom" } : {},
  };
}
const tracesRequest = (service: string, spans: ReturnType<typeof span>[]) => ({
  resourceSpans: [{ resource: { attributes: [str("service.name", service)] }, scopeSpans: [{ scope: { name: service }, spans }] }],
});

const SPANS = [
  ...flattenTraces(
    tracesRequest("kicktalk", [
      span(TRACE_X, "a000000000000001", "ipc:chat:send", 10_000, 30, { error: true }),
      span("1b2c3d4e5f60718293a4b5c6d7e8f901", "b000000000000001", "ipc:store:get", 12_000, 2),
      span("2c3d4e5f60718293a4b5c6d7e8f90123", "c000000000000001", "ws:connect", 20_000, 5, { error: true }),
    ]),
  ),
  ...flattenTraces(
    tracesRequest("kicktalk-chat-server", [
      span(TRACE_X, "a000000000000002", "POST /api/chatrooms/:id/messages", 10_005, 20, { parent: "a000000000000001", kind: 2, error: true, attrs: [int("http.response.status_code", 500)] }),
      span("3d4e5f60718293a4b5c6d7e8f9012345", "d000000000000001", "GET /api/chatrooms", 5_000, 8, { kind: 2, attrs: [int("http.response.status_code", 200)] }),
      span(TRACE_Z, "e000000000000001", "link:process", 50_000, 2_500),
      span(TRACE_Z, "e000000000000002", "link:fetch", 50_010, 2_400, { parent: "e000000000000001", kind: 3 }),
      span("4e5f60718293a4b5c6d7e8f901234567", "f000000000000001", "link:process", 60_000, 800),
    ]),
  ),
];

describe("the content's queries over a captured session", () => {
  it("errors per area per interval (client errors panel)", () => {
    const q = interpolate('sum by (area) (count_over_time({service_name="kicktalk"} | log_type="error" | area=~"$area" [$__auto]))');
    expect(evaluateLogqlRange(q, ENTRIES, { startMs: T0 + 60_000, endMs: T0 + 120_000, stepMs: 60_000 })).toEqual({
      resultType: "matrix",
      result: [
        { metric: { area: "ipc" }, values: [[T0 / 1000 + 60, "1"]] },
        { metric: { area: "ws" }, values: [[T0 / 1000 + 60, "2"], [T0 / 1000 + 120, "1"]] },
      ],
    });
  });

  it("top error groups over the range", () => {
    const q = interpolate('topk(10, sum by (error_fingerprint, error_type, area) (count_over_time({service_name="kicktalk"} | log_type="error" [$__range])))');
    expect(evaluateLogqlInstant(q, ENTRIES, { timeMs: T0 + 120_000 })).toEqual({
      resultType: "vector",
      result: [
        { metric: { area: "ipc", error_fingerprint: "fp-ipc", error_type: "IpcError" }, value: [T0 / 1000 + 120, "1"] },
        { metric: { area: "ws", error_fingerprint: "fp-ws", error_type: "WebSocketError" }, value: [T0 / 1000 + 120, "3"] },
      ],
    });
  });

  it("the server's 5xx access log, one stream per label set, with the labels Loki returns", () => {
    const q = interpolate('{service_name="kicktalk-chat-server"} | log_type="access" | http_status=~"5.." | http_route=~"$route"');
    const r = evaluateLogqlRange(q, ENTRIES, { startMs: T0, endMs: T0 + 60_000, stepMs: 15_000, limit: 1000 });
    expect(r.resultType).toBe("streams");
    if (r.resultType !== "streams") return;
    // Streams come sorted by their label string, as Loki sorts them: http_method="GET" first.
    expect(r.result.map((s) => [s.stream.http_route, s.stream.http_status, s.values])).toEqual([
      ["/api/users/:id", "503", [[ns(T0 + 40_000), "GET /api/users/:id 503"]]],
      ["/api/chatrooms/:id/messages", "500", [[ns(T0 + 15_000), "POST /api/chatrooms/:id/messages 500"]]],
    ]);
    expect(r.result[1]?.stream).toEqual({
      detected_level: "error",
      duration_ms: "12.5",
      http_method: "POST",
      http_route: "/api/chatrooms/:id/messages",
      http_status: "500",
      log_type: "access",
      scope_name: "kicktalk-chat-server",
      service_instance_id: "kicktalk-chat-server-1",
      service_name: "kicktalk-chat-server",
      severity_number: "17",
      severity_text: "ERROR",
      span_id: "00f067aa0ba902b7",
      trace_id: TRACE_X,
    });
  });

  it("every record of one trace, across client and server", () => {
    const all = evaluateLogqlRange(interpolate('{service_name=~"kicktalk|kicktalk-chat-server"} | trace_id=~"$trace_id"'), ENTRIES, { startMs: T0, endMs: T0 + 120_000, stepMs: 15_000, limit: 1000 });
    expect(all.resultType === "streams" && all.result.reduce((n, s) => n + s.values.length, 0)).toBe(10);
    const one = evaluateLogqlRange(interpolate('{service_name=~"kicktalk|kicktalk-chat-server"} | trace_id=~"$trace_id"', { trace_id: TRACE_X }), ENTRIES, { startMs: T0, endMs: T0 + 120_000, stepMs: 15_000, limit: 1000 });
    expect(one.resultType === "streams" && one.result.map((s) => [s.stream.service_name, s.values.map(([, line]) => line)])).toEqual([
      ["kicktalk", ["WebSocketError: failed"]],
      ["kicktalk-chat-server", ["POST /api/chatrooms/:id/messages 500"]],
    ]);
  });

  it("requests per status over a 42 s window", () => {
    const q = 'sum by (http_status) (count_over_time({service_name="kicktalk-chat-server"} | log_type="access" [42s]))';
    // (3 s, 45 s] holds all four requests.
    expect(evaluateLogqlInstant(q, ENTRIES, { timeMs: T0 + 45_000 }).result.map((s) => [s.metric, s.value[1]])).toEqual([
      [{ http_status: "200" }, "2"],
      [{ http_status: "500" }, "1"],
      [{ http_status: "503" }, "1"],
    ]);
  });

  it("failed IPC calls, server 5xx, slow link processing (saved trace searches)", () => {
    const search = (q: string) => evaluateTraceql(q, SPANS, { startMs: T0, endMs: T0 + 120_000 }).traces.map((t) => [t.traceID, t.rootServiceName, t.spanSets[0]?.spans.map((s) => s.name)]);
    expect(search('{ resource.service.name = "kicktalk" && name =~ "ipc:.*" && status = error }')).toEqual([[TRACE_X, "kicktalk", ["ipc:chat:send"]]]);
    expect(search('{ resource.service.name = "kicktalk-chat-server" && name =~ "(GET|POST|PUT|PATCH|DELETE) /.*" && span.http.response.status_code >= 500 }')).toEqual([
      [TRACE_X, "kicktalk", ["POST /api/chatrooms/:id/messages"]],
    ]);
    expect(search('{ resource.service.name = "kicktalk-chat-server" && name =~ "link:.*" && name = "link:process" && duration > 2s }')).toEqual([
      [TRACE_Z, "kicktalk-chat-server", ["link:process"]],
    ]);
  });
});
