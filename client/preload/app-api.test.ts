// createAppApi: one method per catalog channel, and seed 000 P1's invokeWithContext.
import { describe, expect, it } from "vitest";
import { IPC_CHANNELS } from "../../catalog/index.ts";
import { createAppApi, methodName } from "./app-api.ts";

function recordingApi() {
  const calls: { channel: string; payload: unknown }[] = [];
  const api = createAppApi(async (channel, payload) => {
    calls.push({ channel, payload });
    return "ok";
  });
  return { api, calls };
}

describe("createAppApi", () => {
  it("exposes exactly one method per catalog channel", async () => {
    const { api, calls } = recordingApi();
    for (const channel of IPC_CHANNELS) {
      const { namespace, method } = methodName(channel);
      const fn = (api as unknown as Record<string, Record<string, (p: unknown) => Promise<unknown>>>)[namespace]?.[method];
      expect(fn, channel).toBeTypeOf("function");
      await fn?.({});
    }
    expect(calls.map((c) => c.channel)).toEqual([...IPC_CHANNELS]);
    expect(methodName("telemetry:export-my-data")).toEqual({ namespace: "telemetry", method: "exportMyData" });
  });

  it("adds the renderer's carrier as _otel when a span is active, and nothing otherwise", async () => {
    const { api, calls } = recordingApi();
    await api.store.get({ key: "telemetry.enabled" });
    let carrier: Record<string, string> = {};
    api.tracing.setContextProvider(() => carrier);
    await api.store.get({ key: "telemetry.enabled" });
    carrier = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
    await api.chat.sendMessage({ chatroomId: "1", content: "hi" });
    expect(calls.map((c) => c.payload)).toEqual([
      { key: "telemetry.enabled" },
      { key: "telemetry.enabled" },
      { chatroomId: "1", content: "hi", _otel: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } },
    ]);
  });

  it("still makes the call when the context provider throws", async () => {
    const { api, calls } = recordingApi();
    api.tracing.setContextProvider(() => {
      throw new Error("broken provider");
    });
    await expect(api.updater.check()).resolves.toBe("ok");
    expect(calls).toEqual([{ channel: "updater:check", payload: {} }]);
  });

  it("is frozen: the page cannot swap a method", () => {
    const { api } = recordingApi();
    expect(Object.isFrozen(api) && Object.isFrozen(api.chat)).toBe(true);
  });
});
