// Issue 10's behaviours, against the real gateway: two collector replicas of the generated
// config, nginx in front, a real Prometheus, and a test collector as Grafana Cloud's stand-in
// (testkit/gateway.ts). Simulated installs send OTLP/JSON as the client does (testkit/installs.ts).
import { randomBytes, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_METRICS } from "../catalog/metrics/client.ts";
import { LABELS, SERVER_SERVICE } from "../catalog/index.ts";
import { createTelemetry } from "../client/telemetry/telemetry.ts";
import { testConfig } from "../client/telemetry/testing/test-config.ts";
import type { Telemetry } from "../client/telemetry/types.ts";
import { startGatewayFleet, type GatewayFleet } from "../testkit/gateway.ts";
import { installAddress, logsBody, metricsBody, post, resourceOf, sendWithRetry, tracesBody, type SendStats } from "../testkit/installs.ts";

const CLIENT_KEY = "ck-1.4.2-" + randomBytes(8).toString("hex");
const SERVER_KEY = "sk-" + randomBytes(8).toString("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let fleet: GatewayFleet;

beforeAll(async () => {
  fleet = await startGatewayFleet({ replicas: 2, clientKeys: [`${CLIENT_KEY} release=1.4.2`], serverKeys: [SERVER_KEY], ratePerSecond: 5, burst: 10 });
}, 180_000);
afterAll(async () => {
  await fleet?.stop();
});

const SENT = CLIENT_METRICS.messagesSent.name;
const MSG_TYPE = LABELS.MESSAGE_TYPE.values[0] as string;
/** Series of client metrics regardless of which replica aggregated them (instance). */
const clientSeries = async () => (await fleet.query('count(count without (instance) ({job="kicktalk", __name__=~"kicktalk_.*"}))'))[0]?.value ?? 0;
const total = async (expr: string) => (await fleet.query(`sum(${expr})`))[0]?.value ?? 0;
const filtered = async () => total('otelcol_processor_filter_datapoints_filtered{filter="filter/clients"}');

/** Runs `n` installs, at most `concurrency` at once, each sending its own request(s). */
async function installs(n: number, concurrency: number, each: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await each(next++);
    }),
  );
}

describe("1. no Cloud credential on clients: a revocable gateway key", () => {
  it("answers 401 without a key or with a wrong one, counts them, and accepts the release's key", async () => {
    const body = metricsBody(resourceOf(randomUUID()), []);
    expect((await post(`${fleet.clientUrl}/v1/metrics`, body)).status).toBe(401);
    expect((await post(`${fleet.clientUrl}/v1/metrics`, body, { key: "guessed" })).status).toBe(401);
    // The server's key is not a client key.
    expect((await post(`${fleet.clientUrl}/v1/metrics`, body, { key: SERVER_KEY })).status).toBe(401);
    expect((await post(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY })).status).toBe(200);
    const unauthorized = 'sum(http_server_request_duration_count{job="otel-collector", http_response_status_code="401"})';
    await fleet.cloud.waitFor(() => fleet.query(unauthorized), (r) => (r[0]?.value ?? 0) >= 3, 20_000);
  });

  it("revokes and rotates a key by editing the key file, without a restart", async () => {
    const next = "ck-1.4.3-" + randomBytes(8).toString("hex");
    const body = metricsBody(resourceOf(randomUUID()), []);
    await fleet.setClientKeys([`${CLIENT_KEY} release=1.4.2`, `${next} release=1.4.3`]);
    await fleet.cloud.waitFor(() => post(`${fleet.clientUrl}/v1/metrics`, body, { key: next }).then((r) => r.status), (s) => s === 200, 10_000);
    await fleet.setClientKeys([`${next} release=1.4.3`]); // 1.4.2 revoked
    await fleet.cloud.waitFor(() => post(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY }).then((r) => r.status), (s) => s === 401, 10_000);
    expect((await post(`${fleet.clientUrl}/v1/metrics`, body, { key: next })).status).toBe(200);
    await fleet.setClientKeys([`${CLIENT_KEY} release=1.4.2`]);
    await fleet.cloud.waitFor(() => post(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY }).then((r) => r.status), (s) => s === 200, 10_000);
  });
});

