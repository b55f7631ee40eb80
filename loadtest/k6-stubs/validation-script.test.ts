// loadtest/validation.ts, bundled against the k6 stubs and run in Node against the real chat
// server: its options come from the profile module, and each iteration sends exactly the plan's
// requests (method, path, headers with the traceparent, body) and gets the planned statuses.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constantRate } from "../lib/profiles.ts";
import type { ValidationConfig } from "../lib/run-configs.ts";
import { validationThresholds } from "../lib/thresholds.ts";
import { LOADTEST_PASSWORD, iterationRequests } from "../lib/validation-plan.ts";
import { validationConfig } from "../runner/validation-load.ts";
import { startChatServerProcess, type ChatServerProcess } from "../../testkit/chat-server-process.ts";
import { LOADTEST_SERVER_ENV } from "../lib/server-env.ts";
import { waitFor } from "../../stack/runner/stack-wait.ts";
import { loadK6Script, type K6Script } from "./load-script.ts";
import { fireTimers, stubState } from "./state.ts";

const SHAPE = { rate: 7, seconds: 2, subscribers: 2 } as const;
/** Iterations run: 0..19 covers every branch of the plan (i % 10 === 5, 7; i % 20 === 9). */
const ITERATIONS = 20;

describe("loadtest/validation.ts under the k6 stubs", () => {
  let server: ChatServerProcess;
  let dir: string;
  let cfg: ValidationConfig;
  let script: K6Script;
  let token: string;

  beforeAll(async () => {
    server = await startChatServerProcess({ ...LOADTEST_SERVER_ENV, OTEL_SDK_DISABLED: "true" });
    dir = await mkdtemp(join(tmpdir(), "beacon-k6-validation-"));
    cfg = validationConfig(server, SHAPE, randomBytes(8).toString("hex"));
    await writeFile(join(dir, "config.json"), JSON.stringify(cfg));
    script = await loadK6Script("validation.ts", { RUN_CONFIG: join(dir, "config.json"), SUMMARY_FILE: join(dir, "summary.json") });
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("builds its scenarios and thresholds from the profile shape and the plan", () => {
    const { scenarios, thresholds } = script.options;
    expect(scenarios["messages"]).toEqual(constantRate("postMessage", SHAPE.rate, SHAPE.seconds, "3s"));
    expect(scenarios["messages"]).toMatchObject({ executor: "constant-arrival-rate", rate: 7, timeUnit: "1s", duration: "2s", preAllocatedVUs: 2, maxVUs: 10 });
    expect(scenarios["subscribers"]).toEqual({ executor: "per-vu-iterations", exec: "subscriber", vus: 2, iterations: 1, maxDuration: `${3 + 2 + 4 + 30}s` });
    for (const s of Object.values(scenarios)) expect(typeof script[s["exec"] as string]).toBe("function");
    expect(thresholds).toMatchObject(validationThresholds(2));
    expect(thresholds["beacon_ws_subscriptions"]).toEqual(["count==2"]);
    expect(thresholds["http_reqs{route:/api/chatrooms/:id/messages,method:POST,status:400}"]).toEqual(["count>=0"]);
    expect(Object.keys(thresholds).filter((k) => k.startsWith("http_reqs{"))).toHaveLength(7);
  });

  it("subscribes, registers and signs in, and sends exactly the plan per iteration with the planned statuses", async () => {
    const state = stubState();
    (script["subscriber"] as () => void)();
    (script["subscriber"] as () => void)();
    await waitFor(async () => state.samples.filter((s) => s.metric === "beacon_ws_subscriptions").length, (n) => n === 2, 10_000, 20);
    expect(state.wsSent).toEqual([
      JSON.stringify({ event: "pusher:subscribe", data: { channel: "chatrooms.1001.v2" } }),
      JSON.stringify({ event: "pusher:subscribe", data: { channel: "chatrooms.1001.v2" } }),
    ]);

    ({ token } = (script["setup"] as () => { token: string })());
    expect(token).toMatch(/\S+/);
    expect(state.requests.map((r) => [r.method, r.url.slice(server.url.length), r.status, r.tags["route"]])).toEqual([
      ["GET", "/healthz", 200, "/healthz"],
      ["POST", "/api/auth/register", 201, "/api/auth/register"],
      ["POST", "/api/auth/sign-in", 200, "/api/auth/sign-in"],
    ]);
    const account = { username: `loadtest_${cfg.runId.slice(0, 8)}`, password: LOADTEST_PASSWORD };
    expect(JSON.parse(state.requests[1]?.body ?? "")).toEqual(account);
    expect(JSON.parse(state.requests[2]?.body ?? "")).toEqual(account);

    const perIteration: (typeof state.requests)[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      state.iterationInTest = i;
      const before = state.requests.length;
      (script["postMessage"] as (d: { token: string }) => void)({ token });
      perIteration.push(state.requests.slice(before));
    }

    const auth = `Bearer ${token}`;
    const msgs = "/api/chatrooms/1001/messages";
    const shape = (i: number) => perIteration[i]?.map((r) => [r.method, r.url.slice(server.url.length), r.status]);
    // Written out for a few iterations, independently of the plan module:
    expect(shape(0)).toEqual([["POST", msgs, 201]]);
    expect(perIteration[0]?.[0]?.headers).toEqual({ authorization: auth, "content-type": "application/json", traceparent: `00-${cfg.runId}0000000000000000-0000000000000001-01` });
    expect(perIteration[0]?.[0]?.body).toBe(JSON.stringify({ content: "validation message 0" }));
    expect(perIteration[3]?.[0]?.headers["traceparent"]).toBe(`00-${cfg.runId}0000000000000003-0000000000000003-00`);
    expect(perIteration[10]?.[0]?.headers["traceparent"]).toBe(`00-${cfg.runId}000000000000000a-000000000000000a-01`);
    expect(shape(5)).toEqual([["POST", msgs, 201], ["GET", "/api/chatrooms/1001", 200]]);
    expect(shape(7)).toEqual([["POST", msgs, 201], ["POST", msgs, 400]]);
    expect(perIteration[7]?.[1]?.headers).toEqual({ authorization: auth, "content-type": "application/json" });
    expect(shape(9)).toEqual([["POST", msgs, 201], ["GET", "/api/chatrooms/no-such-room", 404]]);
    expect(shape(17)).toEqual([["POST", msgs, 201], ["POST", msgs, 400]]);
    expect(shape(19)).toEqual([["POST", msgs, 201]]);
    expect(perIteration.flat()).toHaveLength(ITERATIONS + 2 + 2 + 1);

    // ...and for every iteration, exactly what the shared plan says (the vegeta runner sends the same).
    for (let i = 0; i < ITERATIONS; i++) {
      const planned = iterationRequests(cfg, i, token);
      expect(perIteration[i]?.map((r) => ({ method: r.method, url: r.url, headers: r.headers, body: r.body, route: r.tags["route"], expected: r.expectedStatuses }))).toEqual(
        planned.map((p) => ({ method: p.method, url: server.url + p.path, headers: p.headers, body: p.body, route: p.route, expected: [p.status] })),
      );
      expect(perIteration[i]?.map((r) => r.status)).toEqual(planned.map((p) => p.status));
    }
    expect(state.checks.filter((c) => !c.ok)).toEqual([]);
    expect(state.checks).toHaveLength(3 + ITERATIONS + 2 + 2 + 1);

    // Every accepted message reaches both subscribers; they close after warm-up + run + drain.
    const chat = () => state.samples.filter((s) => s.metric === "beacon_ws_chat_messages_received").length;
    await waitFor(async () => chat(), (n) => n === ITERATIONS * 2, 10_000, 20);
    expect(state.timers.map((t) => t.delayMs)).toEqual([(3 + 2 + 4) * 1000, (3 + 2 + 4) * 1000]);
    fireTimers();
    await waitFor(async () => state.wsOpen, (n) => n === 0, 10_000, 20);
    expect(chat()).toBe(ITERATIONS * 2);
    expect(state.samples.filter((s) => s.metric === "beacon_ws_errors")).toEqual([]);
  });

  it("writes its summary to SUMMARY_FILE", () => {
    const out = script.handleSummary({ metrics: { http_reqs: { type: "counter", values: { count: 47 } } } });
    expect(Object.keys(out).sort()).toEqual([join(dir, "summary.json"), "stdout"].sort());
    expect(out["stdout"]).toContain("http_reqs: count=47");
  });
});
