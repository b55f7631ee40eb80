import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Journal, type JournalRecord } from "./journal.ts";

const rec = (id: string, n = 1, sig: JournalRecord["sig"] = "traces"): JournalRecord => ({ t: "e", id, sig, res: "main", n, s: [{ spans: [{ name: id }] }] });

describe("Journal", () => {
  const dirs: string[] = [];
  const open = (maxItems = 100, maxBytes = 1024 * 1024) => {
    const dir = mkdtempSync(join(tmpdir(), "beacon-journal-"));
    dirs.push(dir);
    const drops: [string, number, string][] = [];
    const file = join(dir, "journal.jsonl");
    const make = () => new Journal({ file, maxItems, maxBytes, onDrop: (sig, n, reason) => drops.push([sig, n, reason]) });
    return { file, drops, make };
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("replays what was appended and not acked, each id once, in order", () => {
    const { make, file } = open();
    const j = make();
    j.load();
    j.append(rec("a"));
    j.append(rec("b", 2));
    j.append(rec("c"));
    j.ack(["b"]);
    appendFileSync(file, `${JSON.stringify(rec("a"))}\n`); // a duplicate line (e.g. copied journal)
    appendFileSync(file, '{"t":"e","id":"torn'); // a write cut short by kill -9
    const again = make();
    expect(again.load()).toEqual({ replayed: 2, corruptLines: 1 });
    expect(again.pending().map((e) => e.id)).toEqual(["a", "c"]);
    expect(again.items).toBe(2);
    // load() compacted the file to exactly the pending entries
    expect(readFileSync(file, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(["a", "c"]);
  });

  it("drops the oldest entries past the item bound, counting them", () => {
    const { make, drops } = open(3);
    const j = make();
    j.load();
    for (const id of ["a", "b", "c", "d"]) j.append(rec(id));
    j.append(rec("e", 2, "logs"));
    expect(j.pending().map((e) => e.id)).toEqual(["d", "e"]);
    expect(drops).toEqual([
      ["traces", 1, "queue_full"],
      ["traces", 1, "queue_full"],
      ["traces", 1, "queue_full"],
    ]);
    const again = make();
    again.load();
    expect(again.pending().map((e) => e.id)).toEqual(["d", "e"]);
  });

  it("stays within its byte bound and refuses an entry larger than the bound", () => {
    const { make, drops, file } = open(10_000, 2000);
    const j = make();
    j.load();
    for (let i = 0; i < 200; i++) j.append(rec(`id-${i}`));
    expect(j.bytes).toBeLessThanOrEqual(2000);
    j.ack(j.pending().map((e) => e.id));
    expect(statSync(file).size).toBeLessThan(64 * 1024 + 2000);
    j.append({ ...rec("huge"), s: ["x".repeat(5000)] });
    expect(drops.at(-1)).toEqual(["traces", 1, "payload_too_large"]);
  });

  it("clear() empties memory and disk", () => {
    const { make, drops } = open();
    const j = make();
    j.load();
    j.append(rec("a", 4));
    j.clear("disabled");
    expect(drops).toEqual([["traces", 4, "disabled"]]);
    const again = make();
    expect(again.load().replayed).toBe(0);
  });
});