describe("2. series independent of the number of installs", () => {
  it("keeps the client series count flat at 1, 100 and 1,000 installs, with exact fleet totals", async () => {
    const counts: number[] = [];
    let expected = 0;
    let offset = 0;
    for (const n of [1, 100, 1000]) {
      await installs(n, 50, async (i) => {
        const install = offset + i;
        const value = (install % 7) + 1;
        expected += value;
        const body = metricsBody(resourceOf(randomUUID()), [{ name: SENT, attributes: { message_type: MSG_TYPE, streamer_name: `streamer-${install % 3}`, success: "true" }, value }]);
        expect(await sendWithRetry(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY, localAddress: installAddress(install) })).toBe(200);
      });
      offset += n;
      const want = expected;
      await fleet.cloud.waitFor(() => total(`${SENT}_total{message_type="${MSG_TYPE}", success="true"}`), (v) => v === want, 30_000);
      counts.push(await clientSeries());
    }
    console.log(`[gateway] client series at 1/100/1000 installs: ${counts.join("/")}; fleet total ${expected}`);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
    // No install id on any client series.
    const withInstall = await fleet.query('count({job="kicktalk", kicktalk_install_id!=""}) or count({job="kicktalk", instance!~"gateway-.*"})');
    expect(withInstall).toEqual([]);
  }, 120_000);
});

