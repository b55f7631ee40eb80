import { describe, expect, it } from "vitest";
import { failedThresholds, GATEWAY_THRESHOLDS, OVERHEAD_THRESHOLDS, thresholdHolds, validationThresholds } from "./thresholds.ts";

describe("thresholds", () => {
  it("evaluate k6's aggregations and operators", () => {
    const v = { count: 3, rate: 0, "p(95)": 499.9, "p(99)": 1000, avg: 2 };
    expect(thresholdHolds("rate==0", v)).toBe(true);
    expect(thresholdHolds("count==3", v)).toBe(true);
    expect(thresholdHolds("count===4", v)).toBe(false);
    expect(thresholdHolds("p(95)<500", v)).toBe(true);
    expect(thresholdHolds("p(99)<1000", v)).toBe(false);
    expect(thresholdHolds("p(99)<=1000", v)).toBe(true);
    expect(thresholdHolds("avg > 1.5", v)).toBe(true);
    expect(thresholdHolds("count!=3", v)).toBe(false);
    expect(thresholdHolds("count>=0", {})).toBe(true);
  });

  it("reject what k6 would reject", () => {
    expect(() => thresholdHolds("p95<500", {})).toThrow(/expected <aggregation> <operator> <number>/);
    expect(() => thresholdHolds("rate=0", {})).toThrow();
  });

  it("name every failed one as metric: expression", () => {
    const metrics = {
      http_req_failed: { rate: 0.01 },
      checks: { rate: 0.99 },
      http_req_duration: { "p(95)": 12, "p(99)": 1200 },
      dropped_iterations: { count: 0 },
      beacon_ws_subscriptions: { count: 1 },
      beacon_ws_errors: { count: 0 },
    };
    expect(failedThresholds(validationThresholds(2), metrics)).toEqual([
      "http_req_failed: rate==0",
      "checks: rate==1",
      "http_req_duration: p(99)<1000",
      "beacon_ws_subscriptions: count==2",
    ]);
    expect(failedThresholds(validationThresholds(1), { ...metrics, http_req_failed: { rate: 0 }, checks: { rate: 1 }, http_req_duration: { "p(95)": 1, "p(99)": 2 } })).toEqual([]);
  });

  it("are the ones the scripts always had", () => {
    expect(GATEWAY_THRESHOLDS["http_req_duration"]).toEqual(["p(95)<1000", "p(99)<2000"]);
    expect(OVERHEAD_THRESHOLDS["dropped_iterations"]).toEqual(["count==0"]);
    expect(validationThresholds(5)["beacon_ws_subscriptions"]).toEqual(["count==5"]);
  });
});
