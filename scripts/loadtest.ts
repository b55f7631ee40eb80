// `npm run loadtest [-- --profile smoke|average|stress|soak] [--only validation,gateway,overhead] [--gateway-steps 400,800]`
// Load against the chat server and the gateway, with `npm run stack:up` running. Starts and stops
// the chat server itself. CI runs the smoke profile; the others run on demand. The load comes from
// vegeta (HTTP) and Node ws (WebSocket), driven by the same plans and profiles as the k6 scripts in
// loadtest/ (which users run with their own k6; k6 is AGPL and never built or run here).
//   validation  exact counts: what was sent = what Prometheus and the captured logs and traces report (fails on any difference)
//   gateway     OTLP/HTTP rate steps at the collector: highest zero-loss rate, where it refuses
//   overhead    the same load with server telemetry off, then on: P95/P99, CPU, RSS side by side
// Writes results/loadtest-<profile>.json and results/loadtest-<profile>.md.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROFILE_SHAPES, profileOf } from "../loadtest/lib/profiles.ts";
import { liveStack } from "../stack/clients/backends.ts";
import { stackGateway } from "../loadtest/runner/collector-metrics.ts";
import { runGatewayCapacity, type GatewayReport } from "../loadtest/runner/gateway.ts";
import { BUDGET, runOverhead, type OverheadReport } from "../loadtest/runner/overhead.ts";
import { runValidation, type ValidationReport } from "../loadtest/runner/validation.ts";
import { REPO_ROOT } from "../stack/runner/tools.ts";

const PARTS = ["validation", "gateway", "overhead"] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({ options: { profile: { type: "string", default: "smoke" }, only: { type: "string" }, "gateway-steps": { type: "string" } } });
const profile = profileOf(values.profile);
const only = (values.only?.split(",") ?? [...PARTS]) as Part[];
const unknown = only.filter((p) => !PARTS.includes(p));
if (unknown.length > 0) {
  console.error(`--only ${unknown.join(",")}: expected some of ${PARTS.join(", ")}`);
  process.exit(2);
}
const shapes = PROFILE_SHAPES[profile];
const log = (line: string) => console.log(`[loadtest] ${line}`);
const stack = await liveStack();
const resultsDir = join(REPO_ROOT, "results");
// Raw vegeta results and the run configs (what the k6 scripts would read for the same runs).
const workDir = join(resultsDir, `loadtest-${profile}`);
await mkdir(workDir, { recursive: true });

const problems: string[] = [];
let validation: ValidationReport | undefined;
let gateway: GatewayReport | undefined;
let overhead: OverheadReport | undefined;

if (only.includes("validation")) {
  const v = shapes.validation;
  log(`validation: ${v.rate} messages/s for ${v.seconds} s, ${v.subscribers} WebSocket subscribers`);
  validation = await runValidation(stack, v, workDir);
  for (const c of validation.checks) log(`  ${c.sent === c.reported ? "ok " : "BAD"} ${c.what}: sent ${c.sent}, reported ${c.reported}`);
  log(`  sampled traces the gateway received, found by id: ${validation.sampledTraces.found}/${validation.sampledTraces.sent}`);
  problems.push(...validation.problems.map((p) => `validation: ${p}`));
  if (validation.failedThresholds.length > 0) problems.push(`validation thresholds failed: ${validation.failedThresholds.join("; ")}`);
}
if (only.includes("gateway")) {
  // --gateway-steps 400,800 re-runs chosen steps of the profile's step length.
  const steps = values["gateway-steps"]?.split(",").map(Number);
  const g = steps ? { ...shapes.gateway, steps } : shapes.gateway;
  log(`gateway capacity: steps ${g.steps.join(", ")} exports/s, ${g.secondsPerStep} s each`);
  gateway = await runGatewayCapacity(stackGateway(stack), g, workDir, (l) => log(`  ${l}`));
  // Capacity is a figure, not a pass/fail; but the first (lowest) step must not lose data.
  if (gateway.steps[0] && !gateway.steps[0].zeroLoss) problems.push(`gateway lost data already at ${gateway.steps[0].rate} exports/s`);
}
if (only.includes("overhead")) {
  const o = shapes.overhead;
  log(`overhead: ${o.rate} iterations/s (2 requests each) for ${o.seconds} s, telemetry off then on`);
  overhead = await runOverhead(stack.otlpHttp, o, workDir);
  for (const r of [overhead.off, overhead.on]) {
    if (r.failed > 0) problems.push(`overhead (telemetry ${r.telemetry}): ${r.failed} failed requests`);
    if (r.droppedIterations > 0) problems.push(`overhead (telemetry ${r.telemetry}): the generator fell behind, ${r.droppedIterations} iterations never started`);
  }
}

