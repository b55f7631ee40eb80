// Gateway capacity, runner side: one vegeta attack per rate step against a collector's OTLP/HTTP
// receiver, sending the plan of loadtest/lib/gateway-plan.ts (the k6 script's). Before and after
// each step the collector's own counts are read; a step is zero-loss when every export sent was
// answered 200, the generator kept the rate, and the collector accepted, refused and exported
// exactly what was sent (receiver accepted = items sent, refused = 0, exporter sent = accepted,
// send failed = 0). Stepping stops at the first step with loss: that is where the gateway starts
// to refuse on this machine.
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gatewayExport, itemsOf, READINESS_EXPORT, type GatewayExport, type Signal } from "../lib/gateway-plan.ts";
import { arrivalConcurrency, type GatewayShape } from "../lib/profiles.ts";
import type { GatewayConfig } from "../lib/run-configs.ts";
import { failedThresholds, GATEWAY_THRESHOLDS } from "../lib/thresholds.ts";
import { waitFor } from "../../stack/runner/stack-wait.ts";
import { gatewayPayloads } from "./gateway-payloads.ts";
import { attack, HTTP_GENERATOR } from "./vegeta.ts";

/** Export counters still for this long (ms) = the collector has sent all it will. */
const SETTLE_QUIET_MS = 5_000;
/** Longest wait for a step's exports to drain; what is still queued then counts as not exported. */
const SETTLE_MAX_MS = 180_000;
/** k6's gateway scenario pre-allocates 25 VUs per 100 exports/s (exports near the limit take longer). */
const WORKERS_PER_100 = 25;

/** Items (spans, metric points, log records) a collector has handled so far, all signals. */
export interface CollectorCounts {
  accepted: number;
  refused: number;
  /** Exported. */
  sent: number;
  failed: number;
  /** Batches waiting in the exporters' sending queues (a backend that falls behind fills them). */
  queued: number;
}

/** The collector under load: where to send, and how to read its own counts (the stack's gateway:
 *  collector-metrics.ts; a test collector: what it answered and wrote). */
export interface GatewayUnderTest {
  /** OTLP/HTTP base URL: the plan appends /v1/traces etc. */
  readonly otlpHttp: string;
  counts(): Promise<CollectorCounts>;
  /** Called before each step's counts are first read (a test collector forgets earlier steps). */
  beforeStep?(): Promise<void>;
}

export interface GatewayStep {
  readonly rate: number;
  readonly requests: number;
  readonly achievedRate: number;
  readonly non200: number;
  /** Exports never sent because the generator fell behind (k6's dropped iterations). */
  readonly droppedIterations: number;
  readonly itemsSent: number;
  readonly accepted: number;
  readonly refused: number;
  readonly exported: number;
  readonly exportFailed: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** The k6 script's thresholds that did not hold (they report; zeroLoss decides). */
  readonly failedThresholds: readonly string[];
  readonly zeroLoss: boolean;
}

export interface GatewayReport {
  /** What sent the load. */
  readonly generator: string;
  readonly steps: readonly GatewayStep[];
  /** Highest stepped rate (export requests/s) with zero loss; 0 when even the first lost data. */
  readonly zeroLossRate: number;
  /** Items per second at zeroLossRate (all signals; the plan cycles traces, metrics, logs). */
  readonly zeroLossItemsPerSecond: number;
  /** First stepped rate with loss, if any step lost data. */
  readonly refusesAt: number | null;
  readonly payloadItems: Readonly<Record<Signal, number>>;
  readonly payloadBytes: Readonly<Record<Signal, number>>;
}

