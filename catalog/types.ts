// Public types of the signal catalog. Every metric, span family and log event that the
// client or server emits is declared with these, and every dashboard, alert, saved query
// and k6 check may only name what is declared.

/** Which process emits a signal; also the `service.name` resource attribute it carries. */
export type Emitter = "client-main" | "client-renderer" | "server";

/** A label whose values come from a fixed list written here. */
export interface EnumLabel {
  readonly name: string;
  readonly kind: "enum";
  readonly values: readonly string[];
  readonly description: string;
}

/**
 * A label from a finite domain described by a pattern (HTTP status codes: at most 500
 * values). Bounded by construction.
 */
export interface PatternLabel {
  readonly name: string;
  readonly kind: "pattern";
  readonly pattern: RegExp;
  /** How many values the pattern admits: the label's worst case in the series budget. */
  readonly maxValues: number;
  readonly description: string;
}

/**
 * A label whose natural domain is open (streamer names, versions) but that the emitter caps
 * per process: past `max` distinct values every new value is recorded as `overflowValue`.
 * The cap is what makes it bounded; the emitter must enforce it (see capLabel()).
 */
export interface CappedLabel {
  readonly name: string;
  readonly kind: "capped";
  readonly max: number;
  readonly overflowValue: string;
  readonly description: string;
}

/** Identifiers (user id, session id, message id, URL): allowed on spans and logs only. */
export interface UnboundedLabel {
  readonly name: string;
  readonly kind: "unbounded";
  readonly description: string;
}

export type BoundedLabel = EnumLabel | PatternLabel | CappedLabel;
export type Label = BoundedLabel | UnboundedLabel;

export type Instrument = "counter" | "updowncounter" | "histogram" | "gauge";

/**
 * A metric as the OpenTelemetry SDK creates it. `name` is the OTel instrument name; the
 * names it has in Prometheus follow from `name`, `instrument` and `unit` (prometheus-names.ts).
 * `labels` only accepts bounded labels: an unbounded one fails to compile, and
 * validateCatalog() rejects it again at build time for anything that slipped past the types.
 */
export interface MetricDecl {
  readonly name: string;
  readonly instrument: Instrument;
  /** UCUM unit as OTel expects it: "s", "By", "1", or an annotation such as "{message}". */
  readonly unit: string;
  readonly description: string;
  readonly labels: readonly BoundedLabel[];
  /** Explicit bucket boundaries, in `unit`; histograms only. */
  readonly buckets?: readonly number[];
  readonly emittedBy: readonly Emitter[];
  /**
   * The Prometheus family name when a backend writes the metric under its own name instead of
   * through the OTLP translation (Tempo's metrics generator: `traces_spanmetrics_latency`, a
   * histogram in seconds without a unit suffix). Unset for everything the apps emit.
   */
  readonly prometheusFamily?: string;
}

/**
 * A metric nobody's SDK emits: the gateway (natively, the collector's span_metrics connector) or,
 * in compose and Grafana Cloud, Tempo's metrics generator derives it from the spans of
 * `emittedBy`; or the remote-write translation (and Grafana Cloud's OTLP endpoint) writes it from
 * their resources (target_info); or the collector counts the data of `emittedBy` passing through
 * it, in its own metrics (catalog/metrics/collector.ts). Kept out of METRICS/ALL_METRICS, so it is
 * in no client allow-list or per-process series budget, but declared so dashboards may query it.
 */
export interface DerivedMetricDecl extends MetricDecl {
  /**
   * What it is derived from: spans (span metrics), the resource of every export (target_info), or
   * the collector's own telemetry about the data it carries (otelcol_*).
   */
  readonly derivedFrom: "spans" | "resource" | "collector";
  readonly prometheusFamily: string;
}

export type SpanKindName = "internal" | "server" | "client" | "producer" | "consumer";

export interface SpanAttributeDecl {
  readonly key: string;
  readonly type: "string" | "int" | "double" | "boolean";
  readonly description: string;
}

/**
 * A family of span names with few distinct values: `ipc:<channel>` is one family whose
 * names are `ipc:store:set`, `ipc:telemetry:record-error`, ... `names` lists every name the
 * family may produce, so TraceQL, dashboards and tests can check against it.
 */
export interface SpanFamilyDecl {
  readonly family: string;
  /** Regular expression (RE2 syntax, fully anchored by TraceQL) matching every name. */
  readonly namePattern: string;
  readonly names: readonly string[];
  readonly kind: SpanKindName;
  readonly description: string;
  readonly attributes: readonly SpanAttributeDecl[];
  readonly emittedBy: readonly Emitter[];
}

/** Log event types from seed 001 (log, error, metric, event, vital) plus the server's own. */
export interface LogEventDecl {
  readonly type: string;
  readonly description: string;
  /** Attributes on the OTel log record; Loki keeps them as structured metadata. */
  readonly attributes: readonly SpanAttributeDecl[];
  readonly severities: readonly ("debug" | "info" | "warn" | "error" | "fatal")[];
  readonly emittedBy: readonly Emitter[];
}

/** A label matcher in an SLO's event selector: a value, or an operator and a value. */
export type SloMatcher = string | { readonly op: "=" | "!=" | "=~" | "!~"; readonly value: string };
export type SloMatchers = Readonly<Record<string, SloMatcher>>;

/**
 * What an SLO counts, built only from catalog declarations so an SLO cannot name a metric
 * nobody emits:
 * - `errors`: a counter; bad events are the ones matching `bad`, all events match `base`.
 * - `latency`: a histogram; good events are observations ≤ `thresholdSeconds` (a declared
 *   bucket boundary) matching `good`, all events are every observation matching `base`.
 * - `sessions`: crash-free sessions; bad events are increments of `crashes` matching `bad`,
 *   sessions are increments of `sessions`, a counter each process takes from 0 to 1 (an uptime
 *   gauge's resets counted them before: the fleet gateway drops client gauges, issue 12).
 */
export type SliDecl =
  | { readonly kind: "errors"; readonly metric: MetricDecl; readonly bad: SloMatchers; readonly base?: SloMatchers }
  | { readonly kind: "latency"; readonly metric: MetricDecl; readonly thresholdSeconds: number; readonly good?: SloMatchers; readonly base?: SloMatchers }
  | { readonly kind: "sessions"; readonly crashes: MetricDecl; readonly bad: SloMatchers; readonly sessions: MetricDecl };

/** A service level objective over catalog signals; rules, alerts and dashboards derive from it. */
export interface SloDecl {
  /** kebab-case; recording rule and panel names derive from it. */
  readonly id: string;
  /** PascalCase `<Component><Objective>`: the prefix of its alert names. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** `service.name` of what the SLO is about (the alerts' `service` label). */
  readonly service: string;
  /** Share of good events, e.g. 0.999. The error budget is 1 − objective. */
  readonly objective: number;
  /** Period the budget is spent over, as a Prometheus duration. */
  readonly period: string;
  readonly sli: SliDecl;
  /**
   * Events per hour below which nothing pages or tickets: a handful of requests, one of which
   * failed, is not an outage (the traffic floor).
   */
  readonly minEventsPerHour: number;
}
