// TraceQL evaluation: the Tempo docs' examples ("Construct a TraceQL query") with the results
// the docs describe, Tempo's field scoping and types, the /api/search answer, what is not
// evaluated, and hostile input.
import { describe, expect, it } from "vitest";
import type { FlatSpan } from "./otlp-records.ts";
import { evaluateTraceql, unsupportedTraceql } from "./traceql.ts";

interface SpanOpts {
  parent?: string;
  kind?: string;
  status?: "UNSET" | "OK" | "ERROR";
  message?: string;
  attrs?: Record<string, unknown>;
  resource?: Record<string, unknown>;
  /** Start and duration in milliseconds. */
  start?: number;
  dur?: number;
}

function span(traceId: string, spanId: string, name: string, o: SpanOpts = {}): FlatSpan {
  const start = BigInt(o.start ?? 1_000) * 1_000_000n;
  const end = start + BigInt(o.dur ?? 10) * 1_000_000n;
  return {
    traceId,
    spanId,
    ...(o.parent ? { parentSpanId: o.parent } : {}),
    name,
    kind: o.kind ?? "INTERNAL",
    status: { code: o.status ?? "UNSET", ...(o.message ? { message: o.message } : {}) },
    attributes: o.attrs ?? {},
    resource: { "service.name": "frontend", ...o.resource },
    scope: { name: "test" },
    events: [],
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    durationMs: o.dur ?? 10,
  };
}

const T1 = "00000000000000000000000000000aa1";
const T2 = "00000000000000000000000000000bb2";
const T3 = "0c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";

/** Three traces: an order that failed in production, a healthy one through staging and production, a gateway call. */
const SPANS: FlatSpan[] = [
  span(T1, "1000000000000001", "POST /api/orders", { kind: "SERVER", status: "ERROR", message: "Forbidden", attrs: { "http.method": "POST", "http.status_code": 503 }, resource: { "deployment.environment": "production", "cloud.region": "us-east-1" }, start: 1_000, dur: 2_500 }),
  span(T1, "1000000000000002", "SELECT orders", { parent: "1000000000000001", kind: "CLIENT", attrs: { "db.system": "postgresql", bytesProcessed: 700_000_000 }, resource: { "deployment.environment": "production", "cloud.region": "us-east-1" }, start: 1_100, dur: 300 }),
  span(T1, "1000000000000003", "SELECT items", { parent: "1000000000000001", kind: "CLIENT", attrs: { "db.system": "mysql", bytesProcessed: 400_000_000 }, resource: { "deployment.environment": "production", "cloud.region": "us-east-1" }, start: 1_500, dur: 200 }),
  span(T2, "2000000000000001", "GET /api/products/{id}", { kind: "SERVER", status: "OK", attrs: { "http.method": "GET", "http.status_code": 200, "attribute name with space": "value" }, resource: { "deployment.environment": "staging", "cloud.region": "us-west-1" }, start: 5_000, dur: 40 }),
  span(T2, "2000000000000002", "DELETE /api/cart", { parent: "2000000000000001", attrs: { "http.method": "DELETE", "http.status_code": 204, "http.request.header.Accept": ["application/json", "text/html"] }, resource: { "deployment.environment": "production", "cloud.region": "us-west-1" }, start: 5_010, dur: 20 }),
  span(T2, "2000000000000003", "GET /api/cart", { parent: "2000000000000001", attrs: { "http.method": "GET", "http.status_code": 200 }, resource: { "deployment.environment": "production" }, start: 5_020, dur: 10 }),
  span(T3, "3000000000000002", "HTTP GET", { parent: "3000000000000001", kind: "CLIENT", attrs: { "http.status_code": "404" }, resource: { "service.name": "gateway" }, start: 9_000, dur: 5 }),
];

const RANGE = { startMs: 0, endMs: 60_000 };
/** Trace ids (as Tempo writes them) a query finds, most recent first. */
const found = (q: string, spans = SPANS) => evaluateTraceql(q, spans, RANGE).traces.map((t) => t.traceID);
/** Span ids per spanset of the one trace a query finds. */
const matched = (q: string) => evaluateTraceql(q, SPANS, RANGE).traces.map((t) => t.spanSets.map((s) => s.spans.map((x) => x.spanID)));

