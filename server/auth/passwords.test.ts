// The password KDF: scrypt at the default cost runs off the event loop (timers keep firing
// while it works), an unknown user costs the same work as a wrong password, and the queue of
// waiting derivations is bounded.
import { describe, expect, it } from "vitest";
import { DEFAULT_KDF, KdfBusyError, PasswordHasher } from "./passwords.ts";

describe("PasswordHasher", () => {
  it("hashes at the default cost without stalling the event loop", async () => {
    const hasher = new PasswordHasher({ params: DEFAULT_KDF, concurrency: 2, maxQueued: 8 });
    let worstLagMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last - 5);
      last = now;
    }, 5);
    const started = performance.now();
    const hash = await hasher.hash("correct horse battery staple");
    const tookMs = performance.now() - started;
    clearInterval(timer);
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
    // The hash takes tens of milliseconds or more; the loop never waited a fraction of that.
    expect(tookMs).toBeGreaterThan(30);
    expect(worstLagMs).toBeLessThan(tookMs / 2);
    expect(await hasher.verify("correct horse battery staple", hash)).toBe(true);
    expect(await hasher.verify("correct horse battery stapl", hash)).toBe(false);
  });

  it("does the same work for an unknown user as for a wrong password", async () => {
    const hasher = new PasswordHasher({ params: { ...DEFAULT_KDF, logN: 13 }, concurrency: 1, maxQueued: 8 });
    const stored = await hasher.hash("the real password");
    await hasher.verify("warm up", undefined);
    const time = async (stored: string | undefined) => {
      const t0 = performance.now();
      expect(await hasher.verify("a wrong guess", stored)).toBe(false);
      return performance.now() - t0;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrong.push(await time(stored));
      unknown.push(await time(undefined));
    }
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.6);
    expect(median(unknown)).toBeLessThan(median(wrong) * 1.6);
  });

  it("refuses past maxQueued waiting derivations instead of queueing without end", async () => {
    const hasher = new PasswordHasher({ params: { ...DEFAULT_KDF, logN: 12 }, concurrency: 1, maxQueued: 2 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => hasher.hash(`password number ${i}`)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "rejected"]);
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(KdfBusyError);
  });
});
