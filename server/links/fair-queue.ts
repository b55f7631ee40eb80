// Admission and ordering of link work. Each owner (the user who posted the link) has a FIFO
// queue; workers take from the owners in turn (round robin), so one user's flood waits behind
// itself and another user's link is next after at most one item per busy owner. Admission is
// bounded per owner and in total, counting queued and in-flight items alike.

export interface FairQueueLimits {
  /** Items of one owner queued or in flight. */
  readonly perOwner: number;
  /** Items queued or in flight across all owners. */
  readonly total: number;
}

export type Refusal = "owner_limit" | "total_limit";

export class FairQueue<T> {
  readonly #limits: FairQueueLimits;
  /** Owners with queued items; Map order is the round-robin order. */
  readonly #queues = new Map<string, T[]>();
  /** Queued + in-flight items per owner. */
  readonly #load = new Map<string, number>();
  #total = 0;
  #queued = 0;

  constructor(limits: FairQueueLimits) {
    this.#limits = limits;
  }

  /** Items waiting (not yet taken). */
  get queued(): number {
    return this.#queued;
  }

  /** Which bound would refuse another item of `owner`, or undefined if it would be queued. */
  refusal(owner: string): Refusal | undefined {
    if ((this.#load.get(owner) ?? 0) >= this.#limits.perOwner) return "owner_limit";
    if (this.#total >= this.#limits.total) return "total_limit";
    return undefined;
  }

  /** Queues `item` for `owner`; check refusal() first, as a refused push throws. */
  push(owner: string, item: T): void {
    const refused = this.refusal(owner);
    if (refused !== undefined) throw new Error(`queue refused an item of ${owner}: ${refused}`);
    this.#load.set(owner, (this.#load.get(owner) ?? 0) + 1);
    this.#total++;
    this.#queued++;
    const queue = this.#queues.get(owner);
    if (queue === undefined) this.#queues.set(owner, [item]);
    else queue.push(item);
  }

  /** The next item in round-robin order; call done(owner) when its work has finished. */
  take(): { readonly owner: string; readonly item: T } | undefined {
    const next = this.#queues.entries().next();
    if (next.done === true) return undefined;
    const [owner, queue] = next.value;
    const item = queue.shift() as T;
    // Re-inserting moves the owner to the back of the turn order.
    this.#queues.delete(owner);
    if (queue.length > 0) this.#queues.set(owner, queue);
    this.#queued--;
    return { owner, item };
  }

  /** Releases the admission slot of an item taken for `owner`. */
  done(owner: string): void {
    const load = (this.#load.get(owner) ?? 1) - 1;
    if (load <= 0) this.#load.delete(owner);
    else this.#load.set(owner, load);
    this.#total--;
  }
}
