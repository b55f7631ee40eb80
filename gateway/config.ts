// The gateway's OpenTelemetry Collector configuration, generated from the catalog (policy.ts).
// One generator, two targets that differ only where this file says `target === "local"`:
//   cloud  (generated/gateway/collector.yaml, what production and docker-compose run): metrics,
//          traces and logs to Grafana Cloud's OTLP endpoint with basic auth from env vars;
//   local  (tests, testkit/gateway.ts): the same, and metrics also by remote write into a local
//          Prometheus (Debian's 2.42 has no OTLP receiver), so PromQL can check the fleet's sums
//          while the Cloud stand-in sees exactly what Grafana Cloud would.
// Everything else that varies between places (listen addresses, key files, the storage dir,
// the replica id, Cloud's endpoint) is an env var with a production default, so the tests run
// the very same text.
import { stringify } from "yaml";
import {
  aggregatable,
  anyOf,
  CLIENT_METRIC_RESOURCE_KEYS,
  LOG_TYPE_ATTRIBUTE,
  RESOURCE_KEYS,
  senderPolicy,
  type Sender,
  type SenderPolicy,
} from "./policy.ts";

export type GatewayTarget = "cloud" | "local";

/** Env vars the config reads, with their production defaults (infra/ sets them in the pod). */
export const GATEWAY_ENV = {
  BEACON_GATEWAY_CLIENT_ENDPOINT: "0.0.0.0:4318",
  BEACON_GATEWAY_SERVER_ENDPOINT: "0.0.0.0:4319",
  BEACON_GATEWAY_HEALTH_ENDPOINT: "0.0.0.0:13133",
  BEACON_GATEWAY_METRICS_HOST: "0.0.0.0",
  BEACON_GATEWAY_METRICS_PORT: "8888",
  /** One key per line (first word; the rest is a comment, e.g. the release): re-read on change. */
  BEACON_GATEWAY_CLIENT_KEYS_FILE: "/etc/beacon-gateway/keys/clients",
  BEACON_GATEWAY_SERVER_KEYS_FILE: "/etc/beacon-gateway/keys/server",
  /** The persistent sending queues (file_storage): a volume that outlives the process. */
  BEACON_GATEWAY_STORAGE_DIR: "/var/lib/beacon-gateway",
  /** This replica's id (the pod name): the `instance` of the fleet's aggregated client series. */
  BEACON_GATEWAY_REPLICA: "gateway-0",
  /**
   * How often aggregated client series are exported. SIGTERM loses nothing (the interval
   * processor flushes on shutdown at v0.161.0); SIGKILL loses at most this much (plus the
   * batch timeout) of what that replica had acknowledged (gateway.test.ts, behaviour 5).
   */
  BEACON_GATEWAY_INTERVAL: "15s",
  /** Longest wait between two retries of one Cloud export (tests shorten it to keep an outage short). */
  BEACON_GATEWAY_RETRY_MAX_INTERVAL: "30s",
} as const;

/** Secrets and per-stack settings without a default: the collector refuses to start without them. */
export const GATEWAY_REQUIRED_ENV = ["GRAFANA_CLOUD_OTLP_ENDPOINT", "GRAFANA_CLOUD_OTLP_AUTH"] as const;
/** Local target only: Prometheus' base URL (remote write receiver enabled). */
export const GATEWAY_LOCAL_ENV = ["BEACON_GATEWAY_PROMETHEUS_URL"] as const;

const env = (name: keyof typeof GATEWAY_ENV) => `\${env:${name}:-${GATEWAY_ENV[name]}}`;
const q = (s: string) => JSON.stringify(s);

/** How long the sending queue keeps retrying a Cloud outage before giving up (issue 10: ≥ 10 min). */
export const CLOUD_OUTAGE_BUDGET = "30m";

// --- OTTL, per sender, from the catalog -----------------------------------------------------

/** Largest |delta| of a client sum point; largest sum of a client histogram point (a day of memory samples folded into one fits). */
const MAX_DELTA = 1e12;
const MAX_HISTOGRAM_SUM = 1e15;