describe("2. …with the shipped client's own exporter", () => {
  it("adds up the deltas of real client telemetry from three installs into exact fleet totals", async () => {
    const RECEIVED = CLIENT_METRICS.messagesReceived.name;
    const SESSIONS = CLIENT_METRICS.sessionsStarted.name;
    const installsRunning: Telemetry[] = [];
    const dirs: string[] = [];
    let expected = 0;
    try {
      for (let i = 0; i < 3; i++) {
        const config = testConfig(fleet.clientUrl, { headers: { authorization: `Bearer ${CLIENT_KEY}` }, retryBaseMs: 50, retryMaxMs: 500 });
        dirs.push(config.dataDir);
        installsRunning.push(createTelemetry(config, { registerGlobal: false, startTimers: false }));
      }
      // Two flushes per install with records in between: each install sends several deltas.
      for (const round of [1, 2]) {
        for (const [i, t] of installsRunning.entries()) {
          const n = 10 * round + i;
          t.metrics.messagesReceived.record(n, { message_type: MSG_TYPE, streamer_name: "xqc" });
          expected += n;
          await t.flush();
        }
      }
      // nginx limits each client address (all three are 127.0.0.1 here): flush until delivered.
      for (let i = 0; i < 60 && installsRunning.some((t) => t.status().queuedItems > 0); i++) {
        await sleep(250);
        for (const t of installsRunning) await t.flush();
      }
      expect(installsRunning.map((t) => t.status().queuedItems)).toEqual([0, 0, 0]);
      expect(installsRunning.map((t) => t.status().droppedItems)).toEqual([{}, {}, {}]);
    } finally {
      for (const t of installsRunning) await t.shutdown(500);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
    const want = expected;
    // (The streamer's name is not a fleet label: the gateway folds it into `other`.)
    await fleet.cloud.waitFor(() => total(`${RECEIVED}_total{message_type="${MSG_TYPE}"}`), (v) => v === want, 30_000);
    // One session per install, each started at 0 (instruments.ts ZERO_STARTED), added up.
    await fleet.cloud.waitFor(() => total(`${SESSIONS}_total`), (v) => v === 3, 30_000);
    expect(await fleet.query(`count by (instance) (${RECEIVED}_total)`)).not.toEqual([]);
    expect(await fleet.query(`{__name__=~"${RECEIVED}_total|${SESSIONS}_total", instance!~"gateway-.*"}`)).toEqual([]);
  }, 60_000);
});

describe("3. only what the catalog declares, only from whom it may come", () => {
  it("drops undeclared metrics, the server's metrics from a client key, and values outside the catalog, and counts them", async () => {
    const before = await filtered();
    const seriesBefore = await clientSeries();
    const install = randomUUID();
    const body = metricsBody(resourceOf(install), [
      { name: "kicktalk_evil", attributes: {}, value: 1 },
      { name: SENT, attributes: { message_type: "evil", streamer_name: "x", success: "true" }, value: 1e6 },
      { name: SENT, attributes: { message_type: MSG_TYPE, streamer_name: "x", success: "true", user_id: "u1", extra: "e" }, value: 1e6 },
    ]);
    expect(await sendWithRetry(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY, localAddress: installAddress(5000) })).toBe(200);
    // The server's job under a client key: both as the client's service and as the server's.
    for (const service of ["kicktalk", SERVER_SERVICE]) {
      const forged = metricsBody(resourceOf(install, {}, service), [{ name: "chat_server_http_requests", attributes: { route: "/api/chatrooms", method: "GET", status_code: "500" }, value: 1e6 }]);
      expect(await sendWithRetry(`${fleet.clientUrl}/v1/metrics`, forged, { key: CLIENT_KEY, localAddress: installAddress(5001) })).toBe(200);
    }
    // A gauge under a declared (histogram) name: per-install values cannot be added up.
    const gauge = JSON.parse(metricsBody(resourceOf(install), [])) as { resourceMetrics: { scopeMetrics: { metrics: unknown[] }[] }[] };
    const now = String(BigInt(Date.now()) * 1_000_000n);
    gauge.resourceMetrics[0]!.scopeMetrics[0]!.metrics.push({ name: CLIENT_METRICS.mainUptime.name, gauge: { dataPoints: [{ timeUnixNano: now, asDouble: 42 }] } });
    expect(await sendWithRetry(`${fleet.clientUrl}/v1/metrics`, JSON.stringify(gauge), { key: CLIENT_KEY, localAddress: installAddress(5002) })).toBe(200);
    await fleet.cloud.waitFor(filtered, (v) => v >= before + 6, 20_000);
    await sleep(3_000); // two export intervals: anything that got through would be in Prometheus by now
    expect(await fleet.query('{__name__=~"kicktalk_evil.*|chat_server_.*"}')).toEqual([]);
    expect(await fleet.query('{__name__=~"kicktalk_main_uptime.*", __name__!~".*_(bucket|count|sum)"}')).toEqual([]);
    expect(await fleet.query(`${SENT}_total{message_type="evil"}`)).toEqual([]);
    expect(await fleet.query(`${SENT}_total >= 1e6`)).toEqual([]);
    expect(await clientSeries()).toBe(seriesBefore);
  });

  it("drops delta values no install sends (NaN, negative on a counter, absurd), so the fleet total stays exact", async () => {
    const before = await filtered();
    const received = `${CLIENT_METRICS.messagesReceived.name}_total{message_type="${MSG_TYPE}"}`;
    const send = async (value: number | string, i: number) => {
      // Written into the JSON by hand: NaN and Infinity are OTLP/JSON strings.
      const one = { name: CLIENT_METRICS.messagesReceived.name, attributes: { message_type: MSG_TYPE, streamer_name: "x" }, value: 1 };
      const body = metricsBody(resourceOf(randomUUID()), [one]).replace('"asDouble":1', `"asDouble":${JSON.stringify(value)}`);
      expect(await sendWithRetry(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY, localAddress: installAddress(6000 + i) })).toBe(200);
    };
    const base = await total(received); // earlier tests' installs sent this metric too
    await send(2, 0);
    await fleet.cloud.waitFor(() => total(received), (v) => v === base + 2, 20_000);
    for (const [i, hostile] of (["NaN", -5, 1e18, "Infinity"] as const).entries()) await send(hostile, i + 1);
    await send(3, 9);
    await fleet.cloud.waitFor(filtered, (v) => v >= before + 4, 30_000);
    await fleet.cloud.waitFor(() => total(received), (v) => v === base + 5, 20_000);
  });

  it("leaves the series count flat under a cardinality flood from one install", async () => {
    const seriesBefore = await clientSeries();
    const install = randomUUID();
    const points = Array.from({ length: 2000 }, (_, i) => ({
      name: SENT,
      attributes: { message_type: MSG_TYPE, streamer_name: randomUUID(), success: i % 2 === 0 ? "true" : "false" },
      value: 1,
    }));
    for (let i = 0; i < points.length; i += 500) {
      const body = metricsBody(resourceOf(install), points.slice(i, i + 500));
      expect(await sendWithRetry(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY, localAddress: installAddress(5002) })).toBe(200);
    }
    await sleep(3_000);
    // At most the one success="false" series is new; 2,000 streamer names folded into "other".
    expect(await clientSeries()).toBeLessThanOrEqual(seriesBefore + 1);
    expect(await fleet.query(`count(${SENT}_total{streamer_name!="other"})`)).toEqual([]);
  });

  it("bounds resource attributes on logs and spans, keeps the install id there, and drops undeclared types and names", async () => {
    await fleet.cloud.reset();
    const install = randomUUID();
    const pods = Array.from({ length: 50 }, (_, i) => `pod-${i}`);
    for (const pod of pods) {
      const body = logsBody(resourceOf(install, { "k8s.pod.name": pod, "host.name": pod }), [
        { body: "ok", attributes: { log_type: "log", area: "ws" } },
        { body: "undeclared", attributes: { log_type: "evil" } },
      ]);
      expect(await sendWithRetry(`${fleet.clientUrl}/v1/logs`, body, { key: CLIENT_KEY, localAddress: installAddress(5003) })).toBe(200);
    }
    const traceId = randomBytes(16).toString("hex");
    const spans = tracesBody(resourceOf(install, { "k8s.pod.name": "p" }), [
      { name: "window:create", traceId, spanId: randomBytes(8).toString("hex") },
      { name: "evil", traceId, spanId: randomBytes(8).toString("hex") },
    ]);
    expect(await sendWithRetry(`${fleet.clientUrl}/v1/traces`, spans, { key: CLIENT_KEY, localAddress: installAddress(5003) })).toBe(200);
    const logs = await fleet.cloud.waitFor(() => fleet.cloud.logs(), (l) => l.length >= pods.length, 20_000);
    const gotSpans = await fleet.cloud.waitFor(() => fleet.cloud.spans(), (s) => s.length >= 1, 20_000);
    await sleep(1_000);
    expect(new Set((await fleet.cloud.logs()).map((l) => l.attributes["log_type"]))).toEqual(new Set(["log"]));
    for (const l of logs) expect(l.resource).toEqual(resourceOf(install));
    expect((await fleet.cloud.spans()).map((s) => s.name)).toEqual(["window:create"]);
    expect(gotSpans[0]?.resource).toEqual(resourceOf(install));
  });
});

