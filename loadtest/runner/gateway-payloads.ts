// OTLP/JSON export requests shaped like the client's, built from the catalog: one metrics
// export with a data point of every client metric (what one flush of the client carries), one
// trace export with a span of every client span family, one log export with a record of every
// client log event. Placeholders filled per request (loadtest/lib/gateway-plan.ts, by the k6
// script and by the CI's vegeta runner alike) keep the data realistic for the
// backends: __RUN__ (16 hex digits per run) and __ITER__ (16 hex digits per request; __ITER14__
// its last 14) make every request a different client instance and trace, as if a fleet of
// clients exported once each, so no series or span id repeats; __NOW_NS__ is the request time.
//
// Names are kept apart from real data so load never lights up a dashboard: metrics carry a
// `loadtest_` prefix, spans and logs the service LOADTEST_SERVICE.
import { ALL_LOG_EVENTS, ALL_METRICS, ALL_SPAN_FAMILIES, CLIENT_SERVICE, LOG_TYPE_ATTRIBUTE, type BoundedLabel, type Emitter, type SpanAttributeDecl } from "../../catalog/index.ts";
import { ITER, ITER14, NOW_NS, RUN, type GatewayPayload } from "../lib/gateway-plan.ts";

export { ITER, ITER14, NOW_NS, RUN };
export const LOADTEST_SERVICE = `${CLIENT_SERVICE}-loadtest`;
export const LOADTEST_METRIC_PREFIX = "loadtest_";

const CLIENT: readonly Emitter[] = ["client-main", "client-renderer"];
const isClient = (emittedBy: readonly Emitter[]) => emittedBy.some((e) => CLIENT.includes(e));

type KeyValue = { key: string; value: Record<string, unknown> };
const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });

function labelValue(l: BoundedLabel): string {
  switch (l.kind) {
    case "enum":
      return l.values[0] ?? "";
    case "pattern":
      return "200";
    case "capped":
      return "loadtest";
  }
}

function attrValue(a: SpanAttributeDecl): KeyValue {
  switch (a.type) {
    case "string":
      return str(a.key, `loadtest ${a.key}`);
    case "int":
      return { key: a.key, value: { intValue: "42" } };
    case "double":
      return { key: a.key, value: { doubleValue: 12.5 } };
    case "boolean":
      return { key: a.key, value: { boolValue: true } };
  }
}

/**
 * Metrics get an instance per request (each series then gets one sample: no duplicate or
 * out-of-order samples in Prometheus). Spans and logs keep one instance per run: Loki turns
 * service.instance.id into a stream label, and a stream per request would hit its active
 * stream limit (429) instead of measuring the gateway.
 */
const resource = (instance: string) => ({
  attributes: [str("service.name", LOADTEST_SERVICE), str("service.instance.id", instance), str("process.type", "electron-main"), str("service.version", "1.0.0")],
});

function metricsBody(): { body: string; items: number } {
  const metrics = ALL_METRICS.filter((m) => isClient(m.emittedBy)).map((m) => {
    const point = { attributes: m.labels.map((l) => str(l.name, labelValue(l))), startTimeUnixNano: NOW_NS, timeUnixNano: NOW_NS };
    const base = { name: `${LOADTEST_METRIC_PREFIX}${m.name}`, unit: m.unit, description: m.description };
    switch (m.instrument) {
      case "counter":
        return { ...base, sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ ...point, asInt: "3" }] } };
      case "updowncounter":
        return { ...base, sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: [{ ...point, asInt: "1" }] } };
      case "gauge":
        return { ...base, gauge: { dataPoints: [{ ...point, asDouble: 1.5 }] } };
      case "histogram": {
        const bounds = m.buckets ?? [];
        const counts = [...bounds.map((_, i) => (i === 1 ? "2" : "0")), "0"];
        return { ...base, histogram: { aggregationTemporality: 2, dataPoints: [{ ...point, count: "2", sum: 0.02, explicitBounds: bounds, bucketCounts: counts }] } };
      }
    }
  });
  return { body: JSON.stringify({ resourceMetrics: [{ resource: resource(`${RUN}${ITER}`), scopeMetrics: [{ scope: { name: "kicktalk" }, metrics }] }] }), items: metrics.length };
}

function tracesBody(): { body: string; items: number } {
  const families = ALL_SPAN_FAMILIES.filter((f) => isClient(f.emittedBy));
  const kinds = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
  const spans = families.map((f, i) => ({
    traceId: `${RUN}${ITER}`,
    // Unique within the trace: the family index, then the request's digits.
    spanId: `${i.toString(16).padStart(2, "0")}${ITER14}`,
    name: f.names[0] ?? f.family,
    kind: kinds[f.kind],
    startTimeUnixNano: NOW_NS,
    endTimeUnixNano: NOW_NS,
    attributes: f.attributes.map(attrValue),
    status: { code: 1 },
  }));
  return { body: JSON.stringify({ resourceSpans: [{ resource: resource(RUN), scopeSpans: [{ scope: { name: "kicktalk" }, spans }] }] }), items: spans.length };
}

function logsBody(): { body: string; items: number } {
  const records = ALL_LOG_EVENTS.filter((e) => isClient(e.emittedBy)).map((e) => ({
    timeUnixNano: NOW_NS,
    severityNumber: 9,
    severityText: "INFO",
    body: { stringValue: `loadtest ${e.type} record` },
    attributes: [str(LOG_TYPE_ATTRIBUTE, e.type), ...e.attributes.map(attrValue)],
  }));
  return { body: JSON.stringify({ resourceLogs: [{ resource: resource(RUN), scopeLogs: [{ scope: { name: "kicktalk" }, logRecords: records }] }] }), items: records.length };
}

export function gatewayPayloads(): GatewayPayload[] {
  return [
    { signal: "traces", ...tracesBody() },
    { signal: "metrics", ...metricsBody() },
    { signal: "logs", ...logsBody() },
  ];
}