describe("the Tempo docs' examples", () => {
  it("traces of a specific operation: resource.service.name and span name", () => {
    expect(found('{resource.service.name = "frontend" && name = "POST /api/orders"}')).toEqual(["aa1"]);
  });

  it("a particular outcome: status = error, or an HTTP 5xx", () => {
    expect(found('{ resource.service.name="frontend" && name = "POST /api/orders" && status = error }')).toEqual(["aa1"]);
    expect(found('{ resource.service.name="frontend" && name = "POST /api/orders" && span.http.status_code >= 500 }')).toEqual(["aa1"]);
  });

  it("conditions across spans with &&: an operation that accesses a database", () => {
    expect(matched('{resource.service.name="frontend" && name = "POST /api/orders"} && {span.db.system="postgresql"}')).toEqual([[["1000000000000001", "1000000000000002"]]]);
  });

  it("traces going through production and staging, unlike one span in both (which finds none)", () => {
    expect(found('{ resource.deployment.environment = "production" } && { resource.deployment.environment = "staging" }')).toEqual(["bb2"]);
    expect(found('{ resource.cloud.region = "us-east-1" && resource.cloud.region = "us-west-1" }')).toEqual([]);
    expect(found('{ resource.cloud.region = "us-east-1" } || { resource.cloud.region = "us-west-1" }')).toEqual(["bb2", "aa1"]);
    expect(found('{ resource.cloud.region =~ "us-east-1|us-west-1" }')).toEqual(["bb2", "aa1"]);
  });

  it("GET with status ok on one span and DELETE without status ok on another", () => {
    expect(found('{ span.http.method = "GET" && status = ok } && { span.http.method = "DELETE" && status != ok }')).toEqual(["bb2"]);
  });

  it("arrays match element-wise", () => {
    expect(found('{ span.http.request.header.Accept = "text/html" }')).toEqual(["bb2"]);
    expect(found('{span.http.request.header.Accept=~"application.*"}')).toEqual(["bb2"]);
  });

  it("regexes are fully anchored: =~ \"bar\" is ^bar$", () => {
    expect(found('{ span.db.system =~ "postgres" }')).toEqual([]);
    expect(found('{ span.db.system =~ "postgresql|mysql" }')).toEqual(["aa1"]);
    expect(matched('{ span.db.system =~ "postgresql|mysql" }')).toEqual([[["1000000000000002", "1000000000000003"]]]);
  });

  it("strings compare lexicographically; numbers numerically; a string never equals a number", () => {
    expect(found('{ span.http.status_code >= "400" }')).toEqual(["c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c"]);
    expect(found("{ span.http.status_code >= 400 }")).toEqual(["aa1"]);
    expect(found("{ span.http.status_code >= 200 && span.http.status_code < 300 }")).toEqual(["bb2"]);
  });

  it("existence with nil", () => {
    expect(matched("{ span.db.system != nil }")).toEqual([[["1000000000000002", "1000000000000003"]]]);
    expect(found('{ span.db.system = nil && name = "HTTP GET" }')).toEqual(["c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c"]);
    // A missing attribute matches no comparison but `= nil`, not even !=.
    expect(found('{ span.db.system != "postgresql" }')).toEqual(["aa1"]);
  });

  it("intrinsics, old and scoped names", () => {
    expect(found('{ span:statusMessage = "Forbidden" }')).toEqual(["aa1"]);
    expect(found("{ span:duration > 2s }")).toEqual(["aa1"]);
    expect(found("{ duration >= 300ms && duration < 2s }")).toEqual(["aa1"]);
    expect(found("{ span:kind = server && kind != client }")).toEqual(["bb2", "aa1"]);
    expect(found('{ trace:rootService = "frontend" && trace:rootName = "GET /api/products/{id}" }')).toEqual(["bb2"]);
    expect(found('{ rootServiceName = "gateway" }')).toEqual([]); // T3's root span was never captured
    expect(found("{ traceDuration > 1s && status = unset }")).toEqual(["aa1"]);
    expect(found('{ span:id = "2000000000000002" && span:parentID = "2000000000000001" && trace:id = "00000000000000000000000000000bb2" }')).toEqual(["bb2"]);
  });

  it("quoted attribute names", () => {
    expect(found('{ span."attribute name with space" = "value" }')).toEqual(["bb2"]);
  });

  it("unscoped attributes read the span, then the resource", () => {
    expect(found('{ .db.system = "mysql" }')).toEqual(["aa1"]);
    expect(found('{ .deployment.environment = "staging" }')).toEqual(["bb2"]);
  });

  it("aggregates: count(), avg(), sum() over a spanset", () => {
    expect(found("{ span.http.status_code >= 200 && span.http.status_code < 300 } | count() > 1")).toEqual(["bb2"]);
    expect(found("count() > 2")).toEqual(["bb2", "aa1"]);
    expect(found("{ } | sum(span.bytesProcessed) > 1000000000")).toEqual(["aa1"]);
    expect(found("{ } | avg(duration) > 20ms")).toEqual(["bb2", "aa1"]); // 23.3 ms and 1000 ms
    expect(found("{ } | avg(duration) > 30ms")).toEqual(["aa1"]);
    expect(found('{ kind = client } | { span.db.system = "mysql" }')).toEqual(["aa1"]);
  });

  it("negation, parentheses and unary minus", () => {
    expect(found('{ !(name = "SELECT orders") && span.db.system != nil }')).toEqual(["aa1"]);
    expect(matched('{ !(name = "SELECT orders") && span.db.system != nil }')).toEqual([[["1000000000000003"]]]);
    expect(found("{ -1 < 0 && kind = client && span.bytesProcessed > -5 }")).toEqual(["aa1"]);
    expect(found('{ (name = "HTTP GET" || name = "GET /api/cart") && resource.service.name = "gateway" }')).toEqual(["c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c"]);
  });
});