describe("4. one install cannot starve the others", () => {
  it("throttles a flooding install with 429 + Retry-After while the others' data arrives complete", async () => {
    const metric = CLIENT_METRICS.connectionErrors.name;
    const errType = LABELS.CONNECTION_ERROR_TYPE.values[0] as string;
    const source = LABELS.CONNECTION_SOURCE.values[0] as string;
    const flooder = randomUUID();
    const flood = (async () => {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 150; i++) {
        const body = metricsBody(resourceOf(flooder), [{ name: CLIENT_METRICS.websocketReconnections.name, attributes: {}, value: 1 }]);
        const r = await post(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY, localAddress: installAddress(6000) });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.retryAfter;
      }
      return { statuses, retryAfter };
    })();
    const stats: SendStats = { attempts: 0, throttled: 0, retried: 0 };
    let expected = 0;
    await installs(20, 20, async (i) => {
      for (let k = 0; k < 3; k++) {
        expected += 2;
        const body = metricsBody(resourceOf(`other-${i}`), [{ name: metric, attributes: { error_type: errType, source }, value: 2 }]);
        expect(await sendWithRetry(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY, localAddress: installAddress(6001 + i) }, stats)).toBe(200);
      }
    });
    const { statuses, retryAfter } = await flood;
    const throttled = statuses.filter((s) => s === 429).length;
    console.log(`[gateway] flooding install: ${statuses.length - throttled} accepted, ${throttled} × 429 (Retry-After ${retryAfter}); 20 others: ${stats.throttled} × 429`);
    expect(throttled).toBeGreaterThan(100);
    expect(retryAfter).toBe("1");
    expect(stats.throttled).toBe(0);
    const want = expected;
    await fleet.cloud.waitFor(() => total(`${metric}_total{error_type="${errType}"}`), (v) => v === want, 20_000);
  });
});

