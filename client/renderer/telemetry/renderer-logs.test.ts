// Seed 001's event / metric / vital records as the renderer buffers and sends them, and the
// web-vitals arithmetic (ratings, CLS session windows, INP's one-in-50 rule).
import { describe, expect, it } from "vitest";
import type { RendererLogRecord } from "../../telemetry/types.ts";
import { PerfWindow, RendererLogs } from "./renderer-logs.ts";
import { ClsAccumulator, InpAccumulator, rateVital } from "./web-vitals.ts";

function logsWith(enabled = true) {
  const calls: RendererLogRecord[][] = [];
  const logs = new RendererLogs(async (r) => void calls.push(r), () => enabled, () => 1_000);
  return { logs, calls };
}

describe("RendererLogs", () => {
  it("sends event, metric and vital records with the catalog's attribute keys in one batch", async () => {
    const { logs, calls } = logsWith();
    logs.action("join_chatroom", "chat");
    logs.perf("chat_render", 12.5, "ms");
    logs.vital("LCP", 4800, "poor");
    await logs.flush();
    expect(calls).toEqual([
      [
        { type: "event", severity: "info", body: "join_chatroom", attributes: { action: "join_chatroom", area: "chat" }, timeUnixMs: 1_000 },
        { type: "metric", severity: "info", body: "chat_render", attributes: { metric_name: "chat_render", value: 12.5, unit: "ms" }, timeUnixMs: 1_000 },
        { type: "vital", severity: "info", body: "LCP 4800 (poor)", attributes: { vital_name: "LCP", value: 4800, rating: "poor" }, timeUnixMs: 1_000 },
      ],
    ]);
    await logs.flush();
    expect(calls).toHaveLength(1); // nothing buffered, no call
  });

  it("buffers nothing while telemetry is off", async () => {
    const { logs, calls } = logsWith(false);
    logs.action("join_chatroom", "chat");
    await logs.flush();
    expect(calls).toEqual([]);
  });

  it("is bounded: past 512 buffered records new ones are dropped and counted", () => {
    const { logs } = logsWith();
    for (let i = 0; i < 600; i++) logs.action("hide_message", "chat");
    expect(logs.buffered).toBe(512);
    expect(logs.dropped).toBe(88);
  });
});

describe("PerfWindow", () => {
  it("reports one metric record per window: the p95 in ms, none for an empty window", async () => {
    const { logs, calls } = logsWith();
    const w = new PerfWindow("chat_render");
    for (let i = 1; i <= 100; i++) w.observe(i);
    w.report(logs);
    w.report(logs); // new window, nothing observed
    await logs.flush();
    expect(calls.flat().map((r) => r.attributes)).toEqual([{ metric_name: "chat_render", value: 95, unit: "ms" }]);
    expect(calls.flat()[0]?.body).toBe("chat_render p95 over 100 render(s)");
  });
});

describe("web vitals", () => {
  it("rates with web.dev's thresholds, boundaries included in the better band", () => {
    expect([rateVital("LCP", 2500), rateVital("LCP", 2501), rateVital("LCP", 4001)]).toEqual(["good", "needs-improvement", "poor"]);
    expect([rateVital("CLS", 0.1), rateVital("CLS", 0.25), rateVital("CLS", 0.26)]).toEqual(["good", "needs-improvement", "poor"]);
    expect([rateVital("INP", 200), rateVital("INP", 500), rateVital("INP", 501)]).toEqual(["good", "needs-improvement", "poor"]);
  });

  it("CLS is the largest session window; shifts after input and gaps of 1 s start over", () => {
    const cls = new ClsAccumulator();
    cls.add({ value: 0.05, startTime: 100, hadRecentInput: false });
    cls.add({ value: 0.05, startTime: 600, hadRecentInput: false }); // same window: 0.1
    cls.add({ value: 0.5, startTime: 700, hadRecentInput: true }); // ignored
    cls.add({ value: 0.02, startTime: 2000, hadRecentInput: false }); // > 1 s gap: new window
    expect(cls.value).toBeCloseTo(0.1);
    // A window closes after 5 s even without a gap.
    const long = new ClsAccumulator();
    for (let t = 0; t <= 6000; t += 500) long.add({ value: 0.01, startTime: t, hadRecentInput: false });
    expect(long.value).toBeCloseTo(0.1); // 10 shifts in [0, 4500], then a new window
  });

  it("INP: an interaction's longest event; the worst interaction, ignoring one per 50", () => {
    const inp = new InpAccumulator();
    expect(inp.value).toBeUndefined();
    inp.add({ interactionId: 0, duration: 900 }); // not an interaction
    inp.add({ interactionId: 1, duration: 40 });
    inp.add({ interactionId: 1, duration: 120 });
    inp.add({ interactionId: 2, duration: 80 });
    expect(inp.value).toBe(120);
    for (let id = 3; id < 53; id++) inp.add({ interactionId: id, duration: id === 10 ? 600 : 24 });
    // 52 interactions: the single worst (600) is ignored.
    expect(inp.value).toBe(120);
  });
});
