import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Journal, type JournalRecord, PRIORITY } from "./journal.ts";

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
    j.close();
    appendFileSync(file, `${JSON.stringify(rec("a"))}\n`); // a duplicate line (e.g. copied journal)
    appendFileSync(file, '{"t":"e","id":"torn'); // a write cut short by kill -9
    const again = make();
    expect(again.load()).toEqual({ replayed: 2, corruptLines: 1, adopted: 0 });
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
    expect(j.pending().map((e) => e.id)).toEqual(["b", "c", "d"]);
    expect(drops).toEqual([["traces", 1, "queue_full"]]);
    j.close();
    const again = make();
    again.load();
    expect(again.pending().map((e) => e.id)).toEqual(["b", "c", "d"]);
  });

  it("drops by value under the bound: metrics first, then logs, then spans, errors last; each drop counted", () => {
    const { make, drops } = open(4);
    const j = make();
    j.load();
    j.append({ ...rec("err", 1, "logs"), p: PRIORITY.errors });
    j.append(rec("span-1"));
    j.append(rec("log-1", 1, "logs"));
    j.append(rec("metrics-1", 1, "metrics"));
    j.append(rec("span-2")); // 5 items: the metric snapshot goes, though it is not the oldest
    expect(j.pending().map((e) => e.id)).toEqual(["err", "span-1", "log-1", "span-2"]);
    j.append(rec("span-3")); // then the plain log
    j.append(rec("span-4")); // then the oldest span; the error record stays
    expect(j.pending().map((e) => e.id)).toEqual(["err", "span-2", "span-3", "span-4"]);
    expect(drops).toEqual([
      ["metrics", 1, "queue_full"],
      ["logs", 1, "queue_full"],
      ["traces", 1, "queue_full"],
    ]);
  });

  it("keeps one pending metric entry per key: a newer (folded) entry supersedes the older (not a drop)", () => {
    const { dirs: _d, ...o } = { dirs, ...open(100) };
    const superseded: number[] = [];
    const j = new Journal({ file: o.file, maxItems: 100, maxBytes: 1 << 20, onDrop: () => expect.unreachable(), onSupersede: (_s, n) => superseded.push(n) });
    j.load();
    for (let i = 0; i < 50; i++) j.append({ ...rec(`m-${i}`, 40, "metrics"), k: "metrics:run-a" });
    j.append(rec("span"));
    expect(j.pending().map((e) => e.id)).toEqual(["m-49", "span"]);
    expect(j.items).toBe(41);
    expect(superseded).toHaveLength(49);
    // An entry under another key (one being sent) is not superseded.
    j.append({ ...rec("m-b", 40, "metrics"), k: "metrics:run-b" });
    j.close();
    const again = new Journal({ file: o.file, maxItems: 100, maxBytes: 1 << 20, onDrop: () => undefined });
    again.load();
    expect(again.pending().map((e) => e.id)).toEqual(["m-49", "span", "m-b"]);
    again.append({ ...rec("m-c", 40, "metrics"), k: "metrics:run-a" }); // the key survives a restart
    expect(again.pending().map((e) => e.id)).toEqual(["span", "m-b", "m-c"]);
    again.close();
  });

  it("after a kill between a superseding line and its ack, replays only the newer entry of a key", () => {
    const { make, file } = open();
    const j = make();
    j.load();
    j.append({ ...rec("m-1", 2, "metrics"), k: "metrics:delta:a" });
    j.close();
    // The folded entry's line made it to disk; the ack of m-1 did not (kill -9 in between).
    appendFileSync(file, `${JSON.stringify({ ...rec("m-2", 3, "metrics"), k: "metrics:delta:a" })}\n`);
    const again = make();
    again.load();
    expect(again.pending().map((e) => e.id)).toEqual(["m-2"]);
    expect(again.items).toBe(3);
  });

  it("never drops the entry being sent to make room (it may well be delivered)", () => {
    const dir = mkdtempSync(join(tmpdir(), "beacon-journal-"));
    dirs.push(dir);
    const drops: string[] = [];
    let sending = "";
    const j = new Journal({ file: join(dir, "journal.jsonl"), maxItems: 3, maxBytes: 1 << 20, onDrop: (sig) => drops.push(sig), isPinned: (id) => id === sending });
    j.load();
    j.append(rec("m-old", 1, "metrics"));
    j.append(rec("m-sent", 1, "metrics"));
    sending = "m-sent";
    j.append(rec("s-1", 1));
    j.append(rec("s-2", 1)); // over the bound: the oldest metrics entry not being sent goes
    expect(j.pending().map((e) => e.id)).toEqual(["m-sent", "s-1", "s-2"]);
    j.append(rec("s-3", 1)); // the pinned entry stays; the oldest span goes instead
    expect(j.pending().map((e) => e.id)).toEqual(["m-sent", "s-2", "s-3"]);
    expect(drops).toEqual(["metrics", "traces"]);
    j.close();
  });

  it("keeps entry lines on disk, reading them back when sent", () => {
    const { make } = open();
    const j = make();
    j.load();
    j.append(rec("a"));
    const [e] = j.pending();
    expect(e).not.toHaveProperty("line");
    expect(JSON.parse(j.read(e!))).toMatchObject({ id: "a" });
    expect(j.scopes(e!)).toEqual([{ spans: [{ name: "a" }] }]);
  });

  it("two processes on one profile: the second writes its own file, and nothing of either is lost", () => {
    const { make, file } = open(1000);
    const alive = new Set([101, 202]);
    const as = (pid: number) => new Journal({ file, maxItems: 1000, maxBytes: 1 << 20, onDrop: () => expect.unreachable(), pid, isAlive: (p) => alive.has(p) });
    const first = as(101);
    const second = as(202);
    expect([first.primary, second.primary]).toEqual([true, false]);
    first.load();
    second.load();
    for (let i = 0; i < 148; i++) first.append(rec(`first-${i}`));
    for (let i = 0; i < 30; i++) second.append(rec(`second-${i}`));
    second.ack(["second-0"]);
    second.load(); // a reload of the second never touches the first's file
    expect(first.pending()).toHaveLength(148);
    second.close();
    first.close();
    alive.delete(202);
    alive.delete(101);
    const next = make();
    const loaded = next.load();
    expect(loaded).toMatchObject({ replayed: 148 + 29, adopted: 29 });
    expect(new Set(next.pending().map((e) => e.id)).size).toBe(177);
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
    j.close();
    const again = make();
    expect(again.load().replayed).toBe(0);
  });
});
