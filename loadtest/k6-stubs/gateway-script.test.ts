// loadtest/gateway.ts, bundled against the k6 stubs and run in Node against a tiny OTLP/HTTP
// receiver (otlp-recorder.ts, its own process): options from the profile module, a readiness
// export in setup, then per iteration one export of the plan's payload with its ids filled in.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constantRate } from "../lib/profiles.ts";
import type { GatewayConfig } from "../lib/run-configs.ts";
import { GATEWAY_THRESHOLDS } from "../lib/thresholds.ts";
import { gatewayPayloads } from "../runner/gateway-payloads.ts";
import { loadK6Script, type K6Script } from "./load-script.ts";
import type { RecordedExport } from "./otlp-recorder.ts";
import { stubState } from "./state.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

async function startRecorder(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(HERE, "otlp-recorder.ts")], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once("exit", (code) => reject(new Error(`otlp-recorder exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

describe("loadtest/gateway.ts under the k6 stubs", () => {
  let recorder: { url: string; child: ChildProcess };
  let dir: string;
  let cfg: GatewayConfig;
  let script: K6Script;

  beforeAll(async () => {
    recorder = await startRecorder();
    dir = await mkdtemp(join(tmpdir(), "beacon-k6-gateway-"));
    cfg = { otlpUrl: recorder.url, runId: "0123456789abcdef", rate: 40, seconds: 3, payloads: gatewayPayloads() };
    await writeFile(join(dir, "config.json"), JSON.stringify(cfg));
    script = await loadK6Script("gateway.ts", { RUN_CONFIG: join(dir, "config.json") });
  });
  afterAll(async () => {
    recorder?.child.kill("SIGTERM");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs one constant-rate scenario at the configured rate, with 25 VUs per 100 exports/s", () => {
    expect(script.options.scenarios).toEqual({ gateway: constantRate("exportBatch", 40, 3, "0s", 25) });
    expect(script.options.scenarios["gateway"]).toMatchObject({ executor: "constant-arrival-rate", rate: 40, duration: "3s", preAllocatedVUs: 10, maxVUs: 20 });
    expect(script.options.thresholds).toEqual({ ...GATEWAY_THRESHOLDS, beacon_otlp_items_sent: ["count>=0"], beacon_otlp_items_accepted: ["count>=0"] });
  });

  it("checks readiness, then posts the payloads in turn with per-request ids and counts their items", async () => {
    const state = stubState();
    (script["setup"] as () => void)();
    for (let i = 0; i < 6; i++) {
      state.iterationInTest = i;
      (script["exportBatch"] as () => void)();
    }
    expect(state.requests.map((r) => [r.method, r.url.slice(recorder.url.length), r.status, r.headers["content-type"], r.tags["signal"]])).toEqual([
      ["POST", "/v1/traces", 200, "application/json", undefined],
      ["POST", "/v1/traces", 200, "application/json", "traces"],
      ["POST", "/v1/metrics", 200, "application/json", "metrics"],
      ["POST", "/v1/logs", 200, "application/json", "logs"],
      ["POST", "/v1/traces", 200, "application/json", "traces"],
      ["POST", "/v1/metrics", 200, "application/json", "metrics"],
      ["POST", "/v1/logs", 200, "application/json", "logs"],
    ]);
    expect(state.checks).toEqual(Array.from({ length: 6 }, () => ({ name: "export accepted (200)", ok: true })));
    const items = Object.fromEntries(cfg.payloads.map((p) => [p.signal, p.items]));
    const sent = state.samples.filter((s) => s.metric === "beacon_otlp_items_sent");
    expect(sent.map((s) => [s.value, s.tags["signal"]])).toEqual(["traces", "metrics", "logs", "traces", "metrics", "logs"].map((s) => [items[s], s]));
    expect(state.samples.filter((s) => s.metric === "beacon_otlp_items_accepted")).toHaveLength(6);

    // What the receiver got: the readiness export, then bodies with run id and iteration filled in.
    const recorded = (await (await fetch(`${recorder.url}/recorded`)).json()) as RecordedExport[];
    expect(recorded.map((r) => r.path)).toEqual(["/v1/traces", "/v1/traces", "/v1/metrics", "/v1/logs", "/v1/traces", "/v1/metrics", "/v1/logs"]);
    expect(JSON.parse(recorded[0]?.body ?? "")).toEqual({ resourceSpans: [] });
    for (const r of recorded.slice(1)) expect(r.body).not.toMatch(/__[A-Z0-9]+__/);
    const traces = JSON.parse(recorded[4]?.body ?? "") as { resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[] };
    const spans = traces.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(spans).toHaveLength(items["traces"] ?? -1);
    expect(spans[0]).toMatchObject({ traceId: "0123456789abcdef0000000000000003", spanId: "0000000000000003" });
    expect(spans[1]?.spanId).toBe("0100000000000003");
  });
});
