// LogQL evaluation: the semantics scenarios (testdata/logql-semantics.logqltest, hand-computed),
// the HTTP API answer shapes, what is not evaluated, and hostile input.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runLogqlTest } from "./logqltest-harness.ts";
import { evaluateLogqlInstant, evaluateLogqlRange, unsupportedLogql } from "./logql.ts";
import type { LokiEntry } from "./loki-otlp-model.ts";

const script = readFileSync(new URL("./testdata/logql-semantics.logqltest", import.meta.url), "utf8");

describe("LogQL semantics (testdata/logql-semantics.logqltest)", () => {
  const outcomes = runLogqlTest(script);
  it("runs every eval of the script", () => {
    expect(outcomes.length).toBe(script.split("\n").filter((l) => l.startsWith("eval ")).length);
  });
  it.each(outcomes.map((o) => [o.eval, o] as const))("%s", (_name, o) => {
    expect(o.actual).toEqual(o.expected);
  });
});

const s = (n: number) => BigInt(n) * 1_000_000_000n;
const entry = (sec: number, line: string, labels: Record<string, string>, metadata: Record<string, string> = {}): LokiEntry => ({ tsNs: s(sec), labels, metadata, line });

describe("answers shaped like Loki's HTTP API", () => {
  const entries = [
    entry(10, "a", { app: "x" }),
    entry(20, "b", { app: "x" }, { trace_id: "t" }),
    entry(30, "c", { app: "x" }),
    entry(40, "d", { app: "y" }),
    entry(50, "e", { app: "x" }),
  ];

  it("query_range of a log query: streams sorted by labels, entries newest first, the newest `limit` overall", () => {
    expect(evaluateLogqlRange('{app=~"x|y"}', entries, { startMs: 0, endMs: 60_000, stepMs: 15_000, limit: 3 })).toEqual({
      resultType: "streams",
      result: [
        { stream: { app: "x" }, values: [["50000000000", "e"], ["30000000000", "c"]] },
        { stream: { app: "y" }, values: [["40000000000", "d"]] },
      ],
    });
  });

  it("defaults to Loki's limit of 100 entries", () => {
    const many = Array.from({ length: 150 }, (_, i) => entry(i + 1, `l${i}`, { app: "x" }));
    const r = evaluateLogqlRange('{app="x"}', many, { startMs: 0, endMs: 200_000, stepMs: 1000 });
    expect(r.resultType === "streams" && r.result[0]?.values.length).toBe(100);
    expect(r.resultType === "streams" && r.result[0]?.values[0]).toEqual(["150000000000", "l149"]);
  });

  it("query_range of a metric query: a matrix of [seconds, value string] per step", () => {
    expect(evaluateLogqlRange('sum by (app) (count_over_time({app=~"x|y"}[20s]))', entries, { startMs: 20_000, endMs: 60_000, stepMs: 20_000 })).toEqual({
      resultType: "matrix",
      result: [
        { metric: { app: "x" }, values: [[20, "2"], [40, "1"], [60, "1"]] },
        { metric: { app: "y" }, values: [[40, "1"]] },
      ],
    });
  });

  it("query at one instant: a vector; a log query is refused as Loki refuses it", () => {
    expect(evaluateLogqlInstant('rate({app="x"}[40s])', entries, { timeMs: 50_000 })).toEqual({
      resultType: "vector",
      result: [
        { metric: { app: "x" }, value: [50, "0.05"] },
        { metric: { app: "x", trace_id: "t" }, value: [50, "0.025"] },
      ],
    });
    expect(() => evaluateLogqlInstant('{app="x"}', entries, { timeMs: 50_000 })).toThrow("log queries are not supported as an instant query type");
  });

  it("refuses what Loki refuses: a non-positive step, more than 11,000 points", () => {
    expect(() => evaluateLogqlRange('count_over_time({app="x"}[1m])', entries, { startMs: 0, endMs: 1000, stepMs: 0 })).toThrow("step must be positive");
    expect(() => evaluateLogqlRange('count_over_time({app="x"}[1m])', entries, { startMs: 0, endMs: 12_000_000, stepMs: 1000 })).toThrow("exceeded maximum resolution of 11000 points");
  });
});

