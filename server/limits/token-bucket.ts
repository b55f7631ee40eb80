// Token buckets per key (a client address, an account) in a map of fixed size: a bucket holds
// up to `capacity` tokens and refills at capacity/windowS per second; a request takes one.
// The map is an LRU (Map keeps insertion order; a key used is moved to the end): past
// `maxKeys` the least recently used bucket is evicted and counted. Memory is bounded by
// maxKeys (~150 B per bucket with its key), whatever the number of clients; an evicted key
// comes back with a full bucket, which is why evictions are counted.

export interface Rate {
  /** Requests allowed at once (the burst), and per `windowS` seconds sustained. */
  readonly capacity: number;
  readonly windowS: number;
}

export interface TokenBucketOptions {
  readonly rate: Rate;
  readonly maxKeys: number;
  /** Clock in ms (tests pass their own). */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, ms. */
  at: number;
}

export class TokenBuckets {
  readonly #capacity: number;
  /** Tokens per ms. */
  readonly #refill: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  #evictions = 0;
  #limited = 0;

  constructor(opts: TokenBucketOptions) {
    this.#capacity = opts.rate.capacity;
    this.#refill = opts.rate.capacity / (opts.rate.windowS * 1000);
    this.#maxKeys = opts.maxKeys;
    this.#now = opts.now ?? Date.now;
  }

  /** Buckets held now (at most maxKeys). */
  get size(): number {
    return this.#buckets.size;
  }
  /** Buckets evicted to stay within maxKeys since start. */
  get evictions(): number {
    return this.#evictions;
  }
  /** Requests refused since start. */
  get limited(): number {
    return this.#limited;
  }

  /**
   * Takes a token for `key`: 0 when the request may go ahead, else the seconds (≥ 1, whole)
   * until a token will be there, for Retry-After.
   */
  take(key: string): number {
    const b = this.#bucket(key);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    this.#limited++;
    return Math.max(1, Math.ceil((1 - b.tokens) / this.#refill / 1000));
  }

  /** Gives back a token taken for a request that turned out not to count (a good sign-in). */
  refund(key: string): void {
    const b = this.#buckets.get(key);
    if (b !== undefined) b.tokens = Math.min(this.#capacity, b.tokens + 1);
  }

  #bucket(key: string): Bucket {
    const now = this.#now();
    let b = this.#buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.#capacity, at: now };
      if (this.#buckets.size >= this.#maxKeys) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) {
          this.#buckets.delete(oldest);
          this.#evictions++;
        }
      }
    } else {
      b.tokens = Math.min(this.#capacity, b.tokens + (now - b.at) * this.#refill);
      b.at = now;
      // Most recently used last: eviction takes from the front.
      this.#buckets.delete(key);
    }
    this.#buckets.set(key, b);
    return b;
  }
}

/**
 * The key of a client address: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64, the
 * smallest block one subscriber is usually given, so one host cannot dodge a limit by cycling
 * through its own prefix.
 */
export function addressKey(address: string | undefined): string {
  if (address === undefined || address === "") return "unknown";
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(":")) return address;
  const [head = "", tail] = address.toLowerCase().split("%")[0]?.split("::") ?? [""];
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
