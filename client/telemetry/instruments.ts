// Instruments created from the catalog's declarations (never from literals). Every recorder
// checks its labels against the declaration: enum and pattern labels must match, capped
// labels are capped per process; a bad point is dropped and counted, never recorded.
import type { Attributes, Meter } from "@opentelemetry/api";
import { type BoundedLabel, type CappedLabel, createLabelCap, type MetricDecl } from "../../catalog/index.ts";
import { CLIENT_METRICS } from "../../catalog/metrics/client.ts";
import { PIPELINE_METRICS } from "../../catalog/metrics/pipeline.ts";
import type { ClientInstruments, ClientMetricKey, MetricLabels, MetricRecorder, ObservedMetricKey, RecordableMetricKey } from "./types.ts";
import { DROP_REASON } from "../../catalog/labels.ts";
import type { OtlpScopeJson } from "./otlp-json.ts";

/**
 * Observed at each sample, never recorded by the app: the queue size, which is read from the
 * journal itself (an up-down counter fed by +/- events drifted when an off/on toggle dropped the
 * decrements, issue 11) through observeAtSample(). The process metrics are recorded histograms
 * (process-metrics.ts samples them).
 */
export const OBSERVED_METRICS: readonly ObservedMetricKey[] = ["telemetryQueued"];

/**
 * Current values, not steps: `record(n, labels)` sets how many there are now (windows of a
 * type), whatever the telemetry switch says, and each sample observes every value above 0
 * into the metric's histogram (one observation per install per flush). They were up-down
 * counters; as deltas added up across the fleet, what an install held when it quit or crashed
 * was never subtracted. A value counted here dies with the process, as it should.
 */
export const HELD_METRICS: readonly RecordableMetricKey[] = ["openWindows"];

/** The client's declarations. Not METRICS: a server metric shares the key telemetryDropped there. */
export const CLIENT_SIDE_METRICS: Readonly<Record<ClientMetricKey, MetricDecl>> = { ...CLIENT_METRICS, ...PIPELINE_METRICS };

/** Catalog keys of the client's recordable metrics (all but the observed queue size). */
export const RECORDABLE_METRIC_KEYS = (Object.keys(CLIENT_SIDE_METRICS) as ClientMetricKey[]).filter(
  (k): k is RecordableMetricKey => !(OBSERVED_METRICS as readonly string[]).includes(k),
);

/** Metrics the renderer may record over IPC (declared as emitted by client-renderer). */
export const RENDERER_METRIC_KEYS: ReadonlySet<string> = new Set(
  RECORDABLE_METRIC_KEYS.filter((k) => (CLIENT_SIDE_METRICS[k].emittedBy as readonly string[]).includes("client-renderer")),
);

export interface InstrumentOptions {
  meter: Meter;
  isEnabled: () => boolean;
  /** A point was dropped: which metric and why (for the diag log and the dropped counter). */
  onInvalid: (metric: string, problem: string) => void;
}

type Record_ = (value: number, attrs: Attributes) => void;

function createRaw(meter: Meter, decl: MetricDecl): Record_ {
  const opts = { unit: decl.unit, description: decl.description };
  switch (decl.instrument) {
    case "counter": {
      const c = meter.createCounter(decl.name, opts);
      return (v, a) => c.add(v, a);
    }
    case "updowncounter": {
      const c = meter.createUpDownCounter(decl.name, opts);
      return (v, a) => c.add(v, a);
    }
    case "histogram": {
      const h = meter.createHistogram(decl.name, { ...opts, advice: decl.buckets ? { explicitBucketBoundaries: [...decl.buckets] } : {} });
      return (v, a) => h.record(v, a);
    }
    case "gauge": {
      const g = meter.createGauge(decl.name, opts);
      return (v, a) => g.record(v, a);
    }
  }
}

