// The on-disk offline queue: an append-only JSONL write-ahead journal. Every item is written
// here (a synchronous write, so it is in the OS page cache and survives kill -9 of the app)
// BEFORE any attempt to send it; an acknowledgement line follows once the gateway accepted
// it. On start the journal is replayed: entries without an ack are pending again, each entry
// id once. Sentry only stores after a failed send; this stores first.
//
// Three rules keep a long outage from losing what matters (issue 11):
// - Lines stay on disk: memory holds ~100 bytes of bookkeeping per entry, not the entry, so
//   the disk bound can be sized for a day offline without growing the heap.
// - Superseding: an entry with a key `k` replaces the pending entry with the same key. The
//   telemetry layer folds each new metric delta into the unsent one and appends the result
//   under its key (delta-merge.ts), so the journal's share of metrics is one entry, not one
//   per flush.
// - Drop by value: past either bound, the oldest entry of the LOWEST priority goes first
//   (metrics, then logs, then spans, then error records), each drop reported through onDrop.
//
// Two processes on one profile: the first takes `journal.lock` (pid + token); a second one
// journals to its own `journal.<pid>-<token>.jsonl`, which the lock holder adopts on a later
// load once that process is gone. Neither ever rewrites the other's file.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import type { DropReason, TelemetrySignal } from "./types.ts";

/** Which resource an entry's items belong to (main's own, or relayed from the renderer). */
export type ResourceKind = "main" | "renderer";

/** Drop order under the bounds: lowest first. */
export const PRIORITY = { metrics: 0, logs: 1, spans: 2, errors: 3 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];
const PRIORITIES: readonly Priority[] = [0, 1, 2, 3];

/** Entry as written: `s` holds OTLP/JSON Scope{Spans,Logs,Metrics} objects. */
export interface JournalRecord {
  t: "e";
  id: string;
  sig: TelemetrySignal;
  res: ResourceKind;
  /** Items in the entry: spans, log records or metric data points. */
  n: number;
  s: unknown[];
  /** Drop priority (PRIORITY); defaults from the signal when absent. */
  p?: Priority;
  /** Supersede key: a newer entry with the same key replaces this one while both are pending. */
  k?: string;
}
interface AckRecord {
  t: "a";
  ids: string[];
}

export interface PendingEntry {
  readonly id: string;
  readonly sig: TelemetrySignal;
  readonly res: ResourceKind;
  readonly n: number;
  readonly p: Priority;
  readonly k: string | undefined;
  /** Size of the JSONL line in bytes (without newline): its share of the disk bound. */
  readonly size: number;
}

interface Located extends PendingEntry {
  /** Byte offset of the line in the current file. */
  offset: number;
}

export interface JournalOptions {
  file: string;
  maxItems: number;
  maxBytes: number;
  onDrop: (sig: TelemetrySignal, items: number, reason: DropReason) => void;
  /**
   * A metrics entry about to be dropped under the bounds, with its scopes: a delta that goes is
   * gone, so the telemetry layer records its drop counts again and they reach the gateway with
   * the next delta.
   */
  onDropMetrics?: (scopes: unknown[]) => void;
  /** Entries the bounds must not drop (the one being sent: it may well be delivered). */
  isPinned?: (id: string) => boolean;
  /** Items made redundant by a newer entry with the same key (not a loss: the newer one holds them). */
  onSupersede?: (sig: TelemetrySignal, items: number) => void;
  /** Whether a process is running (tests inject it); default: signal 0. */
  isAlive?: (pid: number) => boolean;
  /** This process's id (tests inject it). */
  pid?: number;
}

export interface JournalLoadResult {
  replayed: number;
  corruptLines: number;
  /** Entries taken over from the journals of other (ended) processes on this profile. */
  adopted: number;
}

