// The names an OTel metric gets in Prometheus, following the OTLP → Prometheus translation
// that the collector's prometheusremotewrite exporter and Mimir's OTLP endpoint apply with
// metric suffixes on (the default): unit suffix from the UCUM unit, "ratio" for gauges of
// unit "1", "_total" for monotonic counters, and _bucket/_sum/_count for histograms.
// Spec: opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/
import type { MetricDecl } from "./types.ts";

export type PrometheusType = "counter" | "gauge" | "histogram";

export interface PrometheusNames {
  /** The metric family name: what `# TYPE` names; a histogram's series add suffixes. */
  readonly family: string;
  readonly type: PrometheusType;
  /** Every series name this metric produces in Prometheus. */
  readonly series: readonly string[];
}

/** UCUM units and the word Prometheus spells them with. */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: "days",
  h: "hours",
  min: "minutes",
  s: "seconds",
  ms: "milliseconds",
  us: "microseconds",
  ns: "nanoseconds",
  By: "bytes",
  KiBy: "kibibytes",
  MiBy: "mebibytes",
  GiBy: "gibibytes",
  KBy: "kilobytes",
  MBy: "megabytes",
  GBy: "gigabytes",
  "%": "percent",
  Hz: "hertz",
  V: "volts",
  Cel: "celsius",
};

const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: "second",
  m: "minute",
  h: "hour",
  d: "day",
  w: "week",
  mo: "month",
  y: "year",
};

/** Words to append for a unit; annotations in braces ("{message}") carry no unit. */
export function unitWords(unit: string): string[] {
  const stripped = unit.replace(/\{[^}]*\}/g, "").trim();
  if (stripped === "" || stripped === "1") return [];
  const [main = "", per] = stripped.split("/", 2);
  const words: string[] = [];
  if (main !== "" && main !== "1") words.push(UNIT_WORDS[main] ?? sanitize(main));
  if (per !== undefined && per !== "") words.push("per", PER_UNIT_WORDS[per] ?? sanitize(per));
  return words;
}

function sanitize(s: string): string {
  return s.replace(/[^a-zA-Z0-9_:]/g, "_").replace(/_+/g, "_").replace(/^_|_$/g, "");
}

export function prometheusType(instrument: MetricDecl["instrument"]): PrometheusType {
  switch (instrument) {
    case "counter":
      return "counter";
    case "histogram":
      return "histogram";
    case "updowncounter": // a non-monotonic sum is a Prometheus gauge
    case "gauge":
      return "gauge";
  }
}

export function prometheusNames(metric: Pick<MetricDecl, "name" | "instrument" | "unit"> & { readonly prometheusFamily?: string }): PrometheusNames {
  const type = prometheusType(metric.instrument);
  if (metric.prometheusFamily !== undefined) return named(metric.prometheusFamily, type);
  const tokens = sanitize(metric.name).split("_").filter((t) => t !== "");
  const suffixes = unitWords(metric.unit);
  if (metric.instrument === "gauge" && metric.unit === "1") suffixes.push("ratio");
  for (const word of suffixes) {
    // The translator does not repeat a unit the name already spells (…_seconds stays).
    if (!tokens.includes(word) || word === "per") tokens.push(word);
  }
  let family = tokens.join("_");
  if (type === "counter") {
    family = tokens.filter((t) => t !== "total").join("_") + "_total";
  }
  return named(family, type);
}

function named(family: string, type: PrometheusType): PrometheusNames {
  const series = type === "histogram" ? [`${family}_bucket`, `${family}_sum`, `${family}_count`] : [family];
  return { family, type, series };
}
