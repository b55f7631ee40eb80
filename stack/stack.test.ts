// Live proof of the native stack: a private stack on free ports (never the user's 4317/9090...),
// one metric, span and log sent through the gateway over OTLP/HTTP, then read back: the metric
// from Prometheus' query API, the span and the log from what the gateway captured, by TraceQL and
// LogQL evaluated as Tempo and Loki would; a Loki push lands in the capture too; a rule loaded
// from the rules dir fires in Alertmanager. Metric names come from the catalog's OTLP→Prometheus translation, so this also
// proves that translation matches the real exporter.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prometheusNames } from "../catalog/index.ts";
import { pushToLoki } from "./logs-import/loki-push.ts";
import { capturedLokiEntries, lokiQueryRange, tempoHasTrace, tempoSearch } from "./clients/backends.ts";
import { startStack, stopStack, type StackState } from "./runner/stack-run.ts";
import { waitFor } from "./runner/stack-wait.ts";
import { ensureCollector } from "./runner/tools.ts";

const SERVICE = "beacon-stack-test";
const RUN = randomBytes(4).toString("hex");
const TRACE_ID = randomBytes(16).toString("hex");
const SPAN_ID = randomBytes(8).toString("hex");
const NOW_NS = BigInt(Date.now()) * 1_000_000n;
// Test-only instruments, declared like catalog entries so their Prometheus names are derived.
const PROBE_COUNTER = { name: "beacon.stack.probe", instrument: "counter", unit: "{probe}" } as const;
const PROBE_HISTOGRAM = { name: "beacon.stack.probe.duration", instrument: "histogram", unit: "s" } as const;
const ALERT = "BeaconStackProbeAlwaysFiring";

const resource = {
  attributes: [
    { key: "service.name", value: { stringValue: SERVICE } },
    { key: "service.instance.id", value: { stringValue: `run-${RUN}` } },
  ],
};
const scope = { name: "beacon.stack.test" };

/** One OTLP/JSON metrics request of this test's resource and scope. */
const metricsRequest = (metrics: unknown[]) => ({ resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics }] }] });

