// The gateway's own metrics: the OpenTelemetry Collector (the native stack's otelcol-beacon, the
// fleet gateway's otelcol-contrib) reporting on its receivers and exporters, the figures that
// show back-pressure: a sending queue filling, items refused into it, sends given up after
// retries, receivers refusing data (the memory limiter, or a full queue pushing back). Prometheus
// scrapes them from the collector's service.telemetry.metrics endpoint (natively as job
// `otel-collector`, stack/config/prometheus.yml; in Kubernetes through the pod annotations).
//
// Names as a v0.161.0 collector exposes them, which is not the OTLP translation: its Prometheus
// reader defaults to without_units and without_type_suffix
// (go.opentelemetry.io/collector/service v0.161.0,
// telemetry/otelconftelemetry/internal/migration/v0.3.0.go), so counters carry no `_total`
// (`otelcol_exporter_send_failed_spans`). Hence every declaration names its Prometheus family.
//
// No app emits them: kept out of METRICS (no client allow-list, no per-process series budget) and
// out of the release filter (the collector has no app release; its series carry no
// service_version). `emittedBy` lists the processes whose data the collector counts.
import { enumLabel } from "../enum-label.ts";
import type { DerivedMetricDecl } from "../types.ts";

/** The signals the collector names in its metrics, and its item word for each. */
export const COLLECTOR_SIGNALS = ["traces", "metrics", "logs"] as const;
export type CollectorSignal = (typeof COLLECTOR_SIGNALS)[number];
const ITEM: Readonly<Record<CollectorSignal, { readonly word: string; readonly unit: string }>> = {
  traces: { word: "spans", unit: "{span}" },
  metrics: { word: "metric_points", unit: "{datapoint}" },
  logs: { word: "log_records", unit: "{record}" },
};

/**
 * Exporter component ids of every collector config Beacon runs: the native stack
 * (stack/config/collector.yaml, collector-capture.yaml), docker-compose (collector-backends.yaml)
 * and the fleet gateway (gateway/config.ts, both targets). catalog/collector-metrics.test.ts
 * reads those configs and fails on an id missing here.
 */
export const COLLECTOR_EXPORTER = enumLabel(
  "exporter",
  ["prometheusremotewrite", "file/traces", "file/logs", "otlp/tempo", "otlphttp/loki", "otlphttp/cloud", "prometheusremotewrite/local", "prometheusremotewrite/spanmetrics"],
  "The collector's exporter component id.",
);

/** Receiver component ids of the same configs (checked the same way). */
export const COLLECTOR_RECEIVER = enumLabel(
  "receiver",
  ["otlp", "otlp/clients", "otlp/server"],
  "The collector's receiver component id.",
);

export const COLLECTOR_TRANSPORT = enumLabel(
  "transport",
  ["http", "grpc"],
  "The protocol a receiver took the data over.",
);

/** The pipeline's signal on the queue gauges (the collector's own label, `data_type`). */
export const COLLECTOR_DATA_TYPE = enumLabel(
  "data_type",
  COLLECTOR_SIGNALS,
  "Signal of the pipeline the exporter's queue serves.",
);

/**
 * `error.type` of a failed send, only at telemetry level `detailed` (the fleet gateway):
 * exporterhelper v0.161.0 internal/obs_report_sender.go determineErrorType, a gRPC status code
 * name or one of its own.
 */
export const COLLECTOR_ERROR_TYPE = enumLabel(
  "error_type",
  [
    "Shutdown",
    "Canceled",
    "Deadline_Exceeded",
    "_OTHER",
    "Unknown",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "Unauthenticated",
  ],
  "Why a send failed (level detailed only).",
);

export const COLLECTOR_ERROR_PERMANENT = enumLabel(
  "error_permanent",
  ["true", "false"],
  "Whether the failure was permanent (not retried); level detailed only.",
);

const FROM = ["client-main", "client-renderer", "server"] as const;
const collector = <const M extends DerivedMetricDecl>(decl: M): M => decl;

/** One counter per signal: `<prefix>_<item>` (otelcol_exporter_sent_spans, …_metric_points, …_log_records). */
function perSignal(prefix: string, description: (items: string) => string, labels: DerivedMetricDecl["labels"]): Readonly<Record<CollectorSignal, DerivedMetricDecl>> {
  const one = (s: CollectorSignal) => {
    const name = `${prefix}_${ITEM[s].word}`;
    return collector({
      name,
      prometheusFamily: name,
      derivedFrom: "collector",
      instrument: "counter",
      unit: ITEM[s].unit,
      description: description(ITEM[s].word.replace("_", " ").replace(/^./, (c) => c.toUpperCase())),
      labels,
      emittedBy: FROM,
    });
  };
  return { traces: one("traces"), metrics: one("metrics"), logs: one("logs") };
}

const QUEUE_LABELS = [COLLECTOR_EXPORTER, COLLECTOR_DATA_TYPE] as const;

export const COLLECTOR_METRICS = {
  exporterQueueSize: collector({
    name: "otelcol_exporter_queue_size",
    prometheusFamily: "otelcol_exporter_queue_size",
    derivedFrom: "collector",
    instrument: "gauge",
    unit: "{batch}",
    description: "Batches waiting in an exporter's sending queue (only exporters with a queue: prometheusremotewrite, otlphttp/cloud).",
    labels: QUEUE_LABELS,
    emittedBy: FROM,
  }),
  exporterQueueCapacity: collector({
    name: "otelcol_exporter_queue_capacity",
    prometheusFamily: "otelcol_exporter_queue_capacity",
    derivedFrom: "collector",
    instrument: "gauge",
    unit: "{batch}",
    description: "Fixed capacity of an exporter's sending queue; past it new data is refused (enqueue_failed).",
    labels: QUEUE_LABELS,
    emittedBy: FROM,
  }),
  /** Items an exporter delivered; exists once anything went through. */
  exporterSent: perSignal("otelcol_exporter_sent", (items) => `${items} an exporter delivered.`, [COLLECTOR_EXPORTER]),
  /** Items given up on after the retries (or a permanent error): lost. Created on the first failure. */
  exporterSendFailed: perSignal("otelcol_exporter_send_failed", (items) => `${items} an exporter gave up on after its retries (or a permanent error): lost.`, [
    COLLECTOR_EXPORTER,
    COLLECTOR_ERROR_TYPE,
    COLLECTOR_ERROR_PERMANENT,
  ]),
  /** Items a full sending queue refused. Created on the first refusal. */
  exporterEnqueueFailed: perSignal("otelcol_exporter_enqueue_failed", (items) => `${items} an exporter's full sending queue refused.`, [COLLECTOR_EXPORTER]),
  /** Items a receiver could not push into its pipeline (memory limiter, full queue): the sender gets a retryable error. */
  receiverRefused: perSignal("otelcol_receiver_refused", (items) => `${items} a receiver could not push into its pipeline (memory limiter or a full queue); the sender is told to retry.`, [
    COLLECTOR_RECEIVER,
    COLLECTOR_TRANSPORT,
  ]),
} as const;

/** Every declaration of COLLECTOR_METRICS, the per-signal families flattened. */
export const ALL_COLLECTOR_METRICS: readonly DerivedMetricDecl[] = Object.values(COLLECTOR_METRICS).flatMap((v) =>
  "name" in v ? [v as DerivedMetricDecl] : Object.values(v as Readonly<Record<CollectorSignal, DerivedMetricDecl>>),
);