describe("the search answer, as Tempo's /api/search gives it", () => {
  it("trace ids without leading zeros, root service and name, start, whole milliseconds, spansets with matched counts", () => {
    expect(evaluateTraceql("{ kind = client }", SPANS, RANGE)).toEqual({
      traces: [
        {
          traceID: "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c",
          rootServiceName: "<root span not yet received>",
          startTimeUnixNano: "9000000000",
          durationMs: 5,
          spanSets: [{ matched: 1, spans: [{ spanID: "3000000000000002", name: "HTTP GET", startTimeUnixNano: "9000000000", durationNanos: "5000000" }] }],
        },
        {
          traceID: "aa1",
          rootServiceName: "frontend",
          rootTraceName: "POST /api/orders",
          startTimeUnixNano: "1000000000",
          durationMs: 2500,
          spanSets: [
            {
              matched: 2,
              spans: [
                { spanID: "1000000000000002", name: "SELECT orders", startTimeUnixNano: "1100000000", durationNanos: "300000000" },
                { spanID: "1000000000000003", name: "SELECT items", startTimeUnixNano: "1500000000", durationNanos: "200000000" },
              ],
            },
          ],
        },
      ],
    });
  });

  it("lists at most spss spans per spanset, limits traces, and keeps only traces overlapping the range", () => {
    const r = evaluateTraceql("{ }", SPANS, { ...RANGE, spss: 1, limit: 2 });
    expect(r.traces.map((t) => [t.traceID, t.spanSets[0]?.matched, t.spanSets[0]?.spans.length])).toEqual([
      ["c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c", 1, 1],
      ["bb2", 3, 1],
    ]);
    expect(evaluateTraceql("{ }", SPANS, { startMs: 3_600, endMs: 5_005 }).traces.map((t) => t.traceID)).toEqual(["bb2"]); // aa1 ended at 3.5 s
    expect(evaluateTraceql("{ }", SPANS, { startMs: 3_501, endMs: 4_999 }).traces).toEqual([]);
  });
});

describe("constructs not evaluated", () => {
  it("are named; the content's kind of query is fully evaluated", () => {
    expect(unsupportedTraceql('{ resource.service.name = "kicktalk" && name =~ "ipc:.*" && status = error }')).toEqual([]);
    expect(unsupportedTraceql('{ resource.service.name="frontend" } >> { status = error } | by(resource.service.name) | select(span.http.url)')).toEqual([
      "the structural operator `>>`",
      "`by()` grouping",
      "`select()`",
    ]);
    expect(unsupportedTraceql("{ span.http.request_content_length > 10 * 1024 * 1024 }")).toEqual(["arithmetic (`*`) in field expressions"]);
    expect(unsupportedTraceql('{ event.exception.message =~ ".*wrong.*" && event:name = "exception" && .x = $var }')).toEqual([
      "the `event.` attribute scope",
      "the intrinsic `event:name`",
      "the template variable $var (interpolate it first)",
    ]);
    expect(unsupportedTraceql("{ } | rate() by (resource.service.name)")).toContain("the metrics function `rate() by (resource.service.name)` (TraceQL metrics queries)");
    expect(unsupportedTraceql("{} with (most_recent=true)")).toEqual(["query hints (`with (...)`)"]);
  });
});

describe("hostile input fails with an Error naming what is wrong", () => {
  const run = (q: string) => () => evaluateTraceql(q, SPANS, RANGE);
  it("a regex RE2 rejects, a syntax error, a type mismatch, a structural operator", () => {
    expect(run('{ name =~ "(?=x)" }')).toThrow('error parsing regexp: invalid or unsupported Perl syntax: `(?=` in regex "(?=x)"');
    expect(run('{ name = "x" ')).toThrow(/is invalid: syntax error at offset \d+/);
    expect(run("{ name > 3 }")).toThrow("`>` compares a string with a number: binary operations must operate on the same type");
    expect(run('{ status = "error" }')).toThrow("`=` compares a status with a string");
    expect(run("{ } >> { }")).toThrow("is not evaluated: the structural operator `>>`");
  });
});