describe("constructs not evaluated", () => {
  it("are named one by one, and [] means fully evaluated", () => {
    expect(unsupportedLogql('sum by (a) (count_over_time({service_name="k"} |= "x" | json | logfmt | a=~"b" | line_format "{{.a}}" | drop b | keep a [1m]))')).toEqual([]);
    expect(unsupportedLogql('{a="b"} | pattern "<x> <y>" | regexp "(?P<z>.)" | unpack | label_format c=d | decolorize')).toEqual([
      "the `| pattern` parser",
      "the `| regexp` parser",
      "the `| unpack` parser",
      "`| label_format`",
      "`| decolorize`",
    ]);
    expect(unsupportedLogql('sum(rate({a="b"}[1m])) / sum(rate({a="c"}[1m] offset 1h))')).toEqual(["the `offset` modifier", "the binary operator `/` between expressions"]);
    expect(unsupportedLogql('quantile_over_time(0.9, {a="b"} | json a="x.y" | unwrap v [5m]) by (c)')).toEqual([
      "`| json` with extraction expressions (`| json a=\"x.y\"`)",
      "the range aggregation `quantile_over_time`",
    ]);
    expect(unsupportedLogql('{a="b"} | logfmt --strict | x = ip("10.0.0.0/8") |= ip("1.2.3.4") | line_format "{{ .a | upper }}"')).toEqual([
      "`| logfmt` flags (--strict)",
      'the ip() label filter `x = ip("10.0.0.0/8")`',
      'the ip() line filter `|= ip("1.2.3.4")`',
      "the line_format template action `{{.a | upper}}` (only {{.label}} and {{__line__}} are evaluated)",
    ]);
    expect(unsupportedLogql('sort(count_over_time({a="b"}[1m]))')).toEqual(["the vector aggregation `sort`"]);
    expect(unsupportedLogql('{a=~"\\\\C"}')).toEqual(['regex "\\\\C" uses \\C (any byte), which the evaluator does not translate from RE2']);
  });

  it("make evaluation throw, naming the construct", () => {
    expect(() => evaluateLogqlRange('{a="b"} | pattern "<x>"', [], { startMs: 0, endMs: 1, stepMs: 1 })).toThrow("is not evaluated: the `| pattern` parser");
  });
});

describe("hostile input fails with an Error naming what is wrong", () => {
  const run = (q: string) => () => evaluateLogqlRange(q, [], { startMs: 0, endMs: 60_000, stepMs: 15_000 });
  it("a regex RE2 rejects", () => {
    expect(run('{a=~"(?=x)y"}')).toThrow('error parsing regexp: invalid or unsupported Perl syntax: `(?=` in regex "(?=x)y"');
    expect(run('{a="b"} |~ "a{1001}"')).toThrow("invalid repeat count: `{1001}`");
  });
  it("a syntax error, with its offset", () => {
    expect(run('sum(count_over_time({a="b"}[1m])')).toThrow(/^LogQL "sum\(count_over_time\(\{a=\\"b\\"\}\[1m\]\)" is invalid: syntax error at offset \d+/);
    expect(run("{a='b'}")).toThrow("is invalid: syntax error at offset");
  });
  it("a string Go cannot unquote, a bad duration, a bad topk parameter", () => {
    expect(run('{a="\\q"}')).toThrow('string "\\q" is not a valid Go string literal');
    expect(run('count_over_time({a="b"}[0s])')).toThrow("invalid range [0s]");
    expect(run('topk(0, count_over_time({a="b"}[1m]))')).toThrow("topk needs a positive integer parameter, got 0");
  });
});
