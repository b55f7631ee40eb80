// loadtest/overhead.ts, bundled against the k6 stubs and run in Node against the real chat
// server: one constant-rate scenario from the profile shape, a room read and a message post per
// iteration with the signed-in user's token.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constantRate, PROFILE_SHAPES } from "../lib/profiles.ts";
import type { OverheadConfig } from "../lib/run-configs.ts";
import { OVERHEAD_THRESHOLDS } from "../lib/thresholds.ts";
import { startChatServerProcess, type ChatServerProcess } from "../../testkit/chat-server-process.ts";
import { LOADTEST_SERVER_ENV } from "../lib/server-env.ts";
import { loadK6Script, type K6Script } from "./load-script.ts";
import { stubState } from "./state.ts";

describe("loadtest/overhead.ts under the k6 stubs", () => {
  let server: ChatServerProcess;
  let dir: string;
  let script: K6Script;
  const shape = PROFILE_SHAPES.smoke.overhead;

  beforeAll(async () => {
    server = await startChatServerProcess({ ...LOADTEST_SERVER_ENV, OTEL_SDK_DISABLED: "true" });
    dir = await mkdtemp(join(tmpdir(), "beacon-k6-overhead-"));
    const cfg: OverheadConfig = {
      baseUrl: server.url,
      shape,
      chatroomId: "1002",
      routes: { health: "/healthz", register: "/api/auth/register", signIn: "/api/auth/sign-in", messages: "/api/chatrooms/:id/messages", chatroom: "/api/chatrooms/:id" },
    };
    await writeFile(join(dir, "config.json"), JSON.stringify(cfg));
    script = await loadK6Script("overhead.ts", { RUN_CONFIG: join(dir, "config.json") });
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs the smoke profile's overhead shape as one constant-rate scenario", () => {
    expect(script.options.scenarios).toEqual({ overhead: constantRate("chat", 50, 15) });
    expect(script.options.scenarios["overhead"]).toMatchObject({ executor: "constant-arrival-rate", exec: "chat", rate: 50, duration: "15s", preAllocatedVUs: 5, maxVUs: 25 });
    expect(script.options.thresholds).toEqual(OVERHEAD_THRESHOLDS);
    expect(script.options.thresholds["http_req_duration"]).toEqual(["p(95)<250", "p(99)<500"]);
  });

  it("registers and signs in once, then reads the room and posts a message per iteration", () => {
    const state = stubState();
    const data = (script["setup"] as () => { token: string })();
    for (let i = 0; i < 3; i++) {
      state.iterationInTest = i;
      (script["chat"] as (d: { token: string }) => void)(data);
    }
    const path = (url: string) => url.slice(server.url.length);
    expect(state.requests.map((r) => [r.method, path(r.url), r.status, r.tags["route"]])).toEqual([
      ["GET", "/healthz", 200, "/healthz"],
      ["POST", "/api/auth/register", 201, "/api/auth/register"],
      ["POST", "/api/auth/sign-in", 200, "/api/auth/sign-in"],
      ...Array.from({ length: 3 }, () => [
        ["GET", "/api/chatrooms/1002", 200, "/api/chatrooms/:id"],
        ["POST", "/api/chatrooms/1002/messages", 201, "/api/chatrooms/:id/messages"],
      ]).flat(),
    ]);
    for (const post of state.requests.filter((r) => r.url.endsWith("/messages"))) {
      expect(post.headers).toEqual({ authorization: `Bearer ${data.token}`, "content-type": "application/json" });
      expect(post.body).toBe(JSON.stringify({ content: "overhead run: hello chat" }));
    }
    expect(state.checks.map((c) => c.name)).toEqual(Array.from({ length: 3 }, () => ["room read (200)", "message accepted (201)"]).flat());
    expect(state.checks.every((c) => c.ok)).toBe(true);
  });
});
