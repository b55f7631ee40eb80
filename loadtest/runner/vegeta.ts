// The CI's HTTP load generator: vegeta (MIT; stack/runner/tools.ts builds it), an open-model
// constant-arrival-rate attacker like k6's constant-arrival-rate executor. k6 itself is AGPL and
// never built or run here.
//
// One attack sends exactly `requests` requests spread evenly over `seconds`
// (`-rate=<requests>/<seconds>s -duration=<seconds>s`). Targets vary per request (trace ids,
// payload ids), so they are generated here and streamed to vegeta's stdin in its JSON target
// format (`-format=json -lazy`: one {method, url, header, body(base64)} per line, read one per
// hit), with backpressure, so a target is built just before it is sent. vegeta reads targets in
// order: when it falls behind (all `-max-workers` busy) and the duration ends, the first `sent`
// targets are exactly the ones sent. The binary results go to a file and are read back through
// `vegeta encode --to json`, one JSON line per request, into per-request callbacks and latency
// statistics computed here. Besides each target's own headers vegeta adds only X-Vegeta-Seq.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ensureVegeta, VEGETA_VERSION } from "../../stack/runner/tools.ts";
import { SUMMARY_TREND_STATS } from "../lib/summary.ts";

/** What sends the CI's HTTP load, for reports. */
export const HTTP_GENERATOR = `vegeta ${VEGETA_VERSION} (constant arrival rate)`;

