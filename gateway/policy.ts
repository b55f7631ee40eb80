// What the gateway lets through, derived from the catalog and nothing else: per sender (client
// key or server key), the metric names with their label keys and allowed values, the span
// names and log types, and the resource attributes a record may keep. The gateway's collector
// config (config.ts) is generated from this, so the allow-list is never hand-kept.
import {
  ALL_LOG_EVENTS,
  ALL_METRICS,
  ALL_SPAN_FAMILIES,
  CLIENT_SERVICE,
  LOG_TYPE_ATTRIBUTE,
  SERVER_SERVICE,
  type BoundedLabel,
  type Emitter,
  type Instrument,
} from "../catalog/index.ts";

/** Who sends: desktop installs (a per-release client key) or the chat server (its own key). */
export type Sender = "clients" | "server";

export const SENDERS: readonly Sender[] = ["clients", "server"];

const EMITTERS: Readonly<Record<Sender, readonly Emitter[]>> = {
  clients: ["client-main", "client-renderer"],
  server: ["server"],
};

/** The `service.name` a sender's key may write; anything else from that key is dropped. */
export const SERVICE_OF_SENDER: Readonly<Record<Sender, string>> = { clients: CLIENT_SERVICE, server: SERVER_SERVICE };

/**
 * Resource attributes that survive the gateway on spans and logs (the install id among them:
 * cheap there). Everything else (k8s.*, host.*, anything a client invents) is removed, so no
 * sender can multiply Loki streams or Tempo's resource index. These are the keys the client
 * (client/telemetry/telemetry.ts) and the server (server/telemetry/sdk.ts) set; they belong in
 * catalog/services.ts, where the catalog's owner can move them.
 */
export const RESOURCE_KEYS = [
  "service.name",
  "service.version",
  "service.instance.id",
  "kicktalk.install.id",
  "process.type",
  "deployment.environment.name",
] as const;

/**
 * On client metrics the resource keeps only `service.name`; the gateway then sets
 * `service.instance.id` to its own replica id, so a series is (metric, labels, replica) and
 * never (…, install). Server metrics keep their resource: the server is a handful of processes.
 */
export const CLIENT_METRIC_RESOURCE_KEYS = ["service.name"] as const;

export interface LabelRule {
  readonly key: string;
  /** RE2 pattern (fully anchored) of the values the catalog admits; undefined for capped labels. */
  readonly valuePattern?: string;
  /** Capped labels: the value every install's data is folded into at the gateway. */
  readonly overflowValue?: string;
}

export interface MetricRule {
  readonly name: string;
  readonly instrument: Instrument;
  readonly labels: readonly LabelRule[];
}

export interface SenderPolicy {
  readonly sender: Sender;
  readonly service: string;
  readonly metrics: readonly MetricRule[];
  readonly spanNames: readonly string[];
  readonly logTypes: readonly string[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
export const anyOf = (values: readonly string[]) => `^(${values.map(escapeRe).join("|")})$`;

function labelRule(sender: Sender, label: BoundedLabel): LabelRule {
  switch (label.kind) {
    case "enum":
      return { key: label.name, valuePattern: anyOf(label.values) };
    case "pattern":
      // JS and RE2 agree on the catalog's patterns (character classes, anchors, alternation).
      return { key: label.name, valuePattern: label.pattern.source };
    case "capped":
      // A cap is per process: across 100k installs the union is unbounded, so client data is
      // folded into the overflow value at the gateway. The server's few processes keep theirs.
      return sender === "clients" ? { key: label.name, overflowValue: label.overflowValue } : { key: label.name };
  }
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

export function senderPolicy(sender: Sender): SenderPolicy {
  const mine = (emittedBy: readonly Emitter[]) => emittedBy.some((e) => EMITTERS[sender].includes(e));
  const metrics = ALL_METRICS.filter((m) => mine(m.emittedBy))
    .map((m) => ({ name: m.name, instrument: m.instrument, labels: m.labels.map((l) => labelRule(sender, l)) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    sender,
    service: SERVICE_OF_SENDER[sender],
    metrics,
    spanNames: sorted(ALL_SPAN_FAMILIES.filter((f) => mine(f.emittedBy)).flatMap((f) => f.names)),
    logTypes: sorted(ALL_LOG_EVENTS.filter((e) => mine(e.emittedBy)).map((e) => e.type)),
  };
}

/**
 * Client metrics the gateway can aggregate across installs: sums and histograms, sent with
 * delta temporality. Gauges are per-install values with no meaningful fleet sum: the catalog
 * refuses a client gauge (memory, CPU, uptime are histograms observed once per sample), and the
 * gateway still drops any gauge a client sends, declared or not (counted; config.ts).
 */
export const aggregatable = (m: MetricRule) => m.instrument !== "gauge";

export { LOG_TYPE_ATTRIBUTE };