function metricFilter(p: SenderPolicy): { metric: string[]; datapoint: string[] } {
  const names = p.metrics.filter((m) => p.sender === "server" || aggregatable(m)).map((m) => m.name);
  const metric = [
    // A key writes only its own service's signals (a client key cannot write the server's job).
    `resource.attributes["service.name"] != ${q(p.service)}`,
    // Undeclared metric names (and, from clients, per-install gauges: see policy.ts).
    `not IsMatch(name, ${q(anyOf(names))})`,
  ];
  if (p.sender === "clients") {
    // Clients must send delta: cumulative values from many installs cannot be added up.
    metric.push("aggregation_temporality == AGGREGATION_TEMPORALITY_CUMULATIVE");
    // Nor can gauges, whatever name they carry (a declared histogram's name sent as a gauge too).
    metric.push("type == METRIC_DATA_TYPE_GAUGE");
  }
  const datapoint: string[] = [];
  if (p.sender === "clients") {
    // Values no install sends: one NaN, negative or absurd delta would stay in the fleet's
    // running total (deltatocumulative) for as long as the stream lives. NaN is the only value
    // unequal to itself. Bounds are per delta point: a day offline folds into one point.
    const sum = "metric.type == METRIC_DATA_TYPE_SUM";
    const histogram = "metric.type == METRIC_DATA_TYPE_HISTOGRAM";
    datapoint.push(`${sum} and (value_double != value_double or value_double > ${MAX_DELTA} or value_double < ${-MAX_DELTA})`);
    datapoint.push(`${sum} and metric.is_monotonic == true and (value_double < 0 or value_int < 0)`);
    datapoint.push(`${histogram} and (sum != sum or sum < 0 or sum > ${MAX_HISTOGRAM_SUM})`);
  }
  for (const m of p.metrics) {
    // More attributes than the catalog declares: an undeclared label key (dropped, counted).
    datapoint.push(`metric.name == ${q(m.name)} and Len(attributes) > ${m.labels.length}`);
    for (const l of m.labels) {
      if (l.valuePattern === undefined) continue;
      // A value outside the catalog's enum or pattern.
      datapoint.push(`metric.name == ${q(m.name)} and attributes[${q(l.key)}] != nil and not IsMatch(attributes[${q(l.key)}], ${q(l.valuePattern)})`);
    }
  }
  return { metric, datapoint };
}

function metricTransform(p: SenderPolicy): unknown[] {
  const datapoint: string[] = [];
  for (const m of p.metrics) {
    // Keys outside the declaration (fewer than declared, so not dropped above) are removed.
    datapoint.push(`keep_keys(attributes, [${m.labels.map((l) => q(l.key)).join(", ")}]) where metric.name == ${q(m.name)}`);
  }
  const capped = new Map<string, string>();
  for (const m of p.metrics) for (const l of m.labels) if (l.overflowValue !== undefined) capped.set(l.key, l.overflowValue);
  for (const [key, overflow] of [...capped].sort()) datapoint.push(`set(attributes[${q(key)}], ${q(overflow)}) where attributes[${q(key)}] != nil`);
  if (p.sender === "server") {
    return [
      { context: "resource", statements: [`keep_keys(attributes, [${RESOURCE_KEYS.map(q).join(", ")}])`] },
      { context: "datapoint", statements: datapoint },
    ];
  }
  return [
    {
      context: "resource",
      statements: [
        `keep_keys(attributes, [${CLIENT_METRIC_RESOURCE_KEYS.map(q).join(", ")}])`,
        // The gateway replica, not the install, is the series' `instance`.
        `set(attributes["service.instance.id"], "${env("BEACON_GATEWAY_REPLICA")}")`,
      ],
    },
    // Scope version follows the app release; one stream per release would split the sums.
    { context: "scope", statements: ['set(version, "")'] },
    { context: "datapoint", statements: datapoint },
  ];
}

function spanFilter(p: SenderPolicy): string[] {
  return [`resource.attributes["service.name"] != ${q(p.service)}`, `not IsMatch(name, ${q(anyOf(p.spanNames))})`];
}

function logFilter(p: SenderPolicy): string[] {
  const a = `attributes[${q(LOG_TYPE_ATTRIBUTE)}]`;
  return [`resource.attributes["service.name"] != ${q(p.service)}`, `${a} == nil`, `not IsMatch(${a}, ${q(anyOf(p.logTypes))})`];
}

const resourceBound = { context: "resource", statements: [`keep_keys(attributes, [${RESOURCE_KEYS.map(q).join(", ")}])`] };

// --- the config -----------------------------------------------------------------------------

