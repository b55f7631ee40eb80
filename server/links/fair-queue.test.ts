import { describe, expect, it } from "vitest";
import { FairQueue } from "./fair-queue.ts";

describe("FairQueue", () => {
  it("serves owners in turn, each in its own order", () => {
    const q = new FairQueue<string>({ perOwner: 10, total: 100 });
    for (const item of ["a1", "a2", "a3"]) q.push("a", item);
    q.push("b", "b1");
    q.push("c", "c1");
    q.push("b", "b2");
    const order: string[] = [];
    for (let next = q.take(); next !== undefined; next = q.take()) order.push(next.item);
    expect(order).toEqual(["a1", "b1", "c1", "a2", "b2", "a3"]);
  });

  it("bounds each owner and the total, counting items in flight until done()", () => {
    const q = new FairQueue<number>({ perOwner: 2, total: 3 });
    q.push("a", 1);
    q.push("a", 2);
    expect(q.refusal("a")).toBe("owner_limit");
    expect(() => q.push("a", 3)).toThrow("queue refused an item of a: owner_limit");
    q.push("b", 1);
    expect(q.refusal("c")).toBe("total_limit");
    const taken = q.take();
    expect(q.refusal("a")).toBe("owner_limit"); // taken is still in flight
    q.done(taken?.owner as string);
    expect(q.refusal("a")).toBeUndefined();
    expect(q.queued).toBe(2);
  });
});
