// A collector's own counts of what it accepted, refused, exported and failed, read from its
// internal metrics endpoint (service.telemetry.metrics): how the gateway-capacity run judges the
// stack's gateway.
import type { Signal } from "../lib/gateway-plan.ts";
import { sumExposition, type StackEndpoints } from "../../stack/clients/backends.ts";
import type { CollectorCounts, GatewayUnderTest } from "./gateway.ts";

/** The collector's item unit per signal in its own metric names. */
const ITEM: Record<Signal, string> = { traces: "spans", metrics: "metric_points", logs: "log_records" };
const SIGNALS: readonly Signal[] = ["traces", "metrics", "logs"];

/** Counter value whether or not the exposition adds `_total` (it does from the OTel SDK's Prometheus exporter). */
const counter = (text: string, name: string, labels: Readonly<Record<string, string>> = {}) =>
  sumExposition(text, `${name}_total`, labels) || sumExposition(text, name, labels);
/** Exporters of what the gateway derives itself (span metrics from spans): not what apps sent. */
const DERIVED_EXPORTERS = ["prometheusremotewrite/spanmetrics"];

/** A collector's counts from its internal metrics endpoint (service.telemetry.metrics). */
export async function collectorMetricsCounts(metricsUrl: string): Promise<CollectorCounts> {
  const res = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`collector metrics ${metricsUrl}/metrics answered ${res.status}`);
  const text = await res.text();
  const c: CollectorCounts = { accepted: 0, refused: 0, sent: 0, failed: 0, queued: sumExposition(text, "otelcol_exporter_queue_size") };
  for (const s of SIGNALS) {
    const item = ITEM[s];
    c.accepted += counter(text, `otelcol_receiver_accepted_${item}`);
    c.refused += counter(text, `otelcol_receiver_refused_${item}`) + counter(text, `otelcol_receiver_failed_${item}`);
    c.sent += counter(text, `otelcol_exporter_sent_${item}`);
    for (const exporter of DERIVED_EXPORTERS) c.sent -= counter(text, `otelcol_exporter_sent_${item}`, { exporter });
    c.failed += counter(text, `otelcol_exporter_send_failed_${item}`) + counter(text, `otelcol_exporter_enqueue_failed_${item}`);
  }
  return c;
}

/** The stack's gateway, judged by its own metrics. */
export function stackGateway(stack: StackEndpoints): GatewayUnderTest {
  return { otlpHttp: stack.otlpHttp, counts: () => collectorMetricsCounts(stack.collectorMetrics) };
}

