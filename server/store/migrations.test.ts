// Numbered migrations: applied once each, in order, recorded in user_version; a failing one
// leaves the previous version; a database newer than the server is refused by name.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { StoreError, openDatabase } from "./database.ts";
import { MIGRATIONS, migrate } from "./migrations.ts";

const dir = mkdtempSync(join(tmpdir(), "beacon-migrations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const version = (db: DatabaseSync) => (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;

describe("migrate", () => {
  it("applies every migration once, in order, and nothing on the next open", () => {
    const path = join(dir, "fresh.sqlite");
    const db = new DatabaseSync(path);
    expect(migrate(db, path)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(version(db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(migrate(db, path)).toEqual([]);
    db.close();
  });

  it("rolls a failing migration back, keeping the version before it, and names it", () => {
    const db = new DatabaseSync(":memory:");
    const broken = [...MIGRATIONS, { version: 99, name: "broken", sql: "CREATE TABLE half (x); SELECT * FROM no_such_table;" }];
    expect(() => migrate(db, "test.sqlite", broken)).toThrow(/test\.sqlite: migration 99 \(broken\) failed: no such table: no_such_table/);
    expect(version(db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });

  it("refuses a database from a newer server", () => {
    const path = join(dir, "newer.sqlite");
    const db = new DatabaseSync(path);
    db.exec("PRAGMA user_version = 1000");
    db.close();
    expect(() => openDatabase({ path, synchronous: "NORMAL" })).toThrow(StoreError);
    expect(() => openDatabase({ path, synchronous: "NORMAL" })).toThrow(`${path} is at schema version 1000, newer than this server knows (${MIGRATIONS.at(-1)?.version})`);
  });

  it("names the file it cannot open", () => {
    const path = join(dir, "no-such-dir", "chat.sqlite");
    expect(() => openDatabase({ path, synchronous: "NORMAL" })).toThrow(`cannot open the database ${path} (CHAT_SERVER_DB_PATH): unable to open database file`);
  });

  it("opens files in WAL mode with the configured synchronous level", () => {
    const db = openDatabase({ path: join(dir, "wal.sqlite"), synchronous: "FULL" });
    expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    // 2 = FULL, 1 = NORMAL
    expect(db.prepare("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
    db.close();
  });
});