export interface HttpTarget {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

/** One request vegeta sent, from its JSON results. */
export interface Hit {
  readonly seq: number;
  /** HTTP status; 0 when no response came (connection error, timeout). */
  readonly code: number;
  readonly timestampMs: number;
  readonly latencyMs: number;
  /** Transport error or, for statuses outside 2xx/3xx, the status line. */
  readonly error: string;
  readonly method: string;
  readonly url: string;
  /** First MAX_BODY_BYTES of the response body, base64. */
  readonly body: string;
}

export interface AttackOptions {
  /** Names the results file in workDir. */
  readonly name: string;
  readonly workDir: string;
  /** Exactly this many requests... */
  readonly requests: number;
  /** ...spread evenly over this many seconds. */
  readonly seconds: number;
  /** Request k (0-based), built just before vegeta reads it. */
  readonly target: (k: number) => HttpTarget;
  /** Workers up front, and at most (k6's preAllocatedVUs and maxVUs). */
  readonly concurrency: { readonly initial: number; readonly max: number };
  /** Called once per request sent, in the order vegeta finished them. */
  readonly onHit?: (hit: Hit) => void;
  /** Per-request timeout, seconds (vegeta's default 30). */
  readonly timeoutS?: number;
}

export interface AttackResult {
  /** Requests asked for. */
  readonly planned: number;
  /** Requests vegeta sent: the first `sent` targets. Fewer than planned = it fell behind (k6's dropped iterations). */
  readonly sent: number;
  /** Requests per second vegeta kept up between its first and last request. */
  readonly achievedRate: number;
  /** Latency statistics in ms, keyed like k6's trend summary: avg, min, med, max, p(90), p(95), p(99). */
  readonly latencyMs: Readonly<Record<string, number>>;
  readonly firstMs: number;
  readonly lastMs: number;
}

/** Response bytes kept per request: enough to say why a request failed. */
const MAX_BODY_BYTES = 512;
/** vegeta's result when it asked for one target more than we wrote; not a request. */
const NO_TARGETS = "no targets to attack";

interface VegetaJsonResult {
  seq: number;
  code: number;
  timestamp: string;
  latency: number;
  error: string;
  body: string | null;
  method: string;
  url: string;
}

/** One line of vegeta's JSON target format. */
function targetLine(t: HttpTarget): string {
  const header = Object.fromEntries(Object.entries(t.headers).map(([k, v]) => [k, [v]]));
  const line: Record<string, unknown> = { method: t.method, url: t.url, header };
  if (t.body !== null) line["body"] = Buffer.from(t.body).toString("base64");
  return `${JSON.stringify(line)}\n`;
}

export async function attack(opts: AttackOptions): Promise<AttackResult> {
  const vegeta = await ensureVegeta();
  if (!Number.isInteger(opts.requests) || opts.requests < 1) throw new Error(`attack ${opts.name}: requests must be a positive integer, got ${opts.requests}`);
  if (!Number.isInteger(opts.seconds) || opts.seconds < 1) throw new Error(`attack ${opts.name}: seconds must be a positive integer, got ${opts.seconds}`);
  await mkdir(opts.workDir, { recursive: true });
  const resultsFile = join(opts.workDir, `${opts.name}.results.bin`);
  await rm(resultsFile, { force: true });
  const args = [
    "attack",
    "-format=json",
    "-lazy",
    "-targets=stdin",
    `-rate=${opts.requests}/${opts.seconds}s`,
    `-duration=${opts.seconds}s`,
    `-workers=${opts.concurrency.initial}`,
    `-max-workers=${opts.concurrency.max}`,
    `-max-body=${MAX_BODY_BYTES}`,
    `-timeout=${opts.timeoutS ?? 30}s`,
    `-output=${resultsFile}`,
  ];
  const child = spawn(vegeta, args, { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4_000)));
  const exited = new Promise<number>((resolve, reject) => {
    child.once("error", (err) => reject(new Error(`cannot run ${vegeta}: ${err.message}`)));
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  // vegeta stops reading when the duration ends; what is still unwritten then is not sent.
  child.stdin.on("error", () => undefined);
  let done = false;
  void exited.finally(() => (done = true)).catch(() => undefined);
  try {
    for (let k = 0; k < opts.requests && !done; k++) {
      if (!child.stdin.write(targetLine(opts.target(k)))) {
        await Promise.race([once(child.stdin, "drain"), exited]).catch(() => undefined);
      }
    }
  } catch (err) {
    // A target that cannot be built ends the attack; vegeta would otherwise wait on stdin.
    child.kill("SIGKILL");
    throw err;
  } finally {
    child.stdin.end();
  }
  const code = await exited;
  if (code !== 0) throw new Error(`vegeta ${args.join(" ")} exited with ${code}: ${stderr.trim()}`);
  return readResults(vegeta, resultsFile, opts);
}

async function readResults(vegeta: string, resultsFile: string, opts: AttackOptions): Promise<AttackResult> {
  const encode = spawn(vegeta, ["encode", "--to", "json", resultsFile], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  encode.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4_000)));
  const exited = new Promise<number>((resolve, reject) => {
    encode.once("error", (err) => reject(new Error(`cannot run ${vegeta} encode: ${err.message}`)));
    encode.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const latencies: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for await (const line of createInterface({ input: encode.stdout, crlfDelay: Infinity })) {
    if (!line) continue;
    const r = JSON.parse(line) as VegetaJsonResult;
    if (r.code === 0 && r.error.includes(NO_TARGETS)) continue;
    const hit: Hit = {
      seq: r.seq,
      code: r.code,
      timestampMs: Date.parse(r.timestamp),
      latencyMs: r.latency / 1e6,
      error: r.error,
      method: r.method,
      url: r.url,
      body: r.body ?? "",
    };
    latencies.push(hit.latencyMs);
    first = Math.min(first, hit.timestampMs);
    last = Math.max(last, hit.timestampMs);
    opts.onHit?.(hit);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`vegeta encode ${resultsFile} exited with ${code}: ${stderr.trim()}`);
  const sent = latencies.length;
  return {
    planned: opts.requests,
    sent,
    // n requests on schedule are n-1 intervals apart.
    achievedRate: sent > 1 && last > first ? (sent - 1) / ((last - first) / 1000) : 0,
    latencyMs: trendValues(latencies),
    firstMs: Number.isFinite(first) ? first : 0,
    lastMs: Number.isFinite(last) ? last : 0,
  };
}

/** Percentile of sorted values, linearly interpolated between closest ranks (as k6's trends). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (rank - lo);
}

/** The trend statistics every summary carries (SUMMARY_TREND_STATS), over `values`. */
export function trendValues(values: readonly number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const stat of SUMMARY_TREND_STATS) {
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
    if (p) out[stat] = percentile(sorted, Number(p[1]));
    else if (stat === "avg") out[stat] = sorted.length > 0 ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0;
    else if (stat === "min") out[stat] = sorted[0] ?? 0;
    else if (stat === "max") out[stat] = sorted.at(-1) ?? 0;
    else if (stat === "med") out[stat] = percentile(sorted, 50);
  }
  return out;
}
