// The on-disk offline queue: an append-only JSONL write-ahead journal. Every item is written
// here (a synchronous write, so it is in the OS page cache and survives kill -9 of the app)
// BEFORE any attempt to send it; an acknowledgement line follows once the gateway accepted
// it. On start the journal is replayed: entries without an ack are pending again, each entry
// id once. Bounded by items and bytes; past either bound the oldest entries are dropped and
// reported through onDrop. Sentry only stores after a failed send; this stores first.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { DropReason, TelemetrySignal } from "./types.ts";

/** Which resource an entry's items belong to (main's own, or relayed from the renderer). */
export type ResourceKind = "main" | "renderer";

/** Entry as written: `s` holds OTLP/JSON Scope{Spans,Logs,Metrics} objects. */
export interface JournalRecord {
  t: "e";
  id: string;
  sig: TelemetrySignal;
  res: ResourceKind;
  /** Items in the entry: spans, log records or metric data points. */
  n: number;
  s: unknown[];
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
  /** The JSONL line (without newline): memory and disk size are its length. */
  readonly line: string;
}

export interface JournalOptions {
  file: string;
  maxItems: number;
  maxBytes: number;
  onDrop: (sig: TelemetrySignal, items: number, reason: DropReason) => void;
}

export interface JournalLoadResult {
  replayed: number;
  corruptLines: number;
}

export class Journal {
  readonly #opts: JournalOptions;
  /** Insertion-ordered: oldest first, which is the drop order. */
  readonly #pending = new Map<string, PendingEntry>();
  #items = 0;
  #bytes = 0;
  #fd: number | null = null;
  /** Bytes in the file that are acked or dropped; compaction reclaims them. */
  #garbageBytes = 0;

  constructor(opts: JournalOptions) {
    this.#opts = opts;
  }

  get items(): number {
    return this.#items;
  }
  get bytes(): number {
    return this.#bytes;
  }

  /** Reads the journal left by earlier runs (tolerating a torn last line from a kill) and compacts it. */
  load(): JournalLoadResult {
    this.#pending.clear();
    this.#items = 0;
    this.#bytes = 0;
    let corruptLines = 0;
    if (existsSync(this.#opts.file)) {
      const acked = new Set<string>();
      const entries: PendingEntry[] = [];
      for (const line of readFileSync(this.#opts.file, "utf8").split("\n")) {
        if (line === "") continue;
        let rec: JournalRecord | AckRecord;
        try {
          rec = JSON.parse(line) as JournalRecord | AckRecord;
        } catch {
          corruptLines++;
          continue;
        }
        if (rec.t === "a" && Array.isArray(rec.ids)) for (const id of rec.ids) acked.add(id);
        else if (rec.t === "e" && typeof rec.id === "string") entries.push({ id: rec.id, sig: rec.sig, res: rec.res, n: rec.n, line });
      }
      for (const e of entries) {
        if (acked.has(e.id) || this.#pending.has(e.id)) continue; // ack or duplicate line: once only
        this.#pending.set(e.id, e);
        this.#items += e.n;
        this.#bytes += e.line.length + 1;
      }
    }
    this.#enforceBounds();
    this.#rewrite();
    return { replayed: this.#pending.size, corruptLines };
  }

  /** Writes an entry before it is sent; drops the oldest when over the bound. */
  append(record: JournalRecord): void {
    const line = JSON.stringify(record);
    const size = line.length + 1;
    if (size > this.#opts.maxBytes || record.n > this.#opts.maxItems) {
      this.#opts.onDrop(record.sig, record.n, "payload_too_large");
      return;
    }
    this.#write(`${line}\n`);
    this.#pending.set(record.id, { id: record.id, sig: record.sig, res: record.res, n: record.n, line });
    this.#items += record.n;
    this.#bytes += size;
    this.#enforceBounds();
  }

  /** Marks entries as delivered (or given up on); they are never replayed. */
  ack(ids: readonly string[]): void {
    const known = ids.filter((id) => this.#pending.has(id));
    if (known.length === 0) return;
    for (const id of known) this.#remove(id);
    this.#write(`${JSON.stringify({ t: "a", ids: known } satisfies AckRecord)}\n`);
    // Compact once the file is mostly dead weight, so it stays within ~2x the bound.
    if (this.#garbageBytes > Math.max(64 * 1024, this.#bytes)) this.#rewrite();
  }

  pending(): readonly PendingEntry[] {
    return [...this.#pending.values()];
  }

  /** Drops everything pending (privacy "delete my data", or telemetry switched off). */
  clear(reason: DropReason | null): void {
    if (reason) for (const e of this.#pending.values()) this.#opts.onDrop(e.sig, e.n, reason);
    this.#pending.clear();
    this.#items = 0;
    this.#bytes = 0;
    this.#closeFd();
    rmSync(this.#opts.file, { force: true });
    this.#garbageBytes = 0;
  }

  close(): void {
    this.#closeFd();
  }

  #remove(id: string): PendingEntry | undefined {
    const e = this.#pending.get(id);
    if (!e) return undefined;
    this.#pending.delete(id);
    this.#items -= e.n;
    this.#bytes -= e.line.length + 1;
    this.#garbageBytes += e.line.length + 1;
    return e;
  }

  #enforceBounds(): void {
    const dropped: string[] = [];
    for (const e of this.#pending.values()) {
      if (this.#items <= this.#opts.maxItems && this.#bytes <= this.#opts.maxBytes) break;
      this.#remove(e.id);
      dropped.push(e.id);
      this.#opts.onDrop(e.sig, e.n, "queue_full");
    }
    if (dropped.length > 0 && this.#fd !== null) this.#write(`${JSON.stringify({ t: "a", ids: dropped } satisfies AckRecord)}\n`);
  }

  #write(text: string): void {
    if (this.#fd === null) {
      mkdirSync(dirname(this.#opts.file), { recursive: true });
      this.#fd = openSync(this.#opts.file, "a", 0o600);
    }
    writeSync(this.#fd, text);
  }

  /** Replaces the file with only the pending entries (write to a temp file, then rename: atomic). */
  #rewrite(): void {
    this.#closeFd();
    mkdirSync(dirname(this.#opts.file), { recursive: true });
    const tmp = `${this.#opts.file}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      for (const e of this.#pending.values()) writeSync(fd, `${e.line}\n`);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#opts.file);
    this.#garbageBytes = 0;
  }

  #closeFd(): void {
    if (this.#fd !== null) {
      closeSync(this.#fd);
      this.#fd = null;
    }
  }
}