const defaultPriority = (sig: TelemetrySignal): Priority => (sig === "metrics" ? 0 : sig === "logs" ? 1 : 2);

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Parses journal bytes: entries with their byte offsets, acked ids, torn lines. */
function parse(buf: Buffer): { entries: Located[]; acked: Set<string>; corrupt: number } {
  const entries: Located[] = [];
  const acked = new Set<string>();
  let corrupt = 0;
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    if (end > start) {
      let rec: JournalRecord | AckRecord | null = null;
      try {
        rec = JSON.parse(buf.toString("utf8", start, end)) as JournalRecord | AckRecord;
      } catch {
        corrupt++;
      }
      if (rec?.t === "a" && Array.isArray(rec.ids)) for (const id of rec.ids) acked.add(id);
      else if (rec?.t === "e" && typeof rec.id === "string" && typeof rec.n === "number") {
        entries.push({ id: rec.id, sig: rec.sig, res: rec.res, n: rec.n, p: rec.p ?? defaultPriority(rec.sig), k: rec.k, size: end - start, offset: start });
      }
    }
    start = end + 1;
  }
  return { entries, acked, corrupt };
}

export class Journal {
  readonly #opts: JournalOptions;
  readonly #pid: number;
  readonly #token = randomBytes(4).toString("hex");
  /** The file this process writes: the shared one when it holds the lock, its own otherwise. */
  readonly #file: string;
  readonly #lockFile: string;
  readonly #primary: boolean;
  /** Insertion-ordered: oldest first. */
  readonly #pending = new Map<string, Located>();
  /** The same entries per priority, oldest first: the drop order. */
  readonly #byPriority: Map<string, Located>[] = PRIORITIES.map(() => new Map());
  readonly #byKey = new Map<string, string>();
  #items = 0;
  #bytes = 0;
  #fd: number | null = null;
  #fileSize = 0;
  /** Bytes in the file that are acked or dropped; compaction reclaims them. */
  #garbageBytes = 0;
  #adoptedFiles: string[] = [];

  constructor(opts: JournalOptions) {
    this.#opts = opts;
    this.#pid = opts.pid ?? process.pid;
    this.#lockFile = opts.file.replace(/\.jsonl$/, "") + ".lock";
    this.#primary = this.#takeLock();
    this.#file = this.#primary ? opts.file : opts.file.replace(/\.jsonl$/, "") + `.${this.#pid}-${this.#token}.jsonl`;
  }

  get items(): number {
    return this.#items;
  }
  get bytes(): number {
    return this.#bytes;
  }
  /** False when another live process holds the profile's journal (this one writes its own file). */
  get primary(): boolean {
    return this.#primary;
  }
  get file(): string {
    return this.#file;
  }

