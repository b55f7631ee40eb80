// Span metrics: RED figures derived from the spans, not emitted by any SDK. In docker-compose and
// Grafana Cloud, Tempo's metrics generator writes them (span-metrics processor); in the native
// stack the gateway's span_metrics connector does, configured so the names, labels and buckets
// are the same (stack/config/collector-capture.yaml). Their histogram carries exemplars, the
// trace ids latency panels link to (the apps' own histograms have none: the JS SDK records no
// exemplars).
import { ALL_SPAN_NAMES } from "../spans.ts";
import * as L from "../labels.ts";
import { enumLabel } from "../enum-label.ts";
import type { DerivedMetricDecl } from "../types.ts";

/** Tempo's default span-metrics buckets in seconds (2 ms doubling to 16.384 s); the gateway uses the same. */
export const SPAN_METRICS_BUCKETS_S = [0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384] as const;

/** Every span name the catalog declares: span names are bounded by the span families. */
export const SPAN_NAME = enumLabel(
  "span_name",
  ALL_SPAN_NAMES,
  "Span name; one of the catalog's span families' names.",
);

const SPAN_LABELS = [L.SPAN_SERVICE, SPAN_NAME, L.SPAN_KIND, L.SPAN_STATUS_CODE] as const;
const derived = <const M extends DerivedMetricDecl>(decl: M): M => decl;

export const GATEWAY_METRICS = {
  spanCalls: derived({
    name: "traces_spanmetrics_calls",
    prometheusFamily: "traces_spanmetrics_calls_total",
    derivedFrom: "spans",
    instrument: "counter",
    unit: "{call}",
    description: "Spans received, by service, span name, kind and status (Tempo: traces_spanmetrics_calls_total).",
    labels: SPAN_LABELS,
    emittedBy: ["client-main", "client-renderer", "server"],
  }),
  spanLatency: derived({
    name: "traces_spanmetrics_latency",
    prometheusFamily: "traces_spanmetrics_latency",
    derivedFrom: "spans",
    instrument: "histogram",
    // Seconds, although Tempo's name carries no unit suffix.
    unit: "s",
    description: "Span durations, by service, span name, kind and status, with trace exemplars (Tempo: traces_spanmetrics_latency).",
    labels: SPAN_LABELS,
    buckets: SPAN_METRICS_BUCKETS_S,
    emittedBy: ["client-main", "client-renderer", "server"],
  }),
  /**
   * One series per process (job, instance) with its resource attributes as labels, value 1: what
   * the prometheusremotewrite exporter and Grafana Cloud's OTLP endpoint write (OTel spec,
   * Prometheus compatibility: "target_info"). The version and environment variables and the
   * release annotations read it.
   */
  targetInfo: derived({
    name: "target_info",
    prometheusFamily: "target_info",
    derivedFrom: "resource",
    instrument: "gauge",
    unit: "1",
    description: "Resource attributes of each process exporting metrics (service_version, deployment_environment_name, …), value 1.",
    labels: [],
    emittedBy: ["client-main", "client-renderer", "server"],
  }),
} as const;
