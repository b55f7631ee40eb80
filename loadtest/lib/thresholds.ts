// Pass/fail criteria of each load, in k6's threshold syntax: the k6 scripts put them in
// `options.thresholds`, and the CI's runner evaluates the same expressions over the figures it
// computes from vegeta's results (evaluateThresholds), so both judge a run alike. Pure.

/** metric name -> threshold expressions, e.g. { http_req_failed: ["rate==0"] }. */
export type Thresholds = Readonly<Record<string, string[]>>;

/** Validation tolerates no loss: every request answered as planned, nothing dropped. */
export function validationThresholds(subscribers: number): Thresholds {
  return {
    http_req_failed: ["rate==0"],
    checks: ["rate==1"],
    http_req_duration: ["p(95)<500", "p(99)<1000"],
    dropped_iterations: ["count==0"],
    beacon_ws_subscriptions: [`count==${subscribers}`],
    beacon_ws_errors: ["count==0"],
  };
}

/** Capacity runs are meant to reach refusal: these report; the runner judges loss itself. */
export const GATEWAY_THRESHOLDS: Thresholds = {
  http_req_failed: ["rate==0"],
  http_req_duration: ["p(95)<1000", "p(99)<2000"],
  checks: ["rate==1"],
};

export const OVERHEAD_THRESHOLDS: Thresholds = {
  http_req_failed: ["rate==0"],
  http_req_duration: ["p(95)<250", "p(99)<500"],
  checks: ["rate==1"],
  dropped_iterations: ["count==0"],
};

/** Figures of one metric, keyed as in k6's summary: count, rate, avg, med, p(95), ... */
export type MetricValues = Readonly<Record<string, number>>;

const EXPRESSION = /^\s*(count|rate|value|avg|min|max|med|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Whether `values` satisfy the expression; throws on an expression k6 would not accept either. */
export function thresholdHolds(expression: string, values: MetricValues): boolean {
  const m = EXPRESSION.exec(expression);
  if (!m) throw new Error(`threshold "${expression}": expected <aggregation> <operator> <number>, e.g. "p(95)<500"`);
  const [, aggregation, op, limitText] = m as unknown as [string, string, string, string];
  // A metric nothing was recorded into reads 0, as k6's empty counters do.
  const v = values[aggregation] ?? 0;
  const limit = Number(limitText);
  switch (op) {
    case "<":
      return v < limit;
    case "<=":
      return v <= limit;
    case ">":
      return v > limit;
    case ">=":
      return v >= limit;
    case "!=":
      return v !== limit;
    default:
      return v === limit;
  }
}

/** The thresholds that do not hold, as "metric: expression", in declaration order. */
export function failedThresholds(thresholds: Thresholds, metrics: Readonly<Record<string, MetricValues>>): string[] {
  const failed: string[] = [];
  for (const [metric, expressions] of Object.entries(thresholds)) {
    for (const e of expressions) if (!thresholdHolds(e, metrics[metric] ?? {})) failed.push(`${metric}: ${e}`);
  }
  return failed;
}
