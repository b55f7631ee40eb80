// What the evaluators run, in words, for the README and for anyone reading a lint failure.
// unsupportedLogql / unsupportedTraceql name everything else a query uses; the lint fails on it.

export const SUPPORTED_CONSTRUCTS: { readonly logql: readonly string[]; readonly traceql: readonly string[] } = {
  logql: [
    "stream selectors {a=\"x\", b!=\"y\", c=~\"re\", d!~\"re\"} on index labels (RE2 regexes, fully anchored, `.` matching newlines)",
    "line filters |= != |~ !~, including `or` alternatives (`|= \"a\" or \"b\"`); regexes unanchored",
    "| json and | logfmt without arguments or flags",
    "label filters on index labels, structured metadata and parsed labels: = != =~ !~ (an absent label is \"\"), including __error__",
    "numeric, duration (250ms, 1h) and byte-size (10KB) label filters: > >= < <= == = !=",
    "label filters combined with `and`, `,`, `or` and parentheses",
    "| line_format with {{.label}} and {{__line__}}",
    "| drop and | keep, by name or with a matcher (drop a=\"x\")",
    "range aggregations count_over_time, rate, bytes_over_time, bytes_rate over [range] windows (t − range, t]",
    "sum_over_time, avg_over_time, min_over_time, max_over_time and rate with | unwrap label / duration(label) / duration_seconds(label) / bytes(label) and post-unwrap label filters; by/without on avg/min/max_over_time",
    "vector aggregations sum, count, avg, min, max, topk, bottomk with by (...) or without (...)",
    "query_range (streams for log queries, newest first and limited; matrix for metric queries) and instant query (vector)",
  ],
  traceql: [
    "spanset filters { ... } and the empty filter { }",
    "scoped attributes span.x and resource.x, unscoped .x (span, then resource), quoted names span.\"a b\"",
    "intrinsics name, status, kind, duration, statusMessage, rootName, rootServiceName, traceDuration and their span:/trace: forms, span:id, span:parentID, trace:id, instrumentation:name, instrumentation:version",
    "comparisons = != > >= < <= on strings, numbers, durations (2s, 500ms, 1m), booleans, status and kind enums; =~ !~ with RE2 regexes, fully anchored",
    "nil: x = nil (absent), x != nil (present)",
    "&&, ||, ! and parentheses inside a filter; unary minus",
    "spanset operators && and || between spansets",
    "pipelines | { ... } and | count() / avg(x) / min(x) / max(x) / sum(x) compared with a number or duration",
    "search answers like Tempo's /api/search: traces overlapping the range, most recent first, limit and spans per spanset",
  ],
};