// --- 5 and 6: replicas come and go, Cloud goes away -----------------------------------------

const HITS = CLIENT_METRICS.emoteCacheHits.name;
/** The test fleet's BEACON_GATEWAY_INTERVAL (testkit/gateway.ts) and the batch timeout (config.ts), ms. */
const INTERVAL_MS = 1_000;
const BATCH_TIMEOUT_MS = 200;

interface Ack {
  /** When the gateway's 200 reached the install (performance.now(), ms). */
  at: number;
  value: number;
}

/**
 * `installs` simulated installs, each sending one delta of `labels` every `periodMs` (below the
 * per-install limit) with the client's retries, until `stop()`; every acknowledged value is kept
 * with the time its 200 arrived. Each install has its own address (base + i).
 */
function steadyLoad(o: { installs: number; base: number; periodMs: number; labels: Record<string, string>; extra?: (i: number, seq: number) => Promise<void> }) {
  const acks: Ack[] = [];
  const stats: SendStats = { attempts: 0, throttled: 0, retried: 0 };
  const failures: number[] = [];
  let running = true;
  const done = Promise.all(
    Array.from({ length: o.installs }, async (_, i) => {
      const install = randomUUID();
      await sleep((i * o.periodMs) / o.installs); // spread the installs over one period
      for (let seq = 0; running && seq < 1_000; seq++) {
        const value = ((i + seq) % 5) + 1;
        const body = metricsBody(resourceOf(install), [{ name: HITS, attributes: o.labels, value }]);
        const status = await sendWithRetry(`${fleet.clientUrl}/v1/metrics`, body, { key: CLIENT_KEY, localAddress: installAddress(o.base + i) }, stats);
        if (status === 200) acks.push({ at: performance.now(), value });
        else failures.push(status);
        await o.extra?.(i, seq);
        await sleep(o.periodMs);
      }
    }),
  );
  return {
    acks,
    stats,
    failures,
    async stop() {
      running = false;
      await done;
    },
  };
}

const sumOf = (acks: readonly Ack[]) => acks.reduce((s, a) => s + a.value, 0);
const hitsSelector = (labels: Record<string, string>) => `${HITS}_total{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ")}}`;
/** Per replica (instance), the latest value of the aggregated series in Prometheus. */
const byInstance = async (labels: Record<string, string>) =>
  Object.fromEntries((await fleet.query(hitsSelector(labels))).map((r) => [r.metric["instance"] ?? "?", r.value]));

