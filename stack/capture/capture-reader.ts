// Reads what the native stack captured in its capture folder, incrementally:
//   traces*.jsonl, logs*.jsonl   the gateway's file exporter: one OTLP/JSON export request a line,
//                                exactly what Grafana Cloud's OTLP endpoint would have received
//   loki-push*.jsonl             the Loki push receiver: one accepted push entry a line
// The exporter rotates files by renaming them, which keeps their inode; so parsed lines are kept
// per inode with the byte offset read so far, and a rotated file is never read twice. Only
// complete lines are read (the exporter may be mid-write).
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { lokiEntryFromOtlp, type LokiEntry } from "../../queries/evaluate/loki-otlp-model.ts";
import { flattenLogs, flattenTraces, type FlatSpan } from "../../queries/evaluate/otlp-records.ts";
import type { PushedEntry } from "./loki-push-receiver.ts";

export type { PushedEntry };

interface FileCache<T> {
  offset: number;
  items: T[];
}

class JsonLinesFollower<T> {
  readonly #byInode = new Map<number, FileCache<T>>();
  private readonly dir: string;
  private readonly prefix: string;
  private readonly parse: (line: unknown) => T[];
  constructor(dir: string, prefix: string, parse: (line: unknown) => T[]) {
    this.dir = dir;
    this.prefix = prefix;
    this.parse = parse;
  }

  async read(): Promise<T[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => n.startsWith(this.prefix) && n.endsWith(".jsonl"));
    const seen = new Set<number>();
    const out: T[] = [];
    for (const name of names.sort()) {
      const path = join(this.dir, name);
      const st = await stat(path).catch(() => undefined);
      if (!st) continue; // rotated away between readdir and stat: read under its new name
      seen.add(st.ino);
      let cache = this.#byInode.get(st.ino);
      if (!cache || st.size < cache.offset) this.#byInode.set(st.ino, (cache = { offset: 0, items: [] }));
      if (st.size > cache.offset) await this.#readFrom(path, cache, st.size);
      out.push(...cache.items);
    }
    for (const ino of [...this.#byInode.keys()]) if (!seen.has(ino)) this.#byInode.delete(ino);
    return out;
  }

  async #readFrom(path: string, cache: FileCache<T>, size: number): Promise<void> {
    const fh = await open(path, "r");
    try {
      const buf = Buffer.alloc(size - cache.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, cache.offset);
      const end = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (end < 0) return;
      const text = buf.subarray(0, end).toString("utf8");
      let lineNo = 0;
      for (const line of text.split("\n")) {
        lineNo++;
        if (line.trim() === "") continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (err) {
          throw new Error(`${path}: line ${lineNo} after byte ${cache.offset} is not JSON: ${(err as Error).message}`);
        }
        cache.items.push(...this.parse(value));
      }
      cache.offset += end + 1;
    } finally {
      await fh.close();
    }
  }
}

/** One reader per capture folder; each call returns everything captured so far. */
export class CaptureReader {
  readonly #spans: JsonLinesFollower<FlatSpan>;
  readonly #logs: JsonLinesFollower<LokiEntry>;
  readonly #pushed: JsonLinesFollower<PushedEntry>;

  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
    this.#spans = new JsonLinesFollower(dir, "traces", (l) => flattenTraces(l as Parameters<typeof flattenTraces>[0]));
    // Mapped as Loki's OTLP endpoint stores them once, when read, not again for every query.
    this.#logs = new JsonLinesFollower(dir, "logs", (l) => flattenLogs(l as Parameters<typeof flattenLogs>[0]).map(lokiEntryFromOtlp));
    this.#pushed = new JsonLinesFollower(dir, "loki-push", (l) => [l as PushedEntry]);
  }

  /** Every span the gateway received. */
  spans(): Promise<FlatSpan[]> {
    return this.#spans.read();
  }
  /** Every OTLP log record the gateway received, as Loki would store it. */
  lokiEntries(): Promise<LokiEntry[]> {
    return this.#logs.read();
  }
  /** Every entry pushed through Loki's push API (logs:import). */
  pushedEntries(): Promise<PushedEntry[]> {
    return this.#pushed.read();
  }
}

const readers = new Map<string, CaptureReader>();
/** A shared reader per folder, so repeated queries read only what was appended since. */
export function captureReader(dir: string): CaptureReader {
  let r = readers.get(dir);
  if (!r) readers.set(dir, (r = new CaptureReader(dir)));
  return r;
}
