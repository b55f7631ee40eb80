import { describe, expect, it } from "vitest";
import { arrivalConcurrency, constantRate, iterationsOf, PROFILE_SHAPES, PROFILES, profileOf } from "./profiles.ts";

describe("profileOf", () => {
  it("defaults to smoke and accepts every profile name", () => {
    expect(profileOf(undefined)).toBe("smoke");
    for (const p of PROFILES) expect(profileOf(p)).toBe(p);
  });

  it("names the choices for an unknown profile", () => {
    expect(() => profileOf("heavy")).toThrow("PROFILE=heavy: expected one of smoke, average, stress, soak");
    expect(() => profileOf("")).toThrow(/PROFILE=: expected one of/);
  });
});

describe("profile shapes", () => {
  it("are whole requests per second and whole seconds (vegeta's -rate=N/Ds and k6's rate take integers)", () => {
    for (const p of PROFILES) {
      const { validation, overhead, gateway } = PROFILE_SHAPES[p];
      for (const n of [validation.rate, validation.seconds, validation.subscribers, overhead.rate, overhead.seconds, gateway.secondsPerStep, ...gateway.steps]) {
        expect(Number.isInteger(n) && n > 0, `${p}: ${n}`).toBe(true);
      }
      // Gateway steps climb, so the first loss ends the stepping at the capacity.
      expect([...gateway.steps].sort((a, b) => a - b)).toEqual(gateway.steps);
    }
  });

  it("give the smoke profile CI's exact counts", () => {
    expect(iterationsOf(PROFILE_SHAPES.smoke.validation)).toBe(100);
    expect(iterationsOf(PROFILE_SHAPES.smoke.overhead)).toBe(750);
    expect(iterationsOf(PROFILE_SHAPES.soak.validation)).toBe(36_000);
  });
});

describe("constantRate", () => {
  it("is a k6 constant-arrival-rate scenario with an explicit exec", () => {
    expect(constantRate("postMessage", 10, 10, "3s")).toEqual({
      executor: "constant-arrival-rate",
      exec: "postMessage",
      rate: 10,
      timeUnit: "1s",
      duration: "10s",
      startTime: "3s",
      preAllocatedVUs: 2,
      maxVUs: 10,
      gracefulStop: "10s",
    });
  });

  it("pre-allocates 10 VUs per 100/s (at least 2) and allows bursts to rate/2 (at least 10)", () => {
    const sizing = (rate: number, per100?: number) => {
      const s = constantRate("x", rate, 1, "0s", per100);
      return [s.preAllocatedVUs, s.maxVUs];
    };
    expect(sizing(1)).toEqual([2, 10]);
    expect(sizing(50)).toEqual([5, 25]);
    expect(sizing(400)).toEqual([40, 200]);
    expect(sizing(25, 25)).toEqual([7, 13]);
    expect(sizing(3200, 25)).toEqual([800, 1600]);
    // Never fewer maxVUs than pre-allocated ones (k6 refuses that), even at 60 VUs per 100/s.
    expect(sizing(100, 60)).toEqual([60, 60]);
  });

  it("sizes vegeta's workers exactly like k6's VUs", () => {
    for (const [rate, per100] of [[10, 10], [125, 10], [3200, 25], [7, 25]] as const) {
      const s = constantRate("x", rate, 1, "0s", per100);
      expect(arrivalConcurrency(rate, per100)).toEqual({ initial: s.preAllocatedVUs, max: s.maxVUs });
    }
  });
});