export function createInstruments(o: InstrumentOptions): ClientInstruments {
  const caps = new Map<CappedLabel, (v: string) => string>();
  const capOf = (label: CappedLabel) => {
    let cap = caps.get(label);
    if (!cap) caps.set(label, (cap = createLabelCap(label)));
    return cap;
  };

  const recorderFor = (key: string, decl: MetricDecl): MetricRecorder => {
    const raw = createRaw(o.meter, decl);
    const labels: readonly BoundedLabel[] = decl.labels;
    const monotonic = decl.instrument === "counter" || decl.instrument === "histogram";
    return {
      record(value: number, given: MetricLabels = {}) {
        if (!o.isEnabled()) return;
        if (!Number.isFinite(value) || (monotonic && value < 0)) return o.onInvalid(key, `value ${value} is not a valid ${decl.instrument} value`);
        const attrs: Attributes = {};
        for (const label of labels) {
          const v = given[label.name];
          if (typeof v !== "string") return o.onInvalid(key, `label "${label.name}" is missing`);
          if (label.kind === "enum" && !label.values.includes(v)) return o.onInvalid(key, `label ${label.name}="${v.slice(0, 40)}" is not one of ${label.values.join("|")}`);
          if (label.kind === "pattern" && !label.pattern.test(v)) return o.onInvalid(key, `label ${label.name}="${v.slice(0, 40)}" does not match ${label.pattern}`);
          attrs[label.name] = label.kind === "capped" ? capOf(label)(v) : v;
        }
        if (Object.keys(given).length !== labels.length) {
          const extra = Object.keys(given).find((k) => !labels.some((l) => l.name === k));
          if (extra !== undefined) return o.onInvalid(key, `label "${extra}" is not declared`);
        }
        raw(value, attrs);
      },
    };
  };

  const out: Partial<Record<RecordableMetricKey, MetricRecorder>> = {};
  const samplers: (() => void)[] = [];
  for (const key of RECORDABLE_METRIC_KEYS) {
    const decl = CLIENT_SIDE_METRICS[key];
    if (!(HELD_METRICS as readonly string[]).includes(key)) {
      out[key] = recorderFor(key, decl);
      continue;
    }
    if (decl.instrument !== "histogram") throw new Error(`HELD_METRICS: ${decl.name} is a ${decl.instrument}, not a histogram`);
    const observe = recorderFor(key, decl);
    const held = new Map<string, { value: number; labels: MetricLabels }>();
    out[key] = {
      // Not gated by the switch: the count must be right when telemetry is switched on again.
      record(value: number, labels: MetricLabels = {}) {
        if (!Number.isInteger(value) || value < 0) return o.onInvalid(key, `held value ${value} is not a count`);
        const id = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
        if (value === 0) held.delete(id);
        else held.set(id, { value, labels: { ...labels } });
      },
    };
    // Labels are checked when observed (an invalid set is dropped and counted once per sample).
    samplers.push(() => {
      for (const { value, labels } of held.values()) observe.record(value, labels);
    });
  }
  const observed: Partial<Record<ObservedMetricKey, MetricRecorder>> = {};
  for (const key of OBSERVED_METRICS) observed[key] = recorderFor(key, CLIENT_SIDE_METRICS[key]);
  const instruments = out as ClientInstruments;
  STATE.set(instruments, { samplers, observed: observed as Record<ObservedMetricKey, MetricRecorder> });
  return instruments;
}

/** Per instruments object: what each sample observes, and the recorders of the observed metrics. */
const STATE = new WeakMap<ClientInstruments, { samplers: (() => void)[]; observed: Record<ObservedMetricKey, MetricRecorder> }>();

/**
 * Observes an OBSERVED_METRICS histogram at every sample: `read` gives the current values (the
 * journal's size per signal), each recorded through the metric's checked recorder (nothing while off).
 */
export function observeAtSample(instruments: ClientInstruments, key: ObservedMetricKey, read: () => Iterable<{ value: number; labels: MetricLabels }>): void {
  const state = STATE.get(instruments);
  if (!state) throw new Error("observeAtSample: instruments not made by createInstruments");
  const recorder = state.observed[key];
  state.samplers.push(() => {
    for (const { value, labels } of read()) recorder.record(value, labels);
  });
}

/**
 * One observation of every held and observed current value (process-metrics.ts calls it right
 * before each metric collection, after its own figures).
 */
