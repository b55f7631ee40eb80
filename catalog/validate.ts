// Catalog rules checked at build time. The types already refuse an unbounded label on a
// metric; these checks catch what the types cannot see (duplicates, bad buckets, a label
// smuggled in through a cast) and name the metric and label at fault.
import { prometheusNames } from "./prometheus-names.ts";
import { RESOURCE_LABELS } from "./services.ts";
import type { Label, LogEventDecl, MetricDecl, SloDecl, SloMatchers, SpanFamilyDecl } from "./types.ts";

const METRIC_NAME = /^[a-z][a-z0-9_]*$/;
const LABEL_NAME = /^[a-z_][a-z0-9_]*$/;
/** Labels Prometheus or the translation reserves. */
const RESERVED_LABELS = new Set<string>([...RESOURCE_LABELS, "le", "quantile", "__name__"]);

export interface CatalogInput {
  readonly metrics: readonly MetricDecl[];
  readonly spans: readonly SpanFamilyDecl[];
  readonly logs: readonly LogEventDecl[];
}

export function catalogErrors({ metrics, spans, logs }: CatalogInput): string[] {
  const errors: string[] = [];
  const seenNames = new Map<string, string>();

  for (const m of metrics) {
    const where = `metric ${m.name}`;
    if (!METRIC_NAME.test(m.name)) errors.push(`${where}: name must match ${METRIC_NAME}`);
    for (const series of prometheusNames(m).series) {
      const other = seenNames.get(series);
      if (other !== undefined) errors.push(`${where}: Prometheus series ${series} is also produced by ${other}`);
      seenNames.set(series, m.name);
    }
    const labelNames = new Set<string>();
    for (const label of m.labels as readonly Label[]) {
      const at = `${where}, label ${label.name}`;
      if (label.kind === "unbounded") {
        errors.push(`${at}: unbounded label on a metric (${label.description}); put it on spans or logs instead`);
      } else if (label.kind === "enum") {
        if (label.values.length === 0) errors.push(`${at}: enum label has no values`);
        if (new Set(label.values).size !== label.values.length) errors.push(`${at}: duplicate enum values`);
      } else if (label.kind === "capped") {
        if (!(Number.isInteger(label.max) && label.max > 0)) errors.push(`${at}: cap must be a positive integer`);
      }
      if (!LABEL_NAME.test(label.name)) errors.push(`${at}: label name must match ${LABEL_NAME}`);
      if (RESERVED_LABELS.has(label.name)) errors.push(`${at}: label name is reserved`);
      if (labelNames.has(label.name)) errors.push(`${at}: label declared twice`);
      labelNames.add(label.name);
    }
    if (m.instrument === "histogram") {
      const b = m.buckets ?? [];
      if (b.length === 0) errors.push(`${where}: histogram needs explicit buckets`);
      if (b.some((v, i) => i > 0 && v <= (b[i - 1] as number))) errors.push(`${where}: buckets must increase strictly`);
    } else if (m.buckets !== undefined) {
      errors.push(`${where}: only histograms take buckets`);
    }
    if (m.emittedBy.length === 0) errors.push(`${where}: no emitter`);
    // The fleet gateway adds installs up and drops client gauges (gateway/policy.ts): a client
    // gauge would reach no dashboard in production. Its fleet form is a histogram observed once
    // per sample, or a counter of outcomes. (A derived metric, written past the gateway, may be one.)
    if (m.instrument === "gauge" && !("derivedFrom" in m) && m.emittedBy.some((e) => e !== "server")) {
      errors.push(`${where}: a client gauge never reaches production (the fleet gateway drops gauges); declare a histogram observed once per sample`);
    }
    // A client up-down counter is a delta too: the gateway adds installs' steps up, and what an
    // install had counted when it quit or crashed is never taken back (5 queued items left at
    // each of three quits read 15 with every journal empty). Its fleet form is a histogram of
    // the current value, observed once per sample.
    if (m.instrument === "updowncounter" && !("derivedFrom" in m) && m.emittedBy.some((e) => e !== "server")) {
      errors.push(`${where}: a client up-down counter never comes back down (a quitting install's count is never subtracted); declare a histogram of the current value observed once per sample`);
    }
  }

  const families = new Set<string>();
  for (const f of spans) {
    const where = `span family ${f.family}`;
    if (families.has(f.family)) errors.push(`${where}: declared twice`);
    families.add(f.family);
    const re = new RegExp(`^(?:${f.namePattern})$`);
    for (const name of f.names) {
      if (!re.test(name)) errors.push(`${where}: name ${name} does not match ${f.namePattern}`);
    }
    if (f.names.length === 0) errors.push(`${where}: no names`);
  }

  const types = new Set<string>();
  for (const l of logs) {
    if (types.has(l.type)) errors.push(`log event ${l.type}: declared twice`);
    types.add(l.type);
  }
  return errors;
}

