// Load shapes, one place for every k6 script (quickpizza style): each profile names a shape
// per test kind, and the scripts build scenarios from them with an explicit `exec`.
// `smoke` is what CI runs (short, proves the wiring); the others run on demand.

export type ProfileName = "smoke" | "average" | "stress" | "soak";
export const PROFILES: readonly ProfileName[] = ["smoke", "average", "stress", "soak"];

/** Validation: a fixed rate for a fixed count, so every count is known exactly. */
export interface ValidationShape {
  /** Messages posted per second. */
  readonly rate: number;
  /** Seconds of posting; messages = rate * seconds. */
  readonly seconds: number;
  /** WebSocket subscribers that receive every message. */
  readonly subscribers: number;
}

/** Overhead: the same HTTP load against the server with telemetry off, then on. */
export interface OverheadShape {
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

/** A fixed-rate scenario: exactly rate*seconds iterations unless k6 runs out of VUs (dropped_iterations). */
export function constantRate(exec: string, rate: number, seconds: number, startTime = "0s", vusPer100 = 10) {
  return {
    executor: "constant-arrival-rate" as const,
    exec,
    rate,
    timeUnit: "1s",
    duration: `${seconds}s`,
    startTime,
    // Loopback latency is milliseconds: `vusPer100` VUs per 100 req/s are plenty (pre-allocated,
    // because starting VUs mid-run drops iterations); allow bursts up to rate/2.
    preAllocatedVUs: Math.max(2, Math.ceil((rate * vusPer100) / 100)),
    maxVUs: Math.max(10, Math.ceil(rate / 2)),
    gracefulStop: "10s",
  };
}