describe("5. scale-out without loss: a replica goes away mid-run", () => {
  it("SIGTERM: the other replica takes the retries and the fleet total is exact", async () => {
    const labels = { source: "7tv", tier: "memory" };
    const victim = fleet.replicas[0]!;
    const victimId = victim.id;
    const load = steadyLoad({ installs: 30, base: 7000, periodMs: 300, labels });
    await sleep(3_000);
    const before = await byInstance(labels);
    const tStop = performance.now();
    await victim.stop("SIGTERM");
    const stoppedMs = performance.now() - tStop;
    await sleep(3_000); // only the other replica now
    await load.stop();
    const want = sumOf(load.acks);
    const afterKill = load.acks.filter((a) => a.at > tStop + stoppedMs).length;
    const got = await fleet.cloud.waitFor(() => total(hitsSelector(labels)), (v) => v === want, 20_000).catch(() => -1);
    const parts = await byInstance(labels);
    console.log(
      `[gateway] SIGTERM of ${victimId} (shut down in ${Math.round(stoppedMs)} ms): ${load.acks.length} requests acknowledged (${afterKill} after), ` +
        `${load.stats.retried} client retries, fleet total ${want}; Prometheus per replica ${JSON.stringify(parts)}`,
    );
    expect(load.failures).toEqual([]);
    // Both replicas took part before the stop, and the survivor took everything after it.
    expect(before[victimId] ?? 0).toBeGreaterThan(0);
    expect(afterKill).toBeGreaterThan(100);
    expect(got).toBe(want);
    // A replaced pod comes back under a new name: a new series, the old one keeps its last value.
    await victim.start({ id: `${victimId}-b` });
  }, 60_000);

  it("SIGKILL: loses at most what that replica acknowledged in its last interval + batch timeout + one export", async () => {
    const labels = { source: "kick", tier: "memory" };
    const victim = fleet.replicas[1]!;
    const victimId = victim.id;
    const load = steadyLoad({ installs: 30, base: 7100, periodMs: 300, labels });
    await sleep(3_000);
    const tKill = performance.now();
    await victim.stop("SIGKILL");
    await sleep(3_000);
    await load.stop();
    const want = sumOf(load.acks);
    // Everything acknowledged after the kill sits in the survivor, which exports every interval:
    // after a few intervals the total no longer moves, and that is what was kept.
    await sleep(5 * INTERVAL_MS);
    const final = await total(hitsSelector(labels));
    await sleep(3 * INTERVAL_MS);
    expect(await total(hitsSelector(labels))).toBe(final);
    const windowMs = 2 * INTERVAL_MS + BATCH_TIMEOUT_MS + 300;
    const bound = sumOf(load.acks.filter((a) => a.at >= tKill - windowMs && a.at <= tKill));
    const lost = want - final;
    console.log(`[gateway] SIGKILL of ${victimId}: fleet total ${want} acknowledged, ${final} in Prometheus: lost ${lost} (${((100 * lost) / want).toFixed(2)} %); bound (everything acknowledged in the ${windowMs} ms before the kill) ${bound}`);
    expect(load.failures).toEqual([]);
    expect(lost).toBeGreaterThanOrEqual(0); // never counted twice
    expect(lost).toBeLessThanOrEqual(bound);
    await victim.start({ id: `${victimId}-b` });
  }, 60_000);
});

