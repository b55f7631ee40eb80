// The validation load of the CI's runner (vegeta + Node ws) against the real chat server, whose
// telemetry goes to a real collector: the generator sends exactly the plan, the subscribers get
// every message, and the server's own counters and sampled traces match what was sent — the
// comparison the runner makes against the stack's backends, made here on the OTLP the server sent.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS, METRICS } from "../../catalog/index.ts";
import { traceIdOf } from "../lib/trace-ids.ts";
import { startChatServerProcess } from "../../testkit/chat-server-process.ts";
import { LOADTEST_SERVER_ENV } from "../lib/server-env.ts";
import { startTestCollector, type TestCollector } from "../../testkit/collector.ts";
import { driveValidation, type ValidationLoad } from "./validation-load.ts";

const SHAPE = { rate: 10, seconds: 2, subscribers: 2 } as const;

describe("validation load (vegeta + ws) against the chat server", () => {
  let collector: TestCollector;
  let dir: string;
  let load: ValidationLoad;
  const runId = randomBytes(8).toString("hex");

  beforeAll(async () => {
    collector = await startTestCollector();
    dir = await mkdtemp(join(tmpdir(), "beacon-validation-load-"));
    const server = await startChatServerProcess({ ...LOADTEST_SERVER_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint, OTEL_TRACES_SAMPLER_ARG: "0.1", OTEL_METRIC_EXPORT_INTERVAL: "1000" });
    try {
      load = await driveValidation(server, SHAPE, runId, dir);
    } finally {
      // SIGTERM: the server flushes its telemetry before it exits.
      expect(await server.stop()).toBe(0);
    }
  });
  afterAll(async () => {
    await collector?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("sends exactly the plan, every request answered as planned", () => {
    expect(Object.fromEntries(load.expected)).toEqual({
      "/healthz GET 200": 1,
      "/api/auth/register POST 201": 1,
      "/api/auth/sign-in POST 200": 1,
      "/api/chatrooms/:id/messages POST 201": 20,
      "/api/chatrooms/:id/messages POST 400": 2,
      "/api/chatrooms/:id GET 200": 2,
      "/api/chatrooms/:id GET 404": 1,
    });
    expect(Object.fromEntries(load.sent)).toEqual(Object.fromEntries(load.expected));
    expect(load.requests).toBe(28);
    expect(load.droppedIterations).toBe(0);
    expect(load.failedThresholds).toEqual([]);
    expect(load.metrics["checks"]).toEqual({ rate: 1 });
    expect(load.achievedRate).toBeGreaterThan(0.9 * (25 / 2));
  });

  it("pushes every accepted message to every subscriber", () => {
    expect([load.wsSubscribed, load.wsReceived, load.wsErrors]).toEqual([2, 40, 0]);
  });

  it("traces every message with the run's ids, every 10th sampled", () => {
    expect(load.traces.map((t) => t.traceId)).toEqual(Array.from({ length: 20 }, (_, i) => traceIdOf(runId, i)));
    expect(load.traces.filter((t) => t.sampled).map((t) => t.traceId)).toEqual([traceIdOf(runId, 0), traceIdOf(runId, 10)]);
  });

  it("matches the server's own request counter per (route, method, status)", async () => {
    const R = LABELS.HTTP_ROUTE.name;
    const M = LABELS.HTTP_METHOD.name;
    const S = LABELS.HTTP_STATUS_CODE.name;
    const counted = async () => {
      const last = new Map<string, number>();
      for (const p of await collector.metrics()) {
        if (p.name !== METRICS.httpRequests.name) continue;
        const key = `${p.attributes[R]} ${p.attributes[M]} ${p.attributes[S]}`;
        last.set(key, Math.max(last.get(key) ?? 0, p.value ?? 0));
      }
      return Object.fromEntries([...last].sort());
    };
    const sent = JSON.stringify(Object.fromEntries([...load.sent].sort()));
    expect(await collector.waitFor(counted, (c) => JSON.stringify(c) === sent, 15_000).catch(counted)).toEqual(
      Object.fromEntries(load.sent),
    );
  });

  it("delivers the server spans of every sampled message trace (the traceparent went out with the request)", async () => {
    const sampled = load.traces.filter((t) => t.sampled).map((t) => t.traceId);
    const found = async () => new Set((await collector.spans()).map((s) => s.traceId));
    const ids = await collector.waitFor(found, (s) => sampled.every((id) => s.has(id)), 15_000).catch(found);
    expect(sampled.filter((id) => !ids.has(id))).toEqual([]);
  });

  it("writes the run config the k6 script would read for the same run", async () => {
    const cfg = JSON.parse(await readFile(join(dir, "validation.config.json"), "utf8")) as { runId: string; shape: unknown; plan: unknown[] };
    expect(cfg.runId).toBe(runId);
    expect(cfg.shape).toEqual(SHAPE);
    expect(cfg.plan).toHaveLength(7);
  });
});
