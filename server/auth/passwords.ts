// Password hashing with scrypt (node:crypto), a memory-hard KDF. Each hash has its own random
// salt and records its parameters, PHC string style: `$scrypt$ln=15,r=8,p=3$<salt>$<key>`, so
// the cost can be raised later without breaking stored hashes. The KDF runs on libuv's thread
// pool (crypto.scrypt, not scryptSync), never on the event loop, and at most `concurrency` at
// a time: each derivation holds 128·N·r bytes (32 MiB at the defaults), and the pool is shared
// with DNS lookups and file I/O. Past `maxQueued` waiting derivations a request is refused
// (KdfBusyError) instead of queueing without end.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import type { ScryptOptions } from "node:crypto";

export interface KdfParams {
  /** log2 of scrypt's cost N. */
  readonly logN: number;
  /** Block size r. */
  readonly r: number;
  /** Parallelisation p (Node computes the lanes one after another). */
  readonly p: number;
}

/**
 * OWASP's Password Storage Cheat Sheet lists N=2^15, r=8, p=3 as equivalent to its first choice
 * N=2^17, r=8, p=1, at a quarter of the memory (32 MiB instead of 128 MiB per derivation);
 * ~0.1–0.2 s of one core here.
 */
export const DEFAULT_KDF: KdfParams = { logN: 15, r: 8, p: 3 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export class KdfBusyError extends Error {
  override name = "KdfBusyError";
}

export interface PasswordHasherOptions {
  readonly params: KdfParams;
  /** Derivations running at once (libuv's pool has 4 threads by default). */
  readonly concurrency: number;
  /** Derivations waiting for a slot; past it hash() and verify() throw KdfBusyError. */
  readonly maxQueued: number;
}

const b64 = (b: Buffer) => b.toString("base64").replace(/=+$/, "");

export class PasswordHasher {
  readonly #opts: PasswordHasherOptions;
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  /** A hash of a random password, verified against for unknown users so they take as long. */
  #dummy: Promise<string> | undefined;

  constructor(opts: PasswordHasherOptions) {
    this.#opts = opts;
  }

  /** A new PHC string for `password` with a fresh salt and the configured parameters. */
  async hash(password: string): Promise<string> {
    const { logN, r, p } = this.#opts.params;
    const salt = randomBytes(SALT_BYTES);
    const key = await this.#derive(password, salt, this.#opts.params);
    return `$scrypt$ln=${logN},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
  }

  /**
   * Whether `password` matches `stored`. With `stored` undefined (no such user, or no password)
   * a dummy hash is checked instead and false returned, so the answer takes as long either way.
   */
  async verify(password: string, stored: string | undefined): Promise<boolean> {
    const parsed = stored === undefined ? undefined : PHC.exec(stored);
    if (parsed === undefined || parsed === null) {
      this.#dummy ??= this.hash(randomBytes(16).toString("hex"));
      await this.verify(password, await this.#dummy);
      return false;
    }
    const [, ln, r, p, salt, key] = parsed;
    const expected = Buffer.from(key as string, "base64");
    const actual = await this.#derive(password, Buffer.from(salt as string, "base64"), { logN: Number(ln), r: Number(r), p: Number(p) }, expected.length);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  async #derive(password: string, salt: Buffer, params: KdfParams, keyBytes = KEY_BYTES): Promise<Buffer> {
    await this.#slot();
    try {
      const N = 2 ** params.logN;
      const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 };
      return await new Promise<Buffer>((resolve, reject) => scrypt(password.normalize("NFKC"), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key))));
    } finally {
      // The slot passes straight to the next waiter, if any, so no newcomer can slip in between.
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#running--;
    }
  }

  async #slot(): Promise<void> {
    if (this.#running < this.#opts.concurrency) {
      this.#running++;
      return;
    }
    if (this.#waiting.length >= this.#opts.maxQueued) throw new KdfBusyError("too many password checks in progress; try again shortly");
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
}
