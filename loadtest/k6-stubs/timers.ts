// Stub of `k6/timers`: setTimeout records the callback and its delay instead of scheduling it;
// the test fires it when it chooses (fireTimers), after asserting the delay.
import { stubState } from "./state.ts";

export function setTimeout(fn: () => void, delayMs: number): number {
  const timers = stubState().timers;
  timers.push({ delayMs, fn });
  return timers.length;
}

export function clearTimeout(_id: number): void {}