const table = markdown(profile, validation, gateway, overhead);
await writeFile(join(resultsDir, `loadtest-${profile}.json`), `${JSON.stringify({ at: new Date().toISOString(), profile, shapes, validation, gateway, overhead, problems }, null, 2)}\n`);
await writeFile(join(resultsDir, `loadtest-${profile}.md`), table);
console.log(`\n${table}`);
if (problems.length > 0) {
  console.error(`loadtest FAILED:\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
log(`passed; figures in results/loadtest-${profile}.json and .md`);

function markdown(p: string, v?: ValidationReport, g?: GatewayReport, o?: OverheadReport): string {
  const out = [`# Load test (${p} profile), ${new Date().toISOString()}`, ""];
  if (v) {
    out.push("## Validation (sent = backends reported, exactly)", "", `Load: ${v.generator}.`, "", "| check | sent | reported |", "|---|---:|---:|");
    for (const c of v.checks) out.push(`| ${c.what.replace(/\|/g, "\\|")} | ${c.sent} | ${c.reported} |`);
    out.push(`| traces the gateway received: sampled ids found | ${v.sampledTraces.sent} | ${v.sampledTraces.found} |`);
    out.push("", `HTTP P95 ${v.p95Ms.toFixed(2)} ms, P99 ${v.p99Ms.toFixed(2)} ms; unsampled traces found: ${v.unsampledTracesFound.found}/${v.unsampledTracesFound.probed} probed (forced sampling: errors, slow).`, "");
  }
  if (g) {
    out.push(
      "## Gateway capacity (OTLP/HTTP at the collector)",
      "",
      `Load: ${g.generator}.`,
      "",
      "| exports/s | achieved/s | not sent | items sent | accepted | refused | exported | failed | non-200 | P95 ms | zero loss |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:--:|",
    );
    for (const s of g.steps) {
      out.push(
        `| ${s.rate} | ${s.achievedRate.toFixed(1)} | ${s.droppedIterations} | ${s.itemsSent} | ${s.accepted} | ${s.refused} | ${s.exported} | ${s.exportFailed} | ${s.non200} | ${s.p95Ms.toFixed(1)} | ${s.zeroLoss ? "yes" : "**no**"} |`,
      );
    }
    const per = Object.entries(g.payloadItems).map(([k, n]) => `${k} ${n} items / ${g.payloadBytes[k as keyof typeof g.payloadBytes]} B`).join(", ");
    // A step the generator could not keep (exports not sent) proves nothing either way about the gateway.
    const last = g.steps.at(-1);
    const end = !g.refusesAt ? "; no step lost data" : last && last.droppedIterations > 0 ? `; at ${g.refusesAt}/s the generator could not keep the rate (this machine's limit, not necessarily the gateway's)` : `; loss from ${g.refusesAt}/s`;
    out.push("", `Highest zero-loss rate: **${g.zeroLossRate} exports/s** (${g.zeroLossItemsPerSecond} items/s)${end}. Payloads: ${per}.`, "");
  }
  if (o) {
    out.push(
      `## Overhead of server telemetry (budget: < ${BUDGET.latencyMs} ms per request, < ${BUDGET.memoryMb} MB)`,
      "",
      `Load: ${o.generator}.`,
      "",
      "| telemetry | requests | P95 ms | P99 ms | avg ms | CPU % of a core | RSS idle MB | RSS peak MB | RSS mean MB |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const r of [o.off, o.on]) {
      out.push(`| ${r.telemetry} | ${r.requests} | ${r.p95Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.avgMs.toFixed(2)} | ${r.cpuPercentOfCore} | ${r.rssIdleMb} | ${r.rssPeakMb} | ${r.rssMeanMb} |`);
    }
    out.push(
      "",
      `Delta: P95 ${o.deltaP95Ms} ms (${o.withinBudget.latency ? "within" : "OVER"} budget), P99 ${o.deltaP99Ms} ms, RSS peak ${o.deltaRssPeakMb} MB (${o.withinBudget.memory ? "within" : "OVER"} budget), CPU ${o.deltaCpuPercent} points.`,
      "",
    );
  }
  return `${out.join("\n")}\n`;
}
