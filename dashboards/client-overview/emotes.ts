// Row: 7TV emote cache and render performance (seed 000 phase 4).
import * as units from "@grafana/grafana-foundation-sdk/units";
import { METRICS, SPAN_FAMILIES } from "../../catalog/index.ts";
import { quantile, rate, sumBy } from "../../queries/promql.ts";
import { promHeatmap, promQuery, spanExemplarQuery } from "../common/queries.ts";
import { defaultHeatmap, defaultTimeseries } from "../common/styles.ts";

export function cacheHitRatioTimeseries() {
  const hits = sumBy(["source"], rate(METRICS.emoteCacheHits));
  const misses = sumBy(["source"], rate(METRICS.emoteCacheMisses));
  return defaultTimeseries()
    .title("Emote cache hit ratio")
    .description("Share of emote lookups answered from the memory or disk cache, by emote provider.")
    .unit(units.PercentUnit)
    .min(0)
    .max(1)
    .withTarget(promQuery(`${hits} / (${hits} + ${misses})`, "{{source}}"));
}

export function renderDurationTimeseries() {
  return defaultTimeseries()
    .title("Emote render P95")
    .description("95th percentile of the time to render one emote into a message, by provider.")
    .unit(units.Seconds)
    .withTarget(promQuery(quantile(0.95, METRICS.emoteRenderDuration, { by: ["source"] }), "{{source}}"))
    .withTarget(spanExemplarQuery(SPAN_FAMILIES.emote, { names: "emote:render" }));
}

/** Seed 000 phase 4's "render time histogram": the buckets themselves, all providers together. */
export function renderDurationHeatmap() {
  return defaultHeatmap()
    .title("Emote render time")
    .description("Distribution of the time to render one emote into a message, from the component starting to render to the DOM being committed (histogram buckets, 0.1 ms to 250 ms), all providers.")
    .unit(units.Seconds)
    .withTarget(promHeatmap(sumBy(["le"], rate(METRICS.emoteRenderDuration, {}, undefined, "bucket"))));
}
