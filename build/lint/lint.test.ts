import { describe, expect, it } from "vitest";
import { METRICS, SPAN_FAMILIES, CLIENT_SERVICE, LOG_EVENTS } from "../../catalog/index.ts";
import { quantile, rate, sel, sumBy } from "../../queries/promql.ts";
import { logStream } from "../../queries/logql.ts";
import { spansOf } from "../../queries/traceql.ts";
import { lintLogql } from "./logql.ts";
import { lintPromql } from "./promql.ts";
import { lintTraceql } from "./traceql.ts";

const ctx = { recordingRules: new Set(["job:chat_server_http_requests:rate5m"]) };

describe("PromQL lint", () => {
  it("accepts queries built from the catalog, template variables included", () => {
    const exprs = [
      quantile(0.95, METRICS.apiRequestDuration, { by: ["endpoint"], matchers: { endpoint: { op: "=~", value: "$endpoint" } } }),
      sumBy(["streamer_name"], sel(METRICS.websocketConnectionsActive, { streamer_name: { op: "=~", value: "${streamer}" } }, "sum")),
      `sum(${rate(METRICS.connectionErrors, { error_type: "timeout" }, "5m")}) / sum(job:chat_server_http_requests:rate5m)`,
    ];
    expect(exprs.map((e) => lintPromql(e, ctx))).toEqual([[], [], []]);
  });

  it("names an unknown metric — the metric only a fallback server emits", () => {
    expect(lintPromql('sum(rate(kicktalk_messages_send_total{job="kicktalk"}[5m]))', ctx)).toEqual([
      "unknown metric kicktalk_messages_send_total: not in the catalog nor a recording rule",
    ]);
  });

  it("names an undeclared label, an undeclared enum value and a stray grouping label", () => {
    expect(lintPromql('sum by (chatroom_id) (rate(kicktalk_connection_errors_total{error_type="oops", user_id="1"}[5m]))', ctx)).toEqual([
      'metric kicktalk_connection_errors_total: error_type="oops" is not a declared value (ws_error, ws_closed_abnormally, timeout, dns, http_error, auth, protocol)',
      "metric kicktalk_connection_errors_total has no label user_id (declared: error_type, source)",
      "grouping label chatroom_id is on none of the metrics in the expression",
    ]);
  });

  it("reports syntax errors with where they are", () => {
    const errors = lintPromql("sum(rate(kicktalk_messages_sent_total[5m])", ctx);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^syntax error at offset \d+/);
  });
});

describe("LogQL lint", () => {
  it("accepts streams built from the catalog", () => {
    expect(lintLogql(logStream(CLIENT_SERVICE, { type: LOG_EVENTS.error, filters: [{ field: "area", op: "=~", value: "$area" }] }))).toEqual([]);
    expect(lintLogql('topk(10, sum by (link_domain) (count_over_time({service_name="kicktalk-chat-server"} | log_type="link_processed" [$__range])))')).toEqual([]);
  });

  it("names unindexed stream labels, unknown services and unknown fields", () => {
    expect(lintLogql('{service_name="kicktalk", area="ws"} | fingerprint="x"')).toEqual([
      "stream selector label area is not indexed (stream labels: service_name); filter it after a | instead",
      "label filter on fingerprint: no log event of kicktalk has that field",
    ]);
    expect(lintLogql('{service_name="fallback-server"}')).toEqual([
      'unknown service_name "fallback-server" (known: kicktalk, kicktalk-chat-server)',
      "no service_name in the stream selector",
    ]);
  });

  it("fails a construct the evaluator of captured logs does not run", () => {
    expect(lintLogql('{service_name="kicktalk"} | log_type="error" | pattern "<verb> <path>"')).toEqual([
      "not evaluated on the captured logs (queries/evaluate): the `| pattern` parser",
    ]);
    expect(lintLogql('sum(count_over_time({service_name="kicktalk"} | log_type="error" [5m] offset 1h)) / 2')).toEqual([
      "not evaluated on the captured logs (queries/evaluate): the `offset` modifier",
      "not evaluated on the captured logs (queries/evaluate): the binary operator `/` between expressions",
    ]);
  });
});

describe("TraceQL lint", () => {
  it("accepts every span family's query", () => {
    expect(Object.values(SPAN_FAMILIES).map((f) => lintTraceql(spansOf(f, ["status = error"])))).toEqual(Object.values(SPAN_FAMILIES).map(() => []));
  });

  it("names span names, services and attributes that nothing declares", () => {
    expect(lintTraceql('{ resource.service.name = "kicktalk" && name =~ "ipcx:.*" && span.store.keyz = "a" }')).toEqual([
      'span name =~ "ipcx:.*" matches no declared span family',
      "span attribute store.keyz is declared on no span family",
    ]);
    expect(lintTraceql('{ name = "main_startup_boot" && resource.service.name = "nope" }')).toEqual(['unknown service "nope" (known: kicktalk, kicktalk-chat-server)']);
  });

  it("fails a construct the evaluator of captured traces does not run", () => {
    expect(lintTraceql('{ resource.service.name = "kicktalk" && name =~ "ipc:.*" } >> { status = error } | select(span.ipc.channel)')).toEqual([
      "not evaluated on the captured traces (queries/evaluate): the structural operator `>>`",
      "not evaluated on the captured traces (queries/evaluate): `select()`",
    ]);
  });
});
