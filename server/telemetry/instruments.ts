// Creates OpenTelemetry instruments from catalog declarations, so a name, unit, description
// or bucket layout is written once (in catalog/) and every emitter agrees with dashboards.
import type { Attributes, Meter } from "@opentelemetry/api";
import { createLabelCap } from "../../catalog/index.ts";
import type { BoundedLabel, MetricDecl } from "../../catalog/index.ts";
import { SERVER_METRICS } from "../../catalog/metrics/server.ts";

/** The label names a declaration allows, each with a string value. */
export type LabelsOf<M extends MetricDecl> = { readonly [K in M["labels"][number]["name"]]: string };

/**
 * One instrument behind a single `record` call: add() for counters and up-down counters,
 * record() for histograms and gauges. Capped labels pass through their cap first.
 */
export interface CatalogInstrument<M extends MetricDecl> {
  readonly decl: M;
  record(value: number, labels: LabelsOf<M>): void;
}

export function createInstrument<const M extends MetricDecl>(meter: Meter, decl: M): CatalogInstrument<M> {
  const options = { unit: decl.unit, description: decl.description };
  const sink = ((): ((value: number, attributes: Attributes) => void) => {
    switch (decl.instrument) {
      case "counter": {
        const c = meter.createCounter(decl.name, options);
        return (v, a) => c.add(v, a);
      }
      case "updowncounter": {
        const c = meter.createUpDownCounter(decl.name, options);
        return (v, a) => c.add(v, a);
      }
      case "histogram": {
        const h = meter.createHistogram(decl.name, {
          ...options,
          advice: { explicitBucketBoundaries: [...(decl.buckets ?? [])] },
        });
        return (v, a) => h.record(v, a);
      }
      case "gauge": {
        const g = meter.createGauge(decl.name, options);
        return (v, a) => g.record(v, a);
      }
    }
  })();
  const caps = new Map<string, (value: string) => string>();
  for (const label of decl.labels as readonly BoundedLabel[]) {
    if (label.kind === "capped") caps.set(label.name, createLabelCap(label));
  }
  return {
    decl,
    record(value, labels) {
      if (caps.size === 0) return sink(value, labels as Attributes);
      const capped: Record<string, string> = { ...(labels as Record<string, string>) };
      for (const [name, cap] of caps) {
        const v = capped[name];
        if (v !== undefined) capped[name] = cap(v);
      }
      sink(value, capped);
    },
  };
}

type InstrumentsOf<T extends Record<string, MetricDecl>> = { readonly [K in keyof T]: CatalogInstrument<T[K]> };

/** Every instrument the chat server emits, created from SERVER_METRICS. */
export type ServerInstruments = InstrumentsOf<typeof SERVER_METRICS>;

export function createServerInstruments(meter: Meter): ServerInstruments {
  const out: Record<string, CatalogInstrument<MetricDecl>> = {};
  for (const [key, decl] of Object.entries(SERVER_METRICS)) out[key] = createInstrument(meter, decl);
  return out as unknown as ServerInstruments;
}
