// Gateway capacity, runner side: one k6 run of loadtest/gateway.ts per rate step against the
// stack's collector. Before and after each step the collector's own metrics are read; a step
// is zero-loss when every export k6 sent was answered 200, nothing was dropped by k6, and the
// collector accepted, refused and exported exactly what k6 sent (receiver accepted = items
// sent, refused = 0, exporter sent = accepted, send failed = 0). Stepping stops at the first
// step with loss: that is where the gateway starts to refuse on this machine.
import { randomBytes } from "node:crypto";
import type { GatewayShape } from "../lib/profiles.ts";
import type { GatewayConfig } from "../lib/run-configs.ts";
import { sumExposition, type StackEndpoints } from "../../stack/clients/backends.ts";
import { count, runK6 } from "./k6.ts";
import { waitFor } from "../../stack/runner/stack-wait.ts";
import { gatewayPayloads } from "./gateway-payloads.ts";

type Signal = "traces" | "metrics" | "logs";
/** The collector's item unit per signal in its own metric names. */
const ITEM: Record<Signal, string> = { traces: "spans", metrics: "metric_points", logs: "log_records" };
const SIGNALS: readonly Signal[] = ["traces", "metrics", "logs"];
/** Export counters still for this long (ms) = the collector has sent all it will. */
const SETTLE_QUIET_MS = 5_000;
/** Longest wait for a step's exports to drain; what is still queued then counts as not exported. */
const SETTLE_MAX_MS = 180_000;

interface CollectorCounts {
  accepted: number;
  refused: number;
  sent: number;
  failed: number;
  /** Batches waiting in the exporters' sending queues (a backend that falls behind fills them). */
  queued: number;
}

/** Counter value whether or not the exposition adds `_total` (it does from the OTel SDK's Prometheus exporter). */
const counter = (text: string, name: string) => sumExposition(text, `${name}_total`) || sumExposition(text, name);

async function collectorCounts(metricsUrl: string): Promise<CollectorCounts> {
  const res = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`collector metrics ${metricsUrl}/metrics answered ${res.status}`);
  const text = await res.text();
  const c: CollectorCounts = { accepted: 0, refused: 0, sent: 0, failed: 0, queued: sumExposition(text, "otelcol_exporter_queue_size") };
  for (const s of SIGNALS) {
    const item = ITEM[s];
    c.accepted += counter(text, `otelcol_receiver_accepted_${item}`);
    c.refused += counter(text, `otelcol_receiver_refused_${item}`) + counter(text, `otelcol_receiver_failed_${item}`);
    c.sent += counter(text, `otelcol_exporter_sent_${item}`);
    c.failed += counter(text, `otelcol_exporter_send_failed_${item}`) + counter(text, `otelcol_exporter_enqueue_failed_${item}`);
  }
  return c;
}

export interface GatewayStep {
  readonly rate: number;
  readonly requests: number;
  readonly achievedRate: number;
  readonly non200: number;
  readonly droppedIterations: number;
  readonly itemsSent: number;
  readonly accepted: number;
  readonly refused: number;
  readonly exported: number;
  readonly exportFailed: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly zeroLoss: boolean;
}


export interface GatewayReport {
  readonly steps: readonly GatewayStep[];
  /** Highest stepped rate (export requests/s) with zero loss; 0 when even the first lost data. */
  readonly zeroLossRate: number;
  /** First stepped rate with loss, if any step lost data. */
  readonly refusesAt: number | null;
  readonly payloadItems: Readonly<Record<Signal, number>>;
  readonly payloadBytes: Readonly<Record<Signal, number>>;
}

export async function runGatewayCapacity(stack: StackEndpoints, shape: GatewayShape, workDir: string, log: (l: string) => void): Promise<GatewayReport> {
  const payloads = gatewayPayloads();
  const steps: GatewayStep[] = [];
  for (const rate of shape.steps) {
    // Start from empty queues, so a backlog of an earlier run is not counted against this step.
    const before = await waitFor(() => collectorCounts(stack.collectorMetrics), (c) => c.queued === 0, SETTLE_MAX_MS, 1_000);
    const config: GatewayConfig = { otlpUrl: stack.otlpHttp, runId: randomBytes(8).toString("hex"), rate, seconds: shape.secondsPerStep, payloads };
    const k6 = await runK6("gateway.ts", config, { workDir, name: `gateway-${rate}` });
    const s = k6.summary;
    const itemsSent = count(s, "beacon_otlp_items_sent");
    // Wait until everything accepted is exported or failed, or the sending queues are empty and
    // the export counters have not moved for SETTLE_QUIET_MS (retries back off for seconds).
    let last = -1;
    let lastMoved = Date.now();
    const after = await waitFor(
      () => collectorCounts(stack.collectorMetrics),
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
    ).catch(() => collectorCounts(stack.collectorMetrics));
    const requests = count(s, "http_reqs") - 1; // setup()'s readiness export
    const non200 = Math.round((s.metrics.http_req_failed?.values.rate ?? 0) * count(s, "http_reqs"));
    const step: GatewayStep = {
      rate,
      requests,
      achievedRate: s.metrics.iterations?.values.rate ?? 0,
      non200,
      droppedIterations: count(s, "dropped_iterations"),
      itemsSent,
      accepted: after.accepted - before.accepted,
      refused: after.refused - before.refused,
      exported: after.sent - before.sent,
      exportFailed: after.failed - before.failed,
      p95Ms: s.metrics.http_req_duration?.values["p(95)"] ?? 0,
      p99Ms: s.metrics.http_req_duration?.values["p(99)"] ?? 0,
      zeroLoss: false,
    };
    // Loss is the gateway's: refused, failed or missing items. k6 falling short of the rate
    // (dropped iterations: no VU free in time) is the load generator's limit, so such a step
    // cannot vouch for its rate either: it ends the stepping without counting as zero loss.
    const reached = step.achievedRate >= 0.95 * rate;
    const zeroLoss = reached && step.non200 === 0 && step.accepted === itemsSent && step.refused === 0 && step.exported === step.accepted && step.exportFailed === 0;
    steps.push({ ...step, zeroLoss });
    log(
      `gateway ${rate}/s: ${requests} exports (${step.achievedRate.toFixed(1)}/s achieved), ${itemsSent} items sent, accepted ${step.accepted}, refused ${step.refused}, exported ${step.exported}, failed ${step.exportFailed}, non-200 ${non200}, dropped ${step.droppedIterations} -> ${zeroLoss ? "zero loss" : reached ? "LOSS" : "k6 could not reach the rate"}`,
    );
    if (!zeroLoss) break;
  }
  const lossy = steps.find((x) => !x.zeroLoss);
  return {
    steps,
    zeroLossRate: Math.max(0, ...steps.filter((x) => x.zeroLoss).map((x) => x.rate)),
    refusesAt: lossy?.rate ?? null,
    payloadItems: Object.fromEntries(payloads.map((p) => [p.signal, p.items])) as Record<Signal, number>,
    payloadBytes: Object.fromEntries(payloads.map((p) => [p.signal, Buffer.byteLength(p.body)])) as Record<Signal, number>,
  };
}