export async function runGatewayCapacity(gateway: GatewayUnderTest, shape: GatewayShape, workDir: string, log: (l: string) => void): Promise<GatewayReport> {
  const payloads = gatewayPayloads();
  const ready = await fetch(gateway.otlpHttp + READINESS_EXPORT.path, { method: "POST", headers: READINESS_EXPORT.headers, body: READINESS_EXPORT.body, signal: AbortSignal.timeout(10_000) });
  await ready.arrayBuffer();
  if (ready.status !== 200) throw new Error(`collector ${gateway.otlpHttp}${READINESS_EXPORT.path} answered ${ready.status}: is it up?`);
  const steps: GatewayStep[] = [];
  for (const rate of shape.steps) {
    await gateway.beforeStep?.();
    // Start from empty queues, so a backlog of an earlier run is not counted against this step.
    const before = await waitFor(() => gateway.counts(), (c) => c.queued === 0, SETTLE_MAX_MS, 1_000);
    const config: GatewayConfig = { otlpUrl: gateway.otlpHttp, runId: randomBytes(8).toString("hex"), rate, seconds: shape.secondsPerStep, payloads };
    await writeFile(join(workDir, `gateway-${rate}.config.json`), JSON.stringify(config)).catch(() => undefined);
    const exports = rate * shape.secondsPerStep;
    let ok = 0;
    const result = await attack({
      name: `gateway-${rate}`,
      workDir,
      requests: exports,
      seconds: shape.secondsPerStep,
      target: (k) => {
        const e: GatewayExport = gatewayExport(payloads, config.runId, k, Date.now());
        return { method: "POST", url: gateway.otlpHttp + e.path, headers: e.headers, body: e.body };
      },
      concurrency: arrivalConcurrency(rate, WORKERS_PER_100),
      onHit: (hit) => {
        if (hit.code === 200) ok++;
      },
    });
    // vegeta reads targets in order: the first `sent` exports are the ones sent.
    const itemsSent = itemsOf(payloads, result.sent).total;
    // Wait until everything accepted is exported or failed, or the sending queues are empty and
    // the export counters have not moved for SETTLE_QUIET_MS (retries back off for seconds).
    let last = -1;
    let lastMoved = Date.now();
    const after = await waitFor(
      () => gateway.counts(),
      (c) => {
        const out = c.sent + c.failed;
        if (out !== last) {
          last = out;
          lastMoved = Date.now();
        }
        const drained = c.accepted - before.accepted >= itemsSent && c.accepted - before.accepted === out - (before.sent + before.failed);
        return drained || (c.queued === 0 && Date.now() - lastMoved >= SETTLE_QUIET_MS);
      },
      SETTLE_MAX_MS,
      1_000,
    ).catch(() => gateway.counts());
    const non200 = result.sent - ok;
    const metrics = {
      http_req_failed: { rate: result.sent > 0 ? non200 / result.sent : 0 },
      checks: { rate: result.sent > 0 ? ok / result.sent : 0 },
      http_req_duration: result.latencyMs,
    };
    const step: GatewayStep = {
      rate,
      requests: result.sent,
      achievedRate: result.achievedRate,
      non200,
      droppedIterations: exports - result.sent,
      itemsSent,
      accepted: after.accepted - before.accepted,
      refused: after.refused - before.refused,
      exported: after.sent - before.sent,
      exportFailed: after.failed - before.failed,
      p95Ms: result.latencyMs["p(95)"] ?? 0,
      p99Ms: result.latencyMs["p(99)"] ?? 0,
      failedThresholds: failedThresholds(GATEWAY_THRESHOLDS, metrics),
      zeroLoss: false,
    };
    // Loss is the gateway's: refused, failed or missing items. The generator falling short of the
    // rate (all workers busy: exports never sent) is the load generator's limit, so such a step
    // cannot vouch for its rate either: it ends the stepping without counting as zero loss.
    const reached = step.droppedIterations === 0 && step.achievedRate >= 0.95 * rate;
    const zeroLoss = reached && step.non200 === 0 && step.accepted === itemsSent && step.refused === 0 && step.exported === step.accepted && step.exportFailed === 0;
    steps.push({ ...step, zeroLoss });
    log(
      `gateway ${rate}/s: ${step.requests} exports (${step.achievedRate.toFixed(1)}/s achieved), ${itemsSent} items sent, accepted ${step.accepted}, refused ${step.refused}, exported ${step.exported}, failed ${step.exportFailed}, non-200 ${non200}, dropped ${step.droppedIterations}, P95 ${step.p95Ms.toFixed(1)} ms -> ${zeroLoss ? "zero loss" : reached ? "LOSS" : "vegeta could not keep the rate"}`,
    );
    if (!zeroLoss) break;
  }
  const lossy = steps.find((x) => !x.zeroLoss);
  const best = steps.filter((x) => x.zeroLoss).reduce<GatewayStep | undefined>((a, x) => (a && a.rate >= x.rate ? a : x), undefined);
  return {
    generator: HTTP_GENERATOR,
    steps,
    zeroLossRate: best?.rate ?? 0,
    zeroLossItemsPerSecond: best ? Math.round((best.itemsSent / best.requests) * best.rate) : 0,
    refusesAt: lossy?.rate ?? null,
    payloadItems: Object.fromEntries(payloads.map((p) => [p.signal, p.items])) as Record<Signal, number>,
    payloadBytes: Object.fromEntries(payloads.map((p) => [p.signal, Buffer.byteLength(p.body)])) as Record<Signal, number>,
  };
}