export class CatalogError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`signal catalog is invalid:\n  - ${problems.join("\n  - ")}`);
    this.name = "CatalogError";
    this.problems = problems;
  }
}

export function assertValidCatalog(input: CatalogInput): void {
  const problems = catalogErrors(input);
  if (problems.length > 0) throw new CatalogError(problems);
}

const SLO_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const PASCAL = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/;

/**
 * SLO rules: each names catalog metrics of the right instrument, matches only declared labels
 * and values, puts a latency threshold on a bucket boundary (else good events cannot be
 * counted exactly), and has an objective strictly between 0 and 1.
 */
export function sloErrors(slos: readonly SloDecl[], metrics: readonly MetricDecl[]): string[] {
  const errors: string[] = [];
  const ids = new Set<string>();
  const declared = new Set(metrics);
  const checkMetric = (where: string, m: MetricDecl, instruments: readonly MetricDecl["instrument"][]) => {
    if (!declared.has(m)) errors.push(`${where}: metric ${m.name} is not a catalog declaration`);
    if (!instruments.includes(m.instrument)) errors.push(`${where}: metric ${m.name} is a ${m.instrument}, expected ${instruments.join(" or ")}`);
  };
  const checkMatchers = (where: string, m: MetricDecl, matchers: SloMatchers | undefined) => {
    for (const [name, raw] of Object.entries(matchers ?? {})) {
      const label = m.labels.find((l) => l.name === name);
      if (label === undefined) {
        errors.push(`${where}: metric ${m.name} has no label ${name}`);
        continue;
      }
      const { op, value } = typeof raw === "string" ? { op: "=", value: raw } : raw;
      if (label.kind === "enum" && (op === "=" || op === "!=") && !label.values.includes(value)) {
        errors.push(`${where}: ${name}="${value}" is not one of ${label.values.join(", ")}`);
      }
    }
  };
  for (const s of slos) {
    const where = `slo ${s.id}`;
    if (!SLO_ID.test(s.id)) errors.push(`${where}: id must be kebab-case`);
    if (ids.has(s.id)) errors.push(`${where}: declared twice`);
    ids.add(s.id);
    if (!PASCAL.test(s.name)) errors.push(`${where}: name "${s.name}" must be PascalCase`);
    if (!(s.objective > 0 && s.objective < 1)) errors.push(`${where}: objective ${s.objective} must be between 0 and 1`);
    if (!/^\d+[dhw]$/.test(s.period)) errors.push(`${where}: period "${s.period}" must be a duration in hours, days or weeks`);
    if (!(s.minEventsPerHour > 0)) errors.push(`${where}: minEventsPerHour must be positive (the traffic floor)`);
    const sli = s.sli;
    switch (sli.kind) {
      case "errors":
        checkMetric(where, sli.metric, ["counter"]);
        checkMatchers(where, sli.metric, sli.bad);
        checkMatchers(where, sli.metric, sli.base);
        if (Object.keys(sli.bad).length === 0) errors.push(`${where}: bad events match every event`);
        break;
      case "latency":
        checkMetric(where, sli.metric, ["histogram"]);
        checkMatchers(where, sli.metric, sli.good);
        checkMatchers(where, sli.metric, sli.base);
        if (!(sli.metric.buckets ?? []).includes(sli.thresholdSeconds)) {
          errors.push(`${where}: threshold ${sli.thresholdSeconds} s is not a bucket boundary of ${sli.metric.name} (${(sli.metric.buckets ?? []).join(", ")})`);
        }
        break;
      case "sessions":
        checkMetric(where, sli.crashes, ["counter"]);
        checkMatchers(where, sli.crashes, sli.bad);
        checkMetric(where, sli.sessions, ["counter"]);
        if (sli.sessions.labels.length > 0) errors.push(`${where}: the sessions counter ${sli.sessions.name} must have no labels (one increment per process)`);
        break;
    }
  }
  return errors;
}
