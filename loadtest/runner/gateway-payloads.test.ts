import { describe, expect, it } from "vitest";
import { ALL_LOG_EVENTS, ALL_METRICS, ALL_SPAN_FAMILIES, CLIENT_SERVICE } from "../../catalog/index.ts";
import { traceIdOf, traceparent } from "../lib/trace-ids.ts";
import { gatewayPayloads, ITER, ITER14, LOADTEST_METRIC_PREFIX, LOADTEST_SERVICE, NOW_NS, RUN } from "./gateway-payloads.ts";

const clientOnly = <T extends { emittedBy: readonly string[] }>(xs: readonly T[]) => xs.filter((x) => x.emittedBy.some((e) => e !== "server"));

describe("gateway payloads", () => {
  const payloads = gatewayPayloads();
  const bySignal = Object.fromEntries(payloads.map((p) => [p.signal, p]));

  it("carry one item per client metric, span family and log event of the catalog", () => {
    expect(bySignal.metrics?.items).toBe(clientOnly(ALL_METRICS).length);
    expect(bySignal.traces?.items).toBe(clientOnly(ALL_SPAN_FAMILIES).length);
    expect(bySignal.logs?.items).toBe(clientOnly(ALL_LOG_EVENTS).length);
  });

  it("are valid OTLP/JSON once k6 fills the placeholders, and never use real names", () => {
    for (const p of payloads) {
      expect(p.body).toContain(NOW_NS);
      const filled = p.body.replaceAll(RUN, "0123456789abcdef").replaceAll(ITER14, "00000000000001").replaceAll(ITER, "0000000000000001").replaceAll(NOW_NS, "1766397600000000000");
      const json = JSON.parse(filled) as Record<string, { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[]>;
      const [resource] = Object.values(json)[0] ?? [];
      const service = resource?.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue;
      expect(service).toBe(LOADTEST_SERVICE);
      expect(service).not.toBe(CLIENT_SERVICE);
    }
    const names = [...bySignal.metrics!.body.matchAll(/"name":"([^"]+)","unit"/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n?.startsWith(LOADTEST_METRIC_PREFIX))).toBe(true);
    // Span ids: 2 hex digits of family index + 14 of the request = 16.
    expect(bySignal.traces!.body).toMatch(new RegExp(`"spanId":"00${ITER14}"`));
  });
});

describe("k6 trace ids", () => {
  it("are 32 hex digits and the traceparent is W3C-shaped", () => {
    const id = traceIdOf("0123456789abcdef", 255);
    expect(id).toBe("0123456789abcdef00000000000000ff");
    expect(traceparent(id, true)).toBe(`00-${id}-00000000000000ff-01`);
    expect(traceparent(traceIdOf("0123456789abcdef", 0), false)).toMatch(/^00-[0-9a-f]{32}-0000000000000001-00$/);
  });
});
