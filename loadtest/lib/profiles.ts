// Load shapes, one place for every load generator (quickpizza style): each profile names a shape
// per test kind. The k6 scripts build scenarios from them with an explicit `exec`; the CI's own
// runs (loadtest/runner/, vegeta + ws) read the very same shapes, so the two cannot drift.
// `smoke` is what CI runs (short, proves the wiring); the others run on demand.

export type ProfileName = "smoke" | "average" | "stress" | "soak";
export const PROFILES: readonly ProfileName[] = ["smoke", "average", "stress", "soak"];

/** Validation: a fixed rate for a fixed count, so every count is known exactly. */
export interface ValidationShape {
  /** Messages posted per second (iterations of the validation plan per second). */
  readonly rate: number;
  /** Seconds of posting; messages = rate * seconds. */
  readonly seconds: number;
  /** WebSocket subscribers that receive every message. */
  readonly subscribers: number;
}

/** Overhead: the same HTTP load against the server with telemetry off, then on. */
export interface OverheadShape {
  /** Iterations per second (a chatroom read and a message post each). */
  readonly rate: number;
  readonly seconds: number;
}

/** Gateway capacity: OTLP/HTTP export requests per second, one step after another. */
export interface GatewayShape {
  readonly steps: readonly number[];
  readonly secondsPerStep: number;
}

export interface Profile {
  readonly validation: ValidationShape;
  readonly overhead: OverheadShape;
  readonly gateway: GatewayShape;
}

export const PROFILE_SHAPES: Readonly<Record<ProfileName, Profile>> = {
  smoke: {
    validation: { rate: 10, seconds: 10, subscribers: 2 },
    overhead: { rate: 50, seconds: 15 },
    gateway: { steps: [25, 100], secondsPerStep: 8 },
  },
  average: {
    validation: { rate: 20, seconds: 60, subscribers: 5 },
    overhead: { rate: 100, seconds: 60 },
    gateway: { steps: [50, 100, 200, 400, 800, 1600], secondsPerStep: 20 },
  },
  stress: {
    validation: { rate: 100, seconds: 60, subscribers: 10 },
    overhead: { rate: 400, seconds: 60 },
    gateway: { steps: [400, 800, 1600, 3200, 6400], secondsPerStep: 20 },
  },
  soak: {
    validation: { rate: 20, seconds: 1800, subscribers: 5 },
    overhead: { rate: 100, seconds: 1800 },
    gateway: { steps: [200], secondsPerStep: 1800 },
  },
};

export function profileOf(name: string | undefined): ProfileName {
  const p = (name ?? "smoke") as ProfileName;
  if (!PROFILES.includes(p)) throw new Error(`PROFILE=${name}: expected one of ${PROFILES.join(", ")}`);
  return p;
}

/** Iterations a fixed-rate run makes: exactly rate * seconds (nothing dropped). */
export const iterationsOf = (shape: { readonly rate: number; readonly seconds: number }): number => shape.rate * shape.seconds;

/**
 * Concurrency for an open-model run at `rate` per second: `initial` pre-allocated (k6 VUs,
 * vegeta -workers) and at most `max` (k6 maxVUs, vegeta -max-workers). Loopback latency is
 * milliseconds: `perHundred` per 100/s are plenty (pre-allocated, because starting VUs mid-run
 * drops iterations); bursts may grow to rate/2.
 */
export function arrivalConcurrency(rate: number, perHundred = 10): { readonly initial: number; readonly max: number } {
  const initial = Math.max(2, Math.ceil((rate * perHundred) / 100));
  return { initial, max: Math.max(10, initial, Math.ceil(rate / 2)) };
}

/** A fixed-rate k6 scenario: exactly rate*seconds iterations unless k6 runs out of VUs (dropped_iterations). */
export function constantRate(exec: string, rate: number, seconds: number, startTime = "0s", vusPer100 = 10) {
  const { initial, max } = arrivalConcurrency(rate, vusPer100);
  return {
    executor: "constant-arrival-rate" as const,
    exec,
    rate,
    timeUnit: "1s",
    duration: `${seconds}s`,
    startTime,
    preAllocatedVUs: initial,
    maxVUs: max,
    gracefulStop: "10s",
  };
}
