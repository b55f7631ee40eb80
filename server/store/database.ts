// Opens the chat server's SQLite database (node:sqlite, built into Node 24) and brings its
// schema up to date. A file path keeps state across restarts; ":memory:" (the default when
// CHAT_SERVER_DB_PATH is unset, and what tests use) gives the same schema without a file.
//
// Durability: journal_mode=WAL, so readers never wait for the writer and a commit is one
// append to the log. synchronous=NORMAL by default: in WAL mode a commit is in the OS's
// hands when the statement returns, so it survives the server being killed (kill -9, OOM);
// only an OS crash or power loss can lose the last commits. FULL would fsync the log on
// every commit and, node:sqlite being synchronous, stall the event loop for the fsync on
// every posted message. Deployments that must survive power loss set
// CHAT_SERVER_DB_SYNCHRONOUS=FULL and accept that cost.
import { DatabaseSync } from "node:sqlite";
import { MigrationError, migrate } from "./migrations.ts";

export interface DatabaseOptions {
  /** A file path, or ":memory:". */
  readonly path: string;
  readonly synchronous: "NORMAL" | "FULL";
}

export const IN_MEMORY = ":memory:";

/** The database cannot be used: a message naming the file and what was wrong. */
export class StoreError extends Error {
  override name = "StoreError";
}

export function openDatabase(opts: DatabaseOptions): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(opts.path);
  } catch (err) {
    throw new StoreError(`cannot open the database ${opts.path} (CHAT_SERVER_DB_PATH): ${(err as Error).message}`);
  }
  try {
    if (opts.path !== IN_MEMORY) db.exec("PRAGMA journal_mode = WAL");
    db.exec(`PRAGMA synchronous = ${opts.synchronous === "FULL" ? "FULL" : "NORMAL"}`);
    db.exec("PRAGMA foreign_keys = ON");
    // Another process (a backup, sqlite3 in a shell) holding the lock briefly is waited for.
    db.exec("PRAGMA busy_timeout = 5000");
    migrate(db, opts.path === IN_MEMORY ? "the in-memory database" : opts.path);
  } catch (err) {
    db.close();
    if (err instanceof MigrationError) throw new StoreError(err.message);
    throw new StoreError(`cannot set up the database ${opts.path} (CHAT_SERVER_DB_PATH): ${(err as Error).message}`);
  }
  return db;
}