export function sampleCurrentValues(instruments: ClientInstruments): void {
  for (const sample of STATE.get(instruments)?.samplers ?? []) sample();
}

/**
 * Counters started at 0 for every label set they may take, before anything happens (issue 12,
 * defect 3). increase() and rate() need two samples of a series: one whose first sample is
 * already 1 (a process that records one fatal error and exits) counts as nothing. Per counter,
 * the values each label is started at: its whole catalog enum unless narrowed here. Only small,
 * fully enumerable sets: each is a series the gateway keeps for the fleet from the first start
 * on, so no capped or pattern labels (a streamer's name is not known before it is seen).
 */
export const ZERO_STARTED: Readonly<Partial<Record<RecordableMetricKey, Readonly<Record<string, readonly string[]>>>>> = {
  // The crash-free SLO and the errors dashboard's stats (all severities, by area).
  errors: {},
  // Dropped share and TelemetryPipelineDroppingData; `disabled` is no loss and never read.
  telemetryDropped: { [DROP_REASON.name]: DROP_REASON.values.filter((r) => r !== "disabled") },
  // The retried share's numerator and denominator.
  telemetryRetries: {},
  telemetryExported: {},
  // The SLO's sessions: 0 here, 1 once this 0 is journaled (createTelemetry).
  sessionsStarted: {},
};

/** Every label set ZERO_STARTED starts, per metric: the product of its labels' values. */
export function zeroStartedLabelSets(): { metric: RecordableMetricKey; labels: MetricLabels }[] {
  const out: { metric: RecordableMetricKey; labels: MetricLabels }[] = [];
  for (const [metric, narrowed] of Object.entries(ZERO_STARTED) as [RecordableMetricKey, Readonly<Record<string, readonly string[]>>][]) {
    const decl = CLIENT_SIDE_METRICS[metric];
    if (decl.instrument !== "counter") throw new Error(`ZERO_STARTED: ${decl.name} is a ${decl.instrument}, not a counter`);
    let sets: Record<string, string>[] = [{}];
    for (const label of decl.labels) {
      if (label.kind !== "enum") throw new Error(`ZERO_STARTED: ${decl.name} label "${label.name}" is ${label.kind}, not an enum`);
      const values = narrowed[label.name] ?? label.values;
      sets = sets.flatMap((set) => values.map((v) => ({ ...set, [label.name]: v })));
    }
    for (const labels of sets) out.push({ metric, labels });
  }
  return out;
}

/** Records 0 into every ZERO_STARTED series (through the checked recorders: off records nothing). */
export function startCountersAtZero(instruments: ClientInstruments): void {
  for (const { metric, labels } of zeroStartedLabelSets()) instruments[metric].record(0, labels);
}

/**
 * The ZERO_STARTED series at 0 as one OTLP/JSON scope, shaped as metricsToScopes() writes a
 * delta monotonic sum, built without a collection: the SDK's collection is async, and an
 * error recorded meanwhile (a crash during start-up) would land in it as its first sample.
 * Times in the SDK's clock (epoch ms), so later snapshots follow this one.
 */
export function zeroStartedScopes(scope: { name: string; version: string }, timeMs: number): OtlpScopeJson[] {
  const nanos = (BigInt(Math.round(timeMs)) * 1_000_000n).toString();
  const byMetric = new Map<RecordableMetricKey, { key: string; value: { stringValue: string } }[][]>();
  for (const { metric, labels } of zeroStartedLabelSets()) {
    const attrs = Object.entries(labels).map(([key, v]) => ({ key, value: { stringValue: v } }));
    byMetric.set(metric, [...(byMetric.get(metric) ?? []), attrs]);
  }
  const metrics = [...byMetric].map(([metric, sets]) => {
    const decl = CLIENT_SIDE_METRICS[metric];
    const dataPoints = sets.map((attributes) => ({ attributes, startTimeUnixNano: nanos, timeUnixNano: nanos, asDouble: 0 }));
    return { name: decl.name, description: decl.description, unit: decl.unit, sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints } };
  });
  return [{ scope: { name: scope.name, version: scope.version }, metrics }];
}
