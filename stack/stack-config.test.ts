// The stack configs: both renderings parse, the committed docker rendering has not drifted from
// the templates, the native one stays on loopback and captures traces and logs to files (no
// Tempo or Loki here), and the tools' own checkers accept the files this machine runs.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  captureDir,
  DEFAULT_PORTS,
  DOCKER_CONFIG_DIR,
  DOCKER_FILES,
  NATIVE_FILES,
  renderDockerConfigs,
  renderNativeConfigs,
  renderTemplate,
} from "./runner/stack-config.ts";
import { ensureSystemTools, SYSTEM_TOOLS } from "./runner/system-packages.ts";
import { GATEWAY_METRICS, prometheusNames, SPAN_METRICS_BUCKETS_S } from "../catalog/index.ts";
import { ensureCollector } from "./runner/tools.ts";

const run = promisify(execFile);

interface CollectorConfig {
  exporters: Record<string, { endpoint?: string; path?: string; format?: string }>;
  connectors?: Record<string, SpanMetricsConfig>;
  processors: Record<string, { metric_statements?: { context: string; statements: string[] }[] }>;
  service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
}
interface SpanMetricsConfig {
  namespace: string;
  histogram: { unit: string; explicit: { buckets: string[] } };
  exemplars: { enabled: boolean };
  exclude_dimensions: string[];
}

/** The collector merges its config files in order; maps merge, later keys win (as confmap does). */
function merged(...texts: string[]): CollectorConfig {
  const merge = (a: unknown, b: unknown): unknown => {
    if (typeof a !== "object" || a === null || Array.isArray(a) || typeof b !== "object" || b === null || Array.isArray(b)) return b;
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  };
  return texts.map((t) => parse(t) as unknown).reduce(merge) as CollectorConfig;
}