async function postJson(url: string, payload: unknown): Promise<void> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${text}`);
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

interface PromVector {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe("native local stack", () => {
  let stack: StackState;
  let stateDir: string;
  let rulesDir: string;

  beforeAll(async () => {
    // Cold builds take minutes; CI prebuilds them with `node stack/runner/tools.ts all`.
    await ensureCollector();
    stateDir = await mkdtemp(join(tmpdir(), "beacon-stack-state-"));
    rulesDir = await mkdtemp(join(tmpdir(), "beacon-stack-rules-"));
    await writeFile(
      join(rulesDir, "probe.yaml"),
      `groups:\n  - name: stack-test\n    rules:\n      - alert: ${ALERT}\n        expr: vector(1)\n        labels:\n          severity: info\n        annotations:\n          summary: Proves rules load and alerts reach Alertmanager.\n`,
    );
    stack = await startStack({ ports: "auto", stateDir, rulesDir });
  }, 60 * 60_000);

  afterAll(async () => {
    if (stateDir) await stopStack(stateDir);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
    if (rulesDir) await rm(rulesDir, { recursive: true, force: true });
  }, 60_000);

  it("listens only on loopback, on the ports it reports", () => {
    const { captureDir, ...urls } = stack.endpoints;
    for (const url of Object.values(urls)) expect(url).toMatch(/^(http:\/\/)?127\.0\.0\.1:\d+$/);
    expect(captureDir.startsWith(stack.dataDir)).toBe(true);
    expect(stack.services.map((s) => s.name).sort()).toEqual(["alertmanager", "collector", "loki-push", "prometheus"]);
  });

  it("carries a counter and a histogram from the gateway into Prometheus under the catalog's names", async () => {
    const time = String(NOW_NS);
    await postJson(
      `${stack.endpoints.otlpHttp}/v1/metrics`,
      metricsRequest([
        {
          name: PROBE_COUNTER.name,
          unit: PROBE_COUNTER.unit,
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [{ startTimeUnixNano: time, timeUnixNano: time, asInt: "42", attributes: [{ key: "run", value: { stringValue: RUN } }] }],
          },
        },
        {
          name: PROBE_HISTOGRAM.name,
          unit: PROBE_HISTOGRAM.unit,
          histogram: {
            aggregationTemporality: 2,
            dataPoints: [
              {
                startTimeUnixNano: time,
                timeUnixNano: time,
                count: "3",
                sum: 0.6,
                explicitBounds: [0.1, 1],
                bucketCounts: ["1", "2", "0"],
                attributes: [{ key: "run", value: { stringValue: RUN } }],
              },
            ],
          },
        },
      ]),
    );
    const counter = prometheusNames(PROBE_COUNTER).family;
    const query = (expr: string) => `${stack.endpoints.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`;
    const got = await waitFor(
      () => getJson<PromVector>(query(`${counter}{job="${SERVICE}",run="${RUN}"}`)),
      (r) => r.data.result.length > 0,
      30_000,
      500,
    );
    expect(got.data.result[0]?.value[1]).toBe("42");
    expect(got.data.result[0]?.metric).toMatchObject({ job: SERVICE, instance: `run-${RUN}`, run: RUN });

    const [bucket, , count] = prometheusNames(PROBE_HISTOGRAM).series;
    const counts = await getJson<PromVector>(query(`${count}{job="${SERVICE}",run="${RUN}"}`));
    expect(counts.data.result[0]?.value[1]).toBe("3");
    const buckets = await getJson<PromVector>(query(`${bucket}{job="${SERVICE}",run="${RUN}"}`));
    expect(Object.fromEntries(buckets.data.result.map((r) => [r.metric["le"], r.value[1]]))).toEqual({ "0.1": "1", "1": "3", "+Inf": "3" });
  });

  it("adds up a client's delta points per install, and drops a re-sent (out-of-order) delta", async () => {
    const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
    const delta = (value: number, startMs: number, endMs: number) =>
      metricsRequest([
        {
          name: PROBE_COUNTER.name,
          unit: PROBE_COUNTER.unit,
          sum: {
            aggregationTemporality: 1,
            isMonotonic: true,
            dataPoints: [{ startTimeUnixNano: ns(startMs), timeUnixNano: ns(endMs), asDouble: value, attributes: [{ key: "run", value: { stringValue: `delta-${RUN}` } }] }],
          },
        },
      ]);
    const t0 = Date.now() - 60_000;
    await postJson(`${stack.endpoints.otlpHttp}/v1/metrics`, delta(5, t0, t0 + 10_000));
    await postJson(`${stack.endpoints.otlpHttp}/v1/metrics`, delta(7, t0 + 10_000, t0 + 20_000));
    await postJson(`${stack.endpoints.otlpHttp}/v1/metrics`, delta(5, t0, t0 + 10_000)); // the first again (a kill before its ack)
    await postJson(`${stack.endpoints.otlpHttp}/v1/metrics`, delta(1, t0 + 20_000, t0 + 30_000));
    const counter = prometheusNames(PROBE_COUNTER).family;
    const query = `${stack.endpoints.prometheus}/api/v1/query?query=${encodeURIComponent(`max_over_time(${counter}{job="${SERVICE}",run="delta-${RUN}"}[5m])`)}`;
    const got = await waitFor(() => getJson<PromVector>(query), (r) => r.data.result[0]?.value[1] === "13", 30_000, 500).catch(() => getJson<PromVector>(query));
    expect(got.data.result.map((r) => r.value[1])).toEqual(["13"]); // 5 + 7 + 1: the re-sent 5 is not counted
  });

  it("captures a span as sent, found by id and by TraceQL", async () => {
    await postJson(`${stack.endpoints.otlpHttp}/v1/traces`, {
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              scope,
              spans: [
                {
                  traceId: TRACE_ID,
                  spanId: SPAN_ID,
                  name: "stack:probe",
                  kind: 2,
                  startTimeUnixNano: String(NOW_NS),
                  endTimeUnixNano: String(NOW_NS + 5_000_000n),
                  attributes: [{ key: "run", value: { stringValue: RUN } }],
                },
              ],
            },
          ],
        },
      ],
    });
    await waitFor(() => tempoHasTrace(stack.endpoints, TRACE_ID), (found) => found, 30_000, 500);
    const search = await tempoSearch(stack.endpoints, `{ resource.service.name = "${SERVICE}" && span.run = "${RUN}" }`, Date.now() - 600_000, Date.now() + 60_000);
    // Tempo's search, and so the evaluator, drops leading zeros of trace ids.
    expect(search.traces.map((t) => t.traceID.padStart(32, "0"))).toEqual([TRACE_ID]);
    const none = await tempoSearch(stack.endpoints, `{ resource.service.name = "${SERVICE}" && span.run = "not-${RUN}" }`, Date.now() - 600_000, Date.now() + 60_000);
    expect(none.traces).toEqual([]);
  });

  it("captures a log record as Loki would store it: service_name a stream label, install id and trace context metadata", async () => {
    await postJson(`${stack.endpoints.otlpHttp}/v1/logs`, {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope,
              logRecords: [
                {
                  timeUnixNano: String(NOW_NS),
                  severityNumber: 17,
                  severityText: "ERROR",
                  body: { stringValue: `probe ${RUN}` },
                  traceId: TRACE_ID,
                  spanId: SPAN_ID,
                  attributes: [{ key: "log_type", value: { stringValue: "error" } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const startMs = Date.now() - 600_000;
    const got = await waitFor(
      () => lokiQueryRange(stack.endpoints, `{service_name="${SERVICE}"} | log_type="error" |= "${RUN}"`, startMs, Date.now() + 60_000),
      (r) => r.result.length > 0,
      30_000,
      500,
    );
    const [stream] = got.result as { stream: Record<string, string>; values: [string, string][] }[];
    expect(stream?.values.map((v) => v[1])).toEqual([`probe ${RUN}`]);
    expect(stream?.stream).toMatchObject({ service_name: SERVICE, service_instance_id: `run-${RUN}`, trace_id: TRACE_ID, span_id: SPAN_ID, severity_text: "ERROR" });
    // Index labels only: one stream per install would not scale (stack/config/loki.yaml).
    const entry = (await capturedLokiEntries(stack.endpoints)).find((e) => e.line === `probe ${RUN}`);
    expect(Object.keys(entry?.labels ?? {})).toContain("service_name");
    expect(Object.keys(entry?.labels ?? {})).not.toContain("service_instance_id");
  });

  it("takes a Loki push (logs:import) and answers LogQL over it", async () => {
    const tsNs = String(NOW_NS);
    const outcome = await pushToLoki(stack.endpoints.lokiPush, [
      { body: { streams: [{ stream: { service_name: SERVICE, import_id: RUN }, values: [[tsNs, `imported ${RUN}`, { log_type: "event" }]] }] }, entries: 1, firstLine: 1, lastLine: 1 },
    ]);
    expect(outcome).toEqual({ accepted: 1, failures: [] });
    const bad = await pushToLoki(stack.endpoints.lokiPush, [{ body: { streams: [{ stream: {}, values: [[tsNs, "x", {}]] }] }, entries: 1, firstLine: 7, lastLine: 7 }]);
    expect(bad.failures[0]?.error).toMatch(/^HTTP 400: streams\[0\]\.stream must be a non-empty map/);
    const got = await lokiQueryRange(stack.endpoints, `{service_name="${SERVICE}", import_id="${RUN}"} | log_type="event"`, Date.now() - 600_000, Date.now() + 60_000);
    expect((got.result as { values: [string, string][] }[]).flatMap((s) => s.values)).toEqual([[tsNs, `imported ${RUN}`]]);
  });

  it("loads rules from the rules dir and delivers a firing alert to Alertmanager", async () => {
    const alerts = await waitFor(
      () => getJson<{ labels: Record<string, string>; status: { state: string } }[]>(`${stack.endpoints.alertmanager}/api/v2/alerts`),
      (a) => a.some((x) => x.labels["alertname"] === ALERT),
      // Prometheus holds its first notifications until its rule manager settles (~40 s measured).
      120_000,
      1_000,
    );
    expect(alerts.find((x) => x.labels["alertname"] === ALERT)?.status.state).toBe("active");
  }, 180_000);
});
