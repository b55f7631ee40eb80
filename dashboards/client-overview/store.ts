// Row: the renderer's chat store (seed 000 phase 5, Zustand). No metric counts mutations: each
// runs inside a `zustand:<action>` span (client/renderer/store/chat-store.ts), so the count comes
// from the span metrics the gateway (or Tempo's metrics generator) derives from those spans.
import * as units from "@grafana/grafana-foundation-sdk/units";
import { GATEWAY_METRICS, SPAN_FAMILIES } from "../../catalog/index.ts";
import { perMinute, rate, sumBy } from "../../queries/promql.ts";
import { promQuery, spanMatchers } from "../common/queries.ts";
import { defaultTimeseries } from "../common/styles.ts";

/**
 * Span metrics count the spans the gateway received, after the client's head sampling: the
 * sampled count, not the total. Read as a trend and a mix of actions.
 */
export function mutationsPerMinuteTimeseries() {
  return defaultTimeseries()
    .title("State mutations per minute (sampled spans)")
    .description(
      "Chat store mutations per minute across clients, by action (zustand:add-message, zustand:update-presence, …), counted from the zustand:* spans the gateway received. Spans are head-sampled (OTEL_TRACES_SAMPLER_ARG, 10 % of traces by default, plus errors and slow spans), so this is the sampled count: read the trend and the mix of actions, not the total.",
    )
    .unit(units.CountsPerMinute)
    .withTarget(promQuery(perMinute(sumBy(["span_name"], rate(GATEWAY_METRICS.spanCalls, spanMatchers(SPAN_FAMILIES.zustand)))), "{{span_name}}"));
}
