import { describe, expect, it } from "vitest";
import { fillPayload, gatewayExport, itemsOf, ITER, ITER14, NOW_NS, RUN, type GatewayPayload } from "./gateway-plan.ts";

const payloads: GatewayPayload[] = [
  { signal: "traces", body: `{"t":"${RUN}${ITER}","s":"00${ITER14}","at":"${NOW_NS}"}`, items: 10 },
  { signal: "metrics", body: `{"m":"${RUN}${ITER}"}`, items: 32 },
  { signal: "logs", body: `{"l":"${RUN}"}`, items: 5 },
];

describe("gateway plan", () => {
  it("fills run id, request id (16 and last 14 hex digits) and the request time in ns", () => {
    expect(fillPayload(payloads[0]!.body, "0123456789abcdef", 0x1f2, 1_766_397_600_123)).toBe(
      '{"t":"0123456789abcdef00000000000001f2","s":"00000000000001f2","at":"1766397600123000000"}',
    );
  });

  it("cycles traces, metrics, logs and posts each to its OTLP/HTTP path", () => {
    const seq = Array.from({ length: 7 }, (_, i) => gatewayExport(payloads, "0123456789abcdef", i, 0));
    expect(seq.map((e) => [e.path, e.items])).toEqual([
      ["/v1/traces", 10],
      ["/v1/metrics", 32],
      ["/v1/logs", 5],
      ["/v1/traces", 10],
      ["/v1/metrics", 32],
      ["/v1/logs", 5],
      ["/v1/traces", 10],
    ]);
    expect(seq[6]?.headers).toEqual({ "content-type": "application/json" });
    expect(seq[3]?.body).toContain("0123456789abcdef0000000000000003");
  });

  it("counts the items of the first n exports like summing them one by one", () => {
    for (const n of [0, 1, 2, 3, 4, 100, 101, 3200 * 10]) {
      let total = 0;
      for (let i = 0; i < n; i++) total += gatewayExport(payloads, "r", i, 0).items;
      expect(itemsOf(payloads, n).total, `n=${n}`).toBe(total);
    }
    expect(itemsOf(payloads, 4).bySignal).toEqual({ traces: 20, metrics: 32, logs: 5 });
  });

  it("refuses to plan without payloads", () => {
    expect(() => gatewayExport([], "r", 0, 0)).toThrow("no payloads");
  });
});
