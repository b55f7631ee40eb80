// The OTLP → Loki mapping: index labels as stack/config/loki.yaml configures them, structured
// metadata, the line, the timestamp, detected_level, and what | json and | logfmt extract.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { flattenLogs } from "./otlp-records.ts";
import { LOKI_INDEX_LABELS, lokiEntryFromOtlp, lokiLabelName, parseJsonLine, parseLogfmtLine } from "./loki-otlp-model.ts";

/** One OTLP/JSON log record as the collector's file exporter writes it, flattened. */
function record(over: { resource?: unknown[]; body?: unknown; attributes?: unknown[]; severityNumber?: number; severityText?: string; timeUnixNano?: string; observedTimeUnixNano?: string; traceId?: string; spanId?: string }) {
  const [r] = flattenLogs({
    resourceLogs: [
      {
        resource: { attributes: (over.resource ?? [{ key: "service.name", value: { stringValue: "kicktalk-chat-server" } }]) as never },
        scopeLogs: [
          {
            scope: { name: "kicktalk-chat-server", version: "0.1.0" },
            logRecords: [
              {
                timeUnixNano: over.timeUnixNano ?? "1700000000123456789",
                observedTimeUnixNano: over.observedTimeUnixNano ?? "1700000000200000000",
                severityNumber: over.severityNumber ?? 0,
                severityText: over.severityText ?? "",
                body: (over.body ?? { stringValue: "GET /api/chatrooms 200" }) as never,
                attributes: (over.attributes ?? []) as never,
                traceId: over.traceId ?? "",
                spanId: over.spanId ?? "",
              },
            ],
          },
        ],
      },
    ],
  });
  return r as NonNullable<typeof r>;
}

describe("index labels", () => {
  it("are the default_resource_attributes_as_index_labels of stack/config/loki.yaml", () => {
    // The file is a template ({{port.lokiHttp}}, …); placeholders do not matter to this key.
    const text = readFileSync(new URL("../../stack/config/loki.yaml", import.meta.url), "utf8").replace(/\{\{[^}]*\}\}/g, "placeholder");
    const config = parse(text) as { distributor: { otlp_config: { default_resource_attributes_as_index_labels: string[] } } };
    expect(LOKI_INDEX_LABELS).toEqual(config.distributor.otlp_config.default_resource_attributes_as_index_labels);
    expect(LOKI_INDEX_LABELS).not.toContain("service.instance.id");
  });

  it("name OTLP keys the way Loki's label namer does", () => {
    expect(["service.name", "http.response.status_code", "k8s.pod.name", "1st.try", "a..b", "a-b/c", "__name__", "ünïcode"].map(lokiLabelName)).toEqual([
      "service_name",
      "http_response_status_code",
      "k8s_pod_name",
      "key_1st_try",
      "a_b",
      "a_b_c",
      "__name__",
      "_n_code",
    ]);
  });
});