export function gatewayConfig(target: GatewayTarget): Record<string, unknown> {
  const receivers: Record<string, unknown> = {};
  const processors: Record<string, unknown> = {
    // First in every pipeline: refuses data (503, retryable) before the process runs out of
    // memory; a percentage of the container's limit, so it follows the pod's resources.
    memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
    batch: { send_batch_size: 8192, timeout: "200ms" },
    // After `batch` the pipeline is one goroutine: every client delta point gets a fresh,
    // strictly increasing time and one common start, so deltatocumulative adds up points
    // from thousands of installs instead of rejecting them as out of order.
    "transform/restamp": {
      error_mode: "ignore",
      metric_statements: [{ context: "datapoint", statements: ["set(start_time_unix_nano, 0)", "set(time, Now())"] }],
    },
    // Delta points from every install → one cumulative series per (metric, labels, replica).
    // Streams idle for max_stale are forgotten (the next point restarts them: a counter reset).
    deltatocumulative: { max_stale: "1h", max_streams: 100_000 },
    // …and only each stream's latest value, once per interval: many installs' points in one
    // batch would otherwise reach Prometheus as samples with the same millisecond.
    interval: { interval: env("BEACON_GATEWAY_INTERVAL") },
    "transform/resource-bound": { error_mode: "ignore", trace_statements: [resourceBound], log_statements: [resourceBound] },
  };
  const pipelines: Record<string, unknown> = {};
  const exportersOf = (signal: "metrics" | "traces" | "logs") => (signal === "metrics" && target === "local" ? ["otlphttp/cloud", "prometheusremotewrite/local"] : ["otlphttp/cloud"]);

  for (const sender of ["clients", "server"] as const satisfies readonly Sender[]) {
    const p = senderPolicy(sender);
    receivers[`otlp/${sender}`] = {
      protocols: {
        http: {
          endpoint: env(sender === "clients" ? "BEACON_GATEWAY_CLIENT_ENDPOINT" : "BEACON_GATEWAY_SERVER_ENDPOINT"),
          auth: { authenticator: `bearertokenauth/${sender}` },
          // Installs send gzip bodies of < 64 KiB (client/telemetry/config.ts maxExportBytes).
          max_request_body_size: 4 * 1024 * 1024,
        },
      },
    };
    processors[`filter/${sender}`] = {
      error_mode: "ignore",
      metrics: metricFilter(p),
      traces: { span: spanFilter(p) },
      logs: { log_record: logFilter(p) },
    };
    processors[`transform/${sender}-metrics`] = { error_mode: "ignore", metric_statements: metricTransform(p) };
    const recv = [`otlp/${sender}`];
    pipelines[`metrics/${sender}`] = {
      receivers: recv,
      processors:
        sender === "clients"
          ? ["memory_limiter", `filter/${sender}`, `transform/${sender}-metrics`, "batch", "transform/restamp", "deltatocumulative", "interval"]
          : ["memory_limiter", `filter/${sender}`, `transform/${sender}-metrics`, "batch"],
      exporters: exportersOf("metrics"),
    };
    for (const signal of ["traces", "logs"] as const) {
      pipelines[`${signal}/${sender}`] = {
        receivers: recv,
        processors: ["memory_limiter", `filter/${sender}`, "transform/resource-bound", "batch"],
        exporters: exportersOf(signal),
      };
    }
  }

  const queue = {
    enabled: true,
    // Survives a restart and a Cloud outage: the queue lives on the replica's volume.
    storage: "file_storage/queue",
    num_consumers: 4,
    queue_size: 50_000,
  };
  const exporters: Record<string, unknown> = {
    "otlphttp/cloud": {
      endpoint: "${env:GRAFANA_CLOUD_OTLP_ENDPOINT}",
      // Grafana Cloud's OTLP gateway: Basic base64(<instance id>:<token>); only the gateway holds it.
      headers: { Authorization: "Basic ${env:GRAFANA_CLOUD_OTLP_AUTH}" },
      compression: "gzip",
      timeout: "10s",
      sending_queue: queue,
      retry_on_failure: { enabled: true, initial_interval: "1s", max_interval: env("BEACON_GATEWAY_RETRY_MAX_INTERVAL"), max_elapsed_time: CLOUD_OUTAGE_BUDGET },
    },
  };
  if (target === "local") {
    exporters["prometheusremotewrite/local"] = {
      endpoint: "${env:BEACON_GATEWAY_PROMETHEUS_URL}/api/v1/write",
      resource_to_telemetry_conversion: { enabled: false },
      remote_write_queue: { num_consumers: 2 },
    };
  }

  const tokenFile = (file: keyof typeof GATEWAY_ENV) => ({ filename: env(file) });
  return {
    receivers,
    processors,
    exporters,
    extensions: {
      health_check: { endpoint: env("BEACON_GATEWAY_HEALTH_ENDPOINT") },
      // Keys are re-read when the file changes: revoking or rotating is an edit of the Secret.
      "bearertokenauth/clients": tokenFile("BEACON_GATEWAY_CLIENT_KEYS_FILE"),
      "bearertokenauth/server": tokenFile("BEACON_GATEWAY_SERVER_KEYS_FILE"),
      "file_storage/queue": {
        directory: env("BEACON_GATEWAY_STORAGE_DIR"),
        create_directory: true,
        compaction: { on_start: true, directory: env("BEACON_GATEWAY_STORAGE_DIR") },
      },
    },
    service: {
      extensions: ["health_check", "bearertokenauth/clients", "bearertokenauth/server", "file_storage/queue"],
      telemetry: {
        logs: { level: "info" },
        metrics: {
          // otelcol_* (refused, filtered, queue size, 401s by status code): scraped by Prometheus
          // (the telemetry-pipeline dashboard and alerts); in Kubernetes by the pod annotations.
          level: "detailed",
          readers: [{ pull: { exporter: { prometheus: { host: env("BEACON_GATEWAY_METRICS_HOST"), port: env("BEACON_GATEWAY_METRICS_PORT") } } } }],
        },
      },
      pipelines,
    },
  };
}

const HEADER = (target: GatewayTarget) =>
  `# GENERATED by \`npm run build\` from the catalog (gateway/config.ts, target ${target}): do not edit.\n` +
  `# The Beacon gateway: the only holder of the Grafana Cloud credential. Env: ${Object.keys(GATEWAY_ENV).join(", ")}, ` +
  `${[...GATEWAY_REQUIRED_ENV, ...(target === "local" ? GATEWAY_LOCAL_ENV : [])].join(", ")}.\n`;

export function renderGatewayConfig(target: GatewayTarget): string {
  return HEADER(target) + stringify(gatewayConfig(target), { lineWidth: 0 });
}