describe("stack config templates", () => {
  const docker = renderDockerConfigs();
  const dataDir = "/tmp/beacon-data";
  const native = renderNativeConfigs({ ports: DEFAULT_PORTS, dataDir });

  it("render to valid YAML in both targets", () => {
    for (const file of DOCKER_FILES) expect(() => parse(docker[file]), `docker ${file}`).not.toThrow();
    for (const file of NATIVE_FILES) expect(() => parse(native[file]), `native ${file}`).not.toThrow();
  });

  it("match the committed docker-compose rendering (run `node stack/runner/stack-config.ts --write-docker`)", () => {
    for (const file of DOCKER_FILES) {
      expect(readFileSync(join(DOCKER_CONFIG_DIR, file), "utf8"), `stack/docker/${file}`).toBe(docker[file]);
    }
  });

  it("bind only to loopback natively, on the layout's ports", () => {
    for (const file of NATIVE_FILES) expect(native[file], file).not.toContain("0.0.0.0");
    const c = parse(native["collector.yaml"]) as { receivers: { otlp: { protocols: { http: { endpoint: string } } } } };
    expect(c.receivers.otlp.protocols.http.endpoint).toBe(`127.0.0.1:${DEFAULT_PORTS.collectorHttp}`);
  });

  it("natively, capture traces and logs to OTLP/JSON files in the stack's data, metrics to Prometheus", () => {
    const c = merged(native["collector.yaml"], native["collector-capture.yaml"]);
    expect(c.exporters["prometheusremotewrite"]?.endpoint).toBe(`http://127.0.0.1:${DEFAULT_PORTS.prometheus}/api/v1/write`);
    expect(c.exporters["file/traces"]).toMatchObject({ path: join(captureDir(dataDir), "traces.jsonl"), format: "json" });
    expect(c.exporters["file/logs"]).toMatchObject({ path: join(captureDir(dataDir), "logs.jsonl"), format: "json" });
    expect(c.service.pipelines["traces"]?.exporters).toEqual(["file/traces", "span_metrics"]);
    expect(c.service.pipelines["logs"]?.exporters).toEqual(["file/logs"]);
    expect(Object.keys(c.exporters).sort()).toEqual(["file/logs", "file/traces", "prometheusremotewrite", "prometheusremotewrite/spanmetrics"]);
    // Derived span metrics leave by their own exporter, so the gateway's per-exporter counts of
    // what apps sent stay exact (loadtest/runner/collector-metrics.ts).
    expect(c.exporters["prometheusremotewrite/spanmetrics"]?.endpoint).toBe(c.exporters["prometheusremotewrite"]?.endpoint);
    const prom = parse(native["prometheus.yml"]) as { scrape_configs: { job_name: string }[] };
    expect(prom.scrape_configs.map((j) => j.job_name)).toEqual(["otel-collector"]);
    for (const p of ["traces", "logs"]) expect(c.service.pipelines[p]?.processors, p).toEqual(["memory_limiter", "batch"]);
    expect(c.service.pipelines["metrics"]?.processors).toEqual(["memory_limiter", "transform/promote_resource", "batch", "deltatocumulative"]);
  });

  it("natively, derive span metrics with exemplars under Tempo's names, labels and buckets (the catalog's)", () => {
    const c = merged(native["collector.yaml"], native["collector-capture.yaml"]);
    const sm = c.connectors?.["span_metrics"] as SpanMetricsConfig;
    expect(sm.exemplars.enabled).toBe(true);
    expect(sm.histogram.unit).toBe("s");
    expect(sm.exclude_dimensions).toEqual(["collector.instance.id"]);
    // Buckets as Go durations in ms; the catalog's are seconds.
    expect(sm.histogram.explicit.buckets.map((b) => Number(b.replace(/ms$/, "")) / 1000)).toEqual([...SPAN_METRICS_BUCKETS_S]);
    const pipeline = c.service.pipelines["metrics/spanmetrics"];
    expect(pipeline).toEqual({ receivers: ["span_metrics"], processors: ["transform/spanmetrics", "transform/promote_resource", "batch"], exporters: ["prometheusremotewrite/spanmetrics"] });
    // The namespace plus the renamed histogram are the catalog's Prometheus families.
    const rename = (c.processors["transform/spanmetrics"]?.metric_statements ?? []).flatMap((s) => s.statements).join("\n");
    const latency = /set\(metric\.name, "([^"]+)"\) where metric\.name == "([^"]+)"/.exec(rename);
    expect(latency?.[2]).toBe(`${sm.namespace}.duration`);
    expect(latency?.[1]?.replace(/\./g, "_")).toBe(prometheusNames(GATEWAY_METRICS.spanLatency).family);
    expect(`${sm.namespace}.calls`.replace(/\./g, "_") + "_total").toBe(prometheusNames(GATEWAY_METRICS.spanCalls).family);
    expect(rename).toContain('set(datapoint.attributes["service"], datapoint.attributes["service.name"])');
  });

  it("promote service.version and deployment.environment.name onto every metric point, in both renderings", () => {
    for (const c of [merged(native["collector.yaml"], native["collector-capture.yaml"]), merged(docker["collector.yaml"], docker["collector-backends.yaml"])]) {
      const statements = (c.processors["transform/promote_resource"]?.metric_statements ?? []).flatMap((s) => s.statements);
      expect(statements).toEqual([
        'set(datapoint.attributes["service.version"], resource.attributes["service.version"]) where resource.attributes["service.version"] != nil',
        'set(datapoint.attributes["deployment.environment.name"], resource.attributes["deployment.environment.name"]) where resource.attributes["deployment.environment.name"] != nil',
      ]);
      expect(c.service.pipelines["metrics"]?.processors).toContain("transform/promote_resource");
    }
  });

  it("in compose, Tempo's metrics generator writes the span metrics with exemplars and the catalog's buckets", () => {
    const tempo = parse(docker["tempo.yaml"]) as {
      metrics_generator: { storage: { remote_write: { send_exemplars: boolean }[] }; processor: { span_metrics: { histogram_buckets: number[]; dimensions: string[] } } };
      overrides: { defaults: { metrics_generator: { processors: string[] } } };
    };
    expect(tempo.metrics_generator.storage.remote_write[0]?.send_exemplars).toBe(true);
    expect(tempo.metrics_generator.processor.span_metrics.histogram_buckets).toEqual([...SPAN_METRICS_BUCKETS_S]);
    expect(tempo.metrics_generator.processor.span_metrics.dimensions).toEqual(["service.version", "deployment.environment.name"]);
    expect(tempo.overrides.defaults.metrics_generator.processors).toContain("span-metrics");
  });

  it("in compose, route traces to Tempo and logs to Loki (the official images), which Prometheus scrapes", () => {
    const c = merged(docker["collector.yaml"], docker["collector-backends.yaml"]);
    expect(c.exporters["prometheusremotewrite"]?.endpoint).toBe("http://prometheus:9090/api/v1/write");
    expect(c.exporters["otlp/tempo"]?.endpoint).toBe("tempo:4317");
    expect(c.exporters["otlphttp/loki"]?.endpoint).toBe("http://loki:3100/otlp");
    expect(c.service.pipelines["traces"]?.exporters).toEqual(["otlp/tempo"]);
    expect(c.service.pipelines["logs"]?.exporters).toEqual(["otlphttp/loki"]);
    const prom = parse(docker["prometheus.yml"]) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    expect(prom.scrape_configs.map((j) => `${j.job_name} ${j.static_configs[0]?.targets[0]}`)).toEqual([
      "otel-collector otel-collector:8888",
      "tempo tempo:3200",
      "loki loki:3100",
    ]);
  });

  it("reject an unknown placeholder, naming file and key", () => {
    expect(() => renderTemplate("x.yaml", "a: {{nope.key}}", {})).toThrow("stack/config/x.yaml: unknown template key {{nope.key}}");
  });
});

describe("stack configs pass the tools' own checks", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "beacon-stack-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("collector validate accepts the merged gateway config (native and docker), and rejects a bad one", async () => {
    const binary = await ensureCollector();
    const configs = (pairs: [string, string][]) => Promise.all(pairs.map(async ([name, text]) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return `--config=file:${path}`;
    }));
    const native = renderNativeConfigs({ ports: DEFAULT_PORTS, dataDir: dir });
    const docker = renderDockerConfigs();
    await expect(run(binary, ["validate", ...(await configs([["n.yaml", native["collector.yaml"]], ["n-capture.yaml", native["collector-capture.yaml"]]]))])).resolves.toBeDefined();
    await expect(run(binary, ["validate", ...(await configs([["d.yaml", docker["collector.yaml"]], ["d-backends.yaml", docker["collector-backends.yaml"]]]))])).resolves.toBeDefined();
    const broken = native["collector-capture.yaml"].replace("exporters: [file/logs]", "exporters: [file/nowhere]");
    await expect(run(binary, ["validate", ...(await configs([["b.yaml", native["collector.yaml"]], ["b-capture.yaml", broken]]))])).rejects.toThrow("file/nowhere");
  }, 30 * 60_000);

  it("promtool and amtool accept the Prometheus and Alertmanager configs", async () => {
    ensureSystemTools(SYSTEM_TOOLS.promtool);
    const rulesDir = join(dir, "rules");
    await mkdir(rulesDir);
    await writeFile(join(rulesDir, "probe.yaml"), "groups:\n  - name: probe\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n");
    const rendered = renderNativeConfigs({ ports: DEFAULT_PORTS, dataDir: dir, rulesDir });
    const prom = join(dir, "prometheus.yml");
    await writeFile(prom, rendered["prometheus.yml"]);
    const checked = await run(SYSTEM_TOOLS.promtool.binary, ["check", "config", prom]);
    // The rules glob must reach the rules dir: promtool reports the files it found.
    expect(checked.stdout).toContain("SUCCESS: 1 rule files found");
    const am = join(dir, "alertmanager.yml");
    await writeFile(am, rendered["alertmanager.yml"]);
    // amtool ships in the same Debian package as Alertmanager.
    ensureSystemTools(SYSTEM_TOOLS.alertmanager);
    await expect(run("/usr/bin/amtool", ["check-config", am])).resolves.toBeDefined();
  }, 10 * 60_000);
});