describe("an OTLP log record as Loki stores it", () => {
  it("splits resource attributes into index labels and structured metadata, and adds the record's fields", () => {
    const r = record({
      resource: [
        { key: "service.name", value: { stringValue: "kicktalk-chat-server" } },
        { key: "deployment.environment.name", value: { stringValue: "dev" } },
        { key: "service.instance.id", value: { stringValue: "install-42" } },
        { key: "telemetry.sdk.language", value: { stringValue: "nodejs" } },
      ],
      severityNumber: 9,
      severityText: "INFO",
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      attributes: [
        { key: "log_type", value: { stringValue: "access" } },
        { key: "http.response.status_code", value: { intValue: "200" } },
        { key: "http.route", value: { stringValue: "/api/chatrooms" } },
        { key: "duration_ms", value: { doubleValue: 1.5 } },
        { key: "cached", value: { boolValue: false } },
        { key: "http", value: { kvlistValue: { values: [{ key: "request", value: { kvlistValue: { values: [{ key: "method", value: { stringValue: "GET" } }] } } }] } } },
      ],
    });
    expect(lokiEntryFromOtlp(r)).toEqual({
      tsNs: 1700000000123456789n,
      labels: { service_name: "kicktalk-chat-server", deployment_environment_name: "dev" },
      metadata: {
        log_type: "access",
        http_response_status_code: "200",
        http_route: "/api/chatrooms",
        duration_ms: "1.5",
        cached: "false",
        http_request_method: "GET",
        severity_number: "9",
        severity_text: "INFO",
        trace_id: "0af7651916cd43dd8448eb211c80319c",
        span_id: "b7ad6b7169203331",
        service_instance_id: "install-42",
        telemetry_sdk_language: "nodejs",
        scope_name: "kicktalk-chat-server",
        scope_version: "0.1.0",
        detected_level: "info",
      },
      line: "GET /api/chatrooms 200",
    });
  });

  it("writes a map or array body as Go's JSON (sorted keys, HTML-safe), other values as strings", () => {
    const line = (body: unknown) => lokiEntryFromOtlp(record({ body })).line;
    expect(line({ kvlistValue: { values: [{ key: "z", value: { intValue: "1" } }, { key: "a", value: { stringValue: "<b>&" } }] } })).toBe('{"a":"\\u003cb\\u003e\\u0026","z":1}');
    expect(line({ arrayValue: { values: [{ stringValue: "x" }, { boolValue: true }] } })).toBe('["x",true]');
    expect(line({ doubleValue: 0.1 })).toBe("0.1");
    expect(line({ intValue: "7" })).toBe("7");
  });

  it("takes timeUnixNano, else observedTimeUnixNano", () => {
    expect(lokiEntryFromOtlp(record({ timeUnixNano: "0", observedTimeUnixNano: "1700000000999000000" })).tsNs).toBe(1700000000999000000n);
  });

  it("names a stream without service.name from the discovery list, else unknown_service", () => {
    const k8s = lokiEntryFromOtlp(record({ resource: [{ key: "k8s.container.name", value: { stringValue: "api" } }] }));
    expect(k8s.labels).toEqual({ k8s_container_name: "api", service_name: "api" });
    expect(lokiEntryFromOtlp(record({ resource: [{ key: "host.name", value: { stringValue: "h" } }] })).labels).toEqual({ service_name: "unknown_service" });
  });

  it("detects the level: a level-named attribute, else the severity number band, else words of the line", () => {
    const level = (over: Parameters<typeof record>[0]) => lokiEntryFromOtlp(record(over)).metadata.detected_level;
    expect(level({ attributes: [{ key: "level", value: { stringValue: "WARN" } }], severityNumber: 17 })).toBe("WARN");
    expect([1, 5, 9, 13, 17, 21].map((n) => level({ severityNumber: n }))).toEqual(["trace", "debug", "info", "warn", "error", "fatal"]);
    expect(level({ body: { stringValue: '{"msg":"x","level":"dbg"}' } })).toBe("debug");
    expect(level({ body: { stringValue: "msg=x lvl=error" } })).toBe("error");
    expect(level({ body: { stringValue: "connection refused: ERROR" } })).toBe("error");
    expect(level({ body: { stringValue: "all good" } })).toBe("unknown");
  });
});

describe("what the parsers extract from a line", () => {
  it("| json: the LogQL docs' example document gives the documented labels", () => {
    const doc = JSON.stringify({
      protocol: "HTTP/2.0",
      servers: ["129.0.1.1", "10.2.1.3"],
      request: { time: "6.032", method: "GET", host: "foo.grafana.net", size: "55", headers: { Accept: "*/*", "User-Agent": "curl/7.68.0" } },
      response: { status: 401, size: "228", latency_seconds: "6.031" },
    });
    expect(parseJsonLine(doc)).toEqual({
      labels: [
        ["protocol", "HTTP/2.0"],
        ["request_time", "6.032"],
        ["request_method", "GET"],
        ["request_host", "foo.grafana.net"],
        ["request_size", "55"],
        ["request_headers_Accept", "*/*"],
        ["request_headers_User_Agent", "curl/7.68.0"],
        ["response_status", "401"],
        ["response_size", "228"],
        ["response_latency_seconds", "6.031"],
      ],
    });
    // The docs' sanitising example: { "a.b": {c: "d"}, e: "f" } → a_b_c, e.
    expect(parseJsonLine('{ "a.b": {"c": "d"}, "e": "f" }').labels).toEqual([["a_b_c", "d"], ["e", "f"]]);
  });

  it("| json on a line that is not an object: the error Loki labels, and what was read before it", () => {
    expect(parseJsonLine("plain text")).toEqual({ labels: [], error: "Value looks like object, but can't find closing '}' symbol" });
    expect(parseJsonLine('{"a":"1","b":')).toEqual({ labels: [["a", "1"]], error: "Unknown value type" });
  });

  it("| logfmt: the LogQL docs' example line gives the documented labels", () => {
    expect(parseLogfmtLine('at=info method=GET path=/ host=grafana.net fwd="124.133.124.161" service=8ms status=200').labels).toEqual([
      ["at", "info"],
      ["method", "GET"],
      ["path", "/"],
      ["host", "grafana.net"],
      ["fwd", "124.133.124.161"],
      ["service", "8ms"],
      ["status", "200"],
    ]);
    expect(parseLogfmtLine('msg="say \\"hi\\"" x=a=b y=2').labels).toEqual([["msg", 'say "hi"'], ["y", "2"]]);
  });
});