describe("6. back-pressure visible: a Cloud outage with a gateway restart in the middle", () => {
  it("queues on disk through a 25 s outage and a restart of every replica, then delivers every span, log and the exact total", async () => {
    // Scaled down: a 25 s outage (issue 10 asks ≥ 10 min; the queue's retry budget is 30 min,
    // CLOUD_OUTAGE_BUDGET) with retries at most 2 s apart instead of 30 s (testkit/gateway.ts).
    const labels = { source: "bttv", tier: "disk" };
    await fleet.cloud.reset();
    fleet.cloud.setRespond("unavailable");
    const tOutage = performance.now();
    const spanIds: string[] = [];
    const logIds: string[] = [];
    const traceId = randomBytes(16).toString("hex");
    const extra = async (i: number, seq: number) => {
      const install = `outage-${i}`;
      const spanId = randomBytes(8).toString("hex");
      const logId = `${i}-${seq}`;
      const spans = tracesBody(resourceOf(install), [{ name: "window:create", traceId, spanId }]);
      const logs = logsBody(resourceOf(install), [{ body: logId, attributes: { log_type: "log", area: "ws" } }]);
      if ((await sendWithRetry(`${fleet.clientUrl}/v1/traces`, spans, { key: CLIENT_KEY, localAddress: installAddress(7200 + i) })) === 200) spanIds.push(spanId);
      if ((await sendWithRetry(`${fleet.clientUrl}/v1/logs`, logs, { key: CLIENT_KEY, localAddress: installAddress(7200 + i) })) === 200) logIds.push(logId);
    };
    const load = steadyLoad({ installs: 10, base: 7200, periodMs: 1_000, labels, extra });
    await sleep(6_000);
    // The queue is visible in the gateway's own metrics while Cloud refuses.
    const queued = await fleet.cloud.waitFor(() => total('otelcol_exporter_queue_size{exporter="otlphttp/cloud"}'), (v) => v > 0, 10_000);
    // Restart every replica in place (same id, same storage dir: a container restart).
    await Promise.all(fleet.replicas.map(async (r) => {
      await r.stop("SIGTERM");
      await r.start();
    }));
    await sleep(Math.max(0, 18_000 - (performance.now() - tOutage)));
    await load.stop();
    const requestsDuringOutage = (await fleet.cloud.requests()).length;
    const failedSends = await fleet.query('{__name__=~"otelcol_exporter_send_failed_.*|otelcol_exporter_enqueue_failed_.*", exporter="otlphttp/cloud"} > 0');
    await sleep(Math.max(0, 25_000 - (performance.now() - tOutage)));
    fleet.cloud.setRespond("ok");
    const tRecover = performance.now();
    const gotLogs = await fleet.cloud.waitFor(() => fleet.cloud.logs(), (l) => l.length >= logIds.length, 30_000);
    const gotSpans = await fleet.cloud.waitFor(() => fleet.cloud.spans(), (s) => s.length >= spanIds.length, 30_000);
    // Metrics: the cumulative series each replica sent, a restart being a reset (as rate() reads it).
    const want = sumOf(load.acks);
    const cloudTotal = async () => {
      const points = (await fleet.cloud.metrics()).filter((p) => p.name === HITS && p.attributes["source"] === labels.source && p.attributes["tier"] === labels.tier);
      let sum = 0;
      const byReplica = new Map<string, { t: bigint; v: number }[]>();
      for (const p of points) {
        const id = String(p.resource["service.instance.id"]);
        byReplica.set(id, [...(byReplica.get(id) ?? []), { t: BigInt(p.timeUnixNano), v: p.value ?? 0 }]);
      }
      for (const series of byReplica.values()) {
        series.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
        series.forEach((p, k) => {
          const next = series[k + 1];
          if (next === undefined || next.v < p.v) sum += p.v; // the last value before a reset, and the final one
        });
      }
      return sum;
    };
    const got = await fleet.cloud.waitFor(cloudTotal, (v) => v === want, 30_000).catch(() => -1);
    const drainedMs = performance.now() - tRecover;
    await sleep(2_000);
    const queueAfter = await total('otelcol_exporter_queue_size{exporter="otlphttp/cloud"}');
    console.log(
      `[gateway] Cloud outage 25 s, both replicas restarted in it: ${spanIds.length} spans, ${logIds.length} logs and ${load.acks.length} metric requests (total ${want}) acknowledged; ` +
        `queue peaked ≥ ${queued}; ${requestsDuringOutage} export attempts refused; failed-send series during the outage: ${failedSends.length}; ` +
        `delivered ${gotSpans.length} spans, ${gotLogs.length} logs, metric total ${got} within ${Math.round(drainedMs)} ms of recovery; queue after: ${queueAfter}`,
    );
    expect(load.failures).toEqual([]);
    expect(spanIds.length).toBeGreaterThan(50);
    expect(queued).toBeGreaterThan(0);
    // Every span and log once (the queue is at-least-once; a duplicate would show here).
    expect((await fleet.cloud.spans()).map((s) => s.spanId).sort()).toEqual([...spanIds].sort());
    expect((await fleet.cloud.logs()).map((l) => String(l.body)).sort()).toEqual([...logIds].sort());
    expect(got).toBe(want);
    expect(queueAfter).toBe(0);
  }, 120_000);
});
