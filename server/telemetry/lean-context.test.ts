// LeanContext behaves as the API's Context (immutable, keyed by symbol), carries no closures of
// its own (what made V8 promote every request's telemetry, lean-context.ts), and with the
// server's telemetry started no request creates one of the API's closure-carrying contexts.
import { ROOT_CONTEXT, context, createContextKey } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { startInMemoryTelemetry } from "../testing/in-memory-telemetry.ts";
import type { InMemoryTelemetry } from "../testing/in-memory-telemetry.ts";
import { api, signUp, testConfig } from "../testing/test-server.ts";
import { LEAN_ROOT_CONTEXT, LeanContext } from "./lean-context.ts";

const A = createContextKey("a");
const B = createContextKey("b");
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const functionProperties = (o: object) => Object.getOwnPropertyNames(o).filter((k) => typeof (o as Record<string, unknown>)[k] === "function");

describe("LeanContext", () => {
  it("is immutable: setValue and deleteValue return new contexts and leave the old one as it was", () => {
    const one = LEAN_ROOT_CONTEXT.setValue(A, 1);
    const two = one.setValue(B, 2);
    const replaced = two.setValue(A, 3);
    const deleted = replaced.deleteValue(A);
    expect([one.getValue(A), one.getValue(B)]).toEqual([1, undefined]);
    expect([two.getValue(A), two.getValue(B)]).toEqual([1, 2]);
    expect([replaced.getValue(A), replaced.getValue(B)]).toEqual([3, 2]);
    expect([deleted.getValue(A), deleted.getValue(B)]).toEqual([undefined, 2]);
    expect(LEAN_ROOT_CONTEXT.getValue(A)).toBeUndefined();
    expect(deleted.deleteValue(A)).toBe(deleted);
  });

  it("has no functions of its own, where the API's context has three per instance", () => {
    expect(functionProperties(LEAN_ROOT_CONTEXT.setValue(A, 1).setValue(B, 2))).toEqual([]);
    expect(functionProperties(ROOT_CONTEXT.setValue(A, 1)).sort()).toEqual(["deleteValue", "getValue", "setValue"]);
  });
});

describe("with the server's telemetry started", () => {
  let t: InMemoryTelemetry;
  let server: ChatServer;
  beforeAll(async () => {
    const config = testConfig();
    t = startInMemoryTelemetry(config);
    server = await startChatServer(config, t.running.telemetry);
  });
  afterAll(async () => {
    await server.close();
    await t.running.shutdown();
  });

  it("nothing active is a LeanContext, and no request derives a context from the API's ROOT_CONTEXT", async () => {
    expect(context.active()).toBe(LEAN_ROOT_CONTEXT);
    const { token } = await signUp(server.url, "lean");
    const fromRoot = [vi.spyOn(ROOT_CONTEXT, "setValue"), vi.spyOn(ROOT_CONTEXT, "deleteValue")];
    const lean = vi.spyOn(LeanContext.prototype, "setValue");
    try {
      expect((await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: "lean" }, headers: { traceparent: TRACEPARENT } })).status).toBe(201);
      expect((await api(server.url, "GET", "/api/chatrooms")).status).toBe(200);
      await vi.waitFor(() => expect(t.spans.getFinishedSpans().filter((s) => s.name === "POST /api/chatrooms/:id/messages")).toHaveLength(1));
      expect(fromRoot.map((s) => s.mock.calls.length)).toEqual([0, 0]);
      // The caller's span context extracted onto the lean root (first request), and each
      // request's server span set on its context.
      expect(lean.mock.calls.length).toBeGreaterThanOrEqual(3);
    } finally {
      for (const s of [...fromRoot, lean]) s.mockRestore();
    }
  });
});
