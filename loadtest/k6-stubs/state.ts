// What the k6 stubs record while a bundled k6 script runs in Node, and what the test controls
// (the iteration number). Kept on globalThis: the stubs are bundled into the script (their own
// copy of this module) while the test imports this module itself, and both must see one state.

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  /** params.tags as the script set them. */
  readonly tags: Readonly<Record<string, string>>;
  /** Statuses the script declared expected (http.expectedStatuses), if it did. */
  readonly expectedStatuses: readonly number[] | null;
  /** Status received; 0 when the request failed without a response. */
  readonly status: number;
  readonly error: string;
}

export interface RecordedCheck {
  readonly name: string;
  readonly ok: boolean;
}

export interface RecordedSample {
  readonly metric: string;
  readonly type: "counter" | "gauge" | "rate" | "trend";
  readonly value: number;
  readonly tags: Readonly<Record<string, string>>;
}

export interface RecordedTimer {
  readonly delayMs: number;
  readonly fn: () => void;
}

export interface StubState {
  /** What k6/execution reports as exec.scenario.iterationInTest. */
  iterationInTest: number;
  requests: RecordedRequest[];
  checks: RecordedCheck[];
  samples: RecordedSample[];
  /** k6/timers setTimeout calls: recorded, not scheduled; the test fires them (fireTimers). */
  timers: RecordedTimer[];
  /** Frames k6/websockets sockets sent and received, in order. */
  wsSent: string[];
  wsReceived: string[];
  /** Sockets still open or connecting. */
  wsOpen: number;
}

const KEY = Symbol.for("beacon.k6-stubs.state");

function fresh(): StubState {
  return { iterationInTest: 0, requests: [], checks: [], samples: [], timers: [], wsSent: [], wsReceived: [], wsOpen: 0 };
}

export function stubState(): StubState {
  const g = globalThis as { [KEY]?: StubState };
  g[KEY] ??= fresh();
  return g[KEY];
}

/** Forgets everything recorded; the iteration number goes back to 0. */
export function resetStubState(): void {
  Object.assign(stubState(), fresh());
}

/** Runs and forgets every recorded timer. */
export function fireTimers(): void {
  const s = stubState();
  const timers = s.timers.splice(0);
  for (const t of timers) t.fn();
}
