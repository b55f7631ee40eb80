// Instruments created from the catalog's declarations (never from literals). Every recorder
// checks its labels against the declaration: enum and pattern labels must match, capped
// labels are capped per process; a bad point is dropped and counted, never recorded.
import type { Attributes, Meter } from "@opentelemetry/api";
import { type BoundedLabel, type CappedLabel, createLabelCap, type MetricDecl } from "../../catalog/index.ts";
import { CLIENT_METRICS } from "../../catalog/metrics/client.ts";
import { PIPELINE_METRICS } from "../../catalog/metrics/pipeline.ts";
import type { ClientInstruments, ClientMetricKey, MetricLabels, MetricRecorder, ObservedMetricKey, RecordableMetricKey } from "./types.ts";

/**
 * Observed at collection, never recorded: the process metrics, and the queue size, which is
 * read from the journal itself (an up-down counter fed by +/- events drifted when an off/on
 * toggle dropped the decrements, issue 11).
 */
export const OBSERVED_METRICS: readonly ObservedMetricKey[] = ["mainMemoryUsage", "mainCpuUsage", "mainActiveHandles", "mainUptime", "telemetryQueued"];

/** The client's declarations. Not METRICS: a server metric shares the key telemetryDropped there. */
export const CLIENT_SIDE_METRICS: Readonly<Record<ClientMetricKey, MetricDecl>> = { ...CLIENT_METRICS, ...PIPELINE_METRICS };

/** Catalog keys of the client's recordable metrics (all but the observed process metrics). */
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
  for (const key of RECORDABLE_METRIC_KEYS) out[key] = recorderFor(key, CLIENT_SIDE_METRICS[key]);
  return out as ClientInstruments;
}
