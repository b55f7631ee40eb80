// Stub of the `k6` module: check and fail as k6 has them, checks recorded in the stub state.
import { stubState } from "./state.ts";

export function check<T>(value: T, sets: Record<string, (v: T) => boolean>, _tags?: object): boolean {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    let ok: boolean;
    try {
      ok = Boolean(fn(value));
    } catch {
      ok = false; // k6 counts a throwing check as failed
    }
    stubState().checks.push({ name, ok });
    all &&= ok;
  }
  return all;
}

export function fail(message?: string): never {
  throw new Error(message ?? "fail()");
}

export function group<T>(_name: string, fn: () => T): T {
  return fn();
}

/** k6's sleep blocks the VU; so does this one. */
export function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

export default { check, fail, group, sleep };