  /** Reads the journal left by earlier runs (tolerating a torn last line from a kill) and compacts it. */
  load(): JournalLoadResult {
    this.#closeFd();
    this.#pending.clear();
    for (const m of this.#byPriority) m.clear();
    this.#byKey.clear();
    this.#items = 0;
    this.#bytes = 0;
    let corruptLines = 0;
    let adopted = 0;
    const sources: { file: string; buf: Buffer }[] = [];
    if (existsSync(this.#file)) sources.push({ file: this.#file, buf: readFileSync(this.#file) });
    if (this.#primary) {
      for (const file of this.#orphans()) {
        sources.push({ file, buf: readFileSync(file) });
        this.#adoptedFiles.push(file);
      }
    }
    // Where each entry's bytes are for the compaction below.
    const origin = new Map<string, Buffer>();
    for (const [i, { buf }] of sources.entries()) {
      const { entries, acked, corrupt } = parse(buf);
      corruptLines += corrupt;
      for (const e of entries) {
        if (acked.has(e.id) || this.#pending.has(e.id)) continue; // ack or duplicate line: once only
        // A kill between a superseding line and its ack leaves two entries under one key: the
        // newer holds the older's data, so the older goes (its ack is the rewrite below).
        const older = e.k !== undefined ? this.#byKey.get(e.k) : undefined;
        if (older !== undefined) this.#remove(older);
        this.#insert(e);
        origin.set(e.id, buf);
        if (i > 0) adopted++;
      }
    }
    this.#enforceBounds(false); // offsets point into the sources until the rewrite
    this.#rewrite((e) => origin.get(e.id)!.subarray(e.offset, e.offset + e.size));
    for (const f of this.#adoptedFiles.splice(0)) rmSync(f, { force: true });
    return { replayed: this.#pending.size, corruptLines, adopted };
  }

  /** Writes an entry before it is sent; supersedes its key's older entry; drops by priority when over the bound. */
  append(record: JournalRecord): void {
    const line = JSON.stringify(record);
    const size = Buffer.byteLength(line);
    if (size + 1 > this.#opts.maxBytes || record.n > this.#opts.maxItems) {
      this.#opts.onDrop(record.sig, record.n, "payload_too_large");
      return;
    }
    const superseded = record.k !== undefined ? this.#byKey.get(record.k) : undefined;
    const offset = this.#write(`${line}\n`);
    this.#insert({ id: record.id, sig: record.sig, res: record.res, n: record.n, p: record.p ?? defaultPriority(record.sig), k: record.k, size, offset });
    if (superseded !== undefined) {
      const old = this.#remove(superseded);
      if (old) {
        this.#write(`${JSON.stringify({ t: "a", ids: [old.id] } satisfies AckRecord)}\n`);
        this.#opts.onSupersede?.(old.sig, old.n);
      }
    }
    this.#enforceBounds();
  }

  /** The JSONL line of a pending entry, read back from disk. */
  read(entry: PendingEntry): string {
    const e = this.#pending.get(entry.id);
    if (!e) throw new Error(`journal: entry ${entry.id} is not pending`);
    const buf = Buffer.allocUnsafe(e.size);
    const fd = this.#fd ?? openSync(this.#file, "r");
    try {
      readSync(fd, buf, 0, e.size, e.offset);
    } finally {
      if (fd !== this.#fd) closeSync(fd);
    }
    return buf.toString("utf8");
  }

  /** The `s` (scopes) of a pending entry. */
  scopes(entry: PendingEntry): unknown[] {
    return (JSON.parse(this.read(entry)) as JournalRecord).s;
  }

  /** Marks entries as delivered (or given up on); they are never replayed. */
  ack(ids: readonly string[]): void {
    const known = ids.filter((id) => this.#pending.has(id));
    if (known.length === 0) return;
    for (const id of known) this.#remove(id);
    this.#write(`${JSON.stringify({ t: "a", ids: known } satisfies AckRecord)}\n`);
    // Compact once the file is mostly dead weight, so it stays within ~2x the bound.
    if (this.#garbageBytes > Math.max(64 * 1024, this.#bytes)) this.#compact();
  }

  /**
   * Gives up on entries the gateway will never take: counted as dropped for `reason` and never
   * replayed. A metrics entry's own drop counts are recorded again (onDropMetrics), as when the
   * bound drops one, so a drop never hides the drops before it.
   */
  discard(ids: readonly string[], reason: DropReason): void {
    const known = ids.map((id) => this.#pending.get(id)).filter((e) => e !== undefined);
    for (const e of known) {
      if (e.sig === "metrics") this.#opts.onDropMetrics?.(this.scopes(e));
      this.#opts.onDrop(e.sig, e.n, reason);
    }
    this.ack(known.map((e) => e.id));
  }

  pending(): readonly PendingEntry[] {
    return [...this.#pending.values()];
  }

  /** Items pending per signal (the queue metric observes these: it cannot drift). */
  itemsBySignal(): Readonly<Record<TelemetrySignal, number>> {
    const out = { traces: 0, metrics: 0, logs: 0 };
    for (const e of this.#pending.values()) out[e.sig] += e.n;
    return out;
  }

  /** Drops everything pending (privacy "delete my data", or telemetry switched off). */
  clear(reason: DropReason | null): void {
    if (reason) for (const e of this.#pending.values()) this.#opts.onDrop(e.sig, e.n, reason);
    this.#pending.clear();
    for (const m of this.#byPriority) m.clear();
    this.#byKey.clear();
    this.#items = 0;
    this.#bytes = 0;
    this.#closeFd();
    rmSync(this.#file, { force: true });
    this.#fileSize = 0;
    this.#garbageBytes = 0;
  }

  /** Closes the file and releases the lock (the journal stays on disk for the next start). */
  close(): void {
    this.#closeFd();
    if (this.#primary) {
      try {
        if (readFileSync(this.#lockFile, "utf8") === this.#lockText()) rmSync(this.#lockFile, { force: true });
      } catch {
        // Already gone.
      }
    }
  }

  #lockText(): string {
    return `${this.#pid} ${this.#token}`;
  }

  /** Takes `journal.lock` unless a live process (or another Journal of this one) holds it. */
  #takeLock(): boolean {
    const isAlive = this.#opts.isAlive ?? processAlive;
    mkdirSync(dirname(this.#lockFile), { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        writeFileSync(this.#lockFile, this.#lockText(), { flag: "wx", mode: 0o600 });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") return false;
      }
      let holder = NaN;
      try {
        holder = Number(readFileSync(this.#lockFile, "utf8").split(" ")[0]);
      } catch {
        continue; // released meanwhile: try again
      }
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return false;
      rmSync(this.#lockFile, { force: true }); // stale: its process is gone
    }
    return false;
  }

  /** Journals of other processes on this profile that have ended. */
  #orphans(): string[] {
    const isAlive = this.#opts.isAlive ?? processAlive;
    const dir = dirname(this.#opts.file);
    const stem = basename(this.#opts.file).replace(/\.jsonl$/, "");
    const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(\\d+)-[0-9a-f]+\\.jsonl$`);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((name) => ({ name, m: pattern.exec(name) }))
      .filter(({ m }) => m !== null && !isAlive(Number(m[1])))
      .map(({ name }) => join(dir, name));
  }

  #insert(e: Located): void {
    this.#pending.set(e.id, e);
    this.#byPriority[e.p]?.set(e.id, e);
    if (e.k !== undefined) this.#byKey.set(e.k, e.id);
    this.#items += e.n;
    this.#bytes += e.size + 1;
  }

  #remove(id: string): Located | undefined {
    const e = this.#pending.get(id);
    if (!e) return undefined;
    this.#pending.delete(id);
    this.#byPriority[e.p]?.delete(id);
    if (e.k !== undefined && this.#byKey.get(e.k) === id) this.#byKey.delete(e.k);
    this.#items -= e.n;
    this.#bytes -= e.size + 1;
    this.#garbageBytes += e.size + 1;
    return e;
  }

  #enforceBounds(readable = true): void {
    const dropped: string[] = [];
    for (const queue of this.#byPriority) {
      for (const e of queue.values()) {
        if (this.#items <= this.#opts.maxItems && this.#bytes <= this.#opts.maxBytes) break;
        if (this.#opts.isPinned?.(e.id)) continue;
        if (readable && e.sig === "metrics" && this.#opts.onDropMetrics) this.#opts.onDropMetrics(this.scopes(e));
        this.#remove(e.id);
        dropped.push(e.id);
        this.#opts.onDrop(e.sig, e.n, "queue_full");
      }
    }
    if (dropped.length > 0 && this.#fd !== null) this.#write(`${JSON.stringify({ t: "a", ids: dropped } satisfies AckRecord)}\n`);
  }

  /** Appends text; returns the byte offset it starts at. */
  #write(text: string): number {
    if (this.#fd === null) {
      mkdirSync(dirname(this.#file), { recursive: true });
      this.#fd = openSync(this.#file, "a+", 0o600);
      this.#fileSize = fstatSync(this.#fd).size; // offsets are where appends land
    }
    const offset = this.#fileSize;
    this.#fileSize += writeSync(this.#fd, text);
    return offset;
  }

  #compact(): void {
    const old = existsSync(this.#file) ? readFileSync(this.#file) : Buffer.alloc(0);
    this.#rewrite((e) => old.subarray(e.offset, e.offset + e.size));
  }

  /** Replaces the file with only the pending entries (write to a temp file, then rename: atomic). */
  #rewrite(bytesOf: (e: Located) => Buffer): void {
    this.#closeFd();
    mkdirSync(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    let offset = 0;
    try {
      for (const e of this.#pending.values()) {
        const line = bytesOf(e);
        writeSync(fd, line);
        writeSync(fd, "\n");
        e.offset = offset;
        offset += e.size + 1;
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#file);
    this.#fileSize = offset;
    this.#garbageBytes = 0;
  }

  #closeFd(): void {
    if (this.#fd !== null) {
      closeSync(this.#fd);
      this.#fd = null;
    }
  }
}
