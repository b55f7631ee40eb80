// Throughput of one gateway replica and of two, side by side in one run (issue 10's figures):
// `node bench/gateway-capacity.ts`. The test fleet (testkit/gateway.ts: nginx, real collector replicas
// of the generated config, Prometheus) takes vegeta's constant-rate OTLP/JSON metric requests,
// each 16 delta points of `kicktalk_api_requests` as a client flush carries them; the rate steps
// up until a step loses anything (a non-2xx answer, or a Prometheus total short of what was
// acknowledged). Everything shares this machine's cores with the load generator, nginx and
// Prometheus: the figures are this machine's, not a pod's.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIENT_METRICS } from "../catalog/metrics/client.ts";
import { LABELS } from "../catalog/index.ts";
import { attack } from "../loadtest/runner/vegeta.ts";
import { startGatewayFleet } from "../testkit/gateway.ts";
import { metricsBody, resourceOf } from "../testkit/installs.ts";

const KEY = "ck-capacity-" + randomBytes(8).toString("hex");
const METRIC = CLIENT_METRICS.apiRequests.name;
const ENDPOINTS = LABELS.API_ENDPOINT.values;
const POINTS_PER_REQUEST = 16;
const STEP_S = Number(process.env.CAPACITY_STEP_S ?? 6);
const RATES = (process.env.CAPACITY_RATES ?? "250,500,1000,1500,2000").split(",").map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fleet = await startGatewayFleet({ replicas: 2, clientKeys: [KEY], serverKeys: ["sk-unused"], ratePerSecond: 1_000_000, burst: 1_000_000 });
const work = await mkdtemp(join(tmpdir(), "beacon-capacity-"));
const totalOf = async (status: string) => (await fleet.query(`sum(${METRIC}_total{status_code="${status}"})`))[0]?.value ?? 0;

interface Step {
  replicas: number;
  rate: number;
  sent: number;
  ok: number;
  itemsPerS: number;
  p95Ms: number;
  lossless: boolean;
}

let statusSeq = 100;
async function step(replicas: number, rate: number): Promise<Step> {
  const status = String(statusSeq++); // one label value per step: its total is exactly this step's
  const points = ENDPOINTS.slice(0, 4).flatMap((endpoint) => ["GET", "POST", "PUT", "PATCH"].map((method) => ({ name: METRIC, attributes: { endpoint, method, status_code: status }, value: 1 })));
  if (points.length !== POINTS_PER_REQUEST) throw new Error(`expected ${POINTS_PER_REQUEST} points, built ${points.length}`);
  let ok = 0;
  const result = await attack({
    name: `r${replicas}-${rate}`,
    workDir: work,
    requests: rate * STEP_S,
    seconds: STEP_S,
    concurrency: { initial: 50, max: 400 },
    target: () => ({
      method: "POST",
      url: `${fleet.clientUrl}/v1/metrics`,
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: metricsBody(resourceOf(randomUUID()), points),
    }),
    onHit: (hit) => {
      if (hit.code === 200) ok++;
    },
  });
  const want = ok * POINTS_PER_REQUEST;
  let got = 0;
  for (let i = 0; i < 20 && got !== want; i++) {
    await sleep(1_000);
    got = await totalOf(status);
  }
  const lossless = ok === result.planned && got === want;
  return { replicas, rate, sent: result.sent, ok, itemsPerS: Math.round((ok * POINTS_PER_REQUEST) / STEP_S), p95Ms: Math.round(result.latencyMs["p(95)"] ?? 0), lossless };
}

const steps: Step[] = [];
try {
  for (const replicas of [2, 1]) {
    if (replicas === 1) await fleet.replicas[1]!.stop("SIGTERM");
    for (const rate of RATES) {
      const s = await step(replicas, rate);
      steps.push(s);
      console.log(`${replicas} replica(s), ${rate} req/s × ${POINTS_PER_REQUEST} points: ${s.ok}/${rate * STEP_S} acknowledged, ${s.itemsPerS} points/s, p95 ${s.p95Ms} ms, ${s.lossless ? "no loss" : "LOSS"}`);
      if (!s.lossless) break;
    }
  }
  for (const replicas of [1, 2]) {
    const best = steps.filter((s) => s.replicas === replicas && s.lossless).at(-1);
    console.log(`highest lossless step, ${replicas} replica(s): ${best ? `${best.rate} req/s = ${best.itemsPerS} points/s (p95 ${best.p95Ms} ms)` : "none"}`);
  }
} finally {
  await fleet.stop();
  await rm(work, { recursive: true, force: true });
}
