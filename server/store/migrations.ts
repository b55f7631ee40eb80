// The database schema, as numbered migrations applied in order. PRAGMA user_version records
// the last one applied; each runs in its own transaction, so a crash mid-way leaves the
// previous version. Never edit a released migration: add the next number.
import type { DatabaseSync } from "node:sqlite";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "users, sessions, chatrooms, emote sets, messages, links",
    sql: `
      -- AUTOINCREMENT: an id is never handed out twice, even after the newest row is deleted.
      CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL,
        username_key TEXT NOT NULL UNIQUE, -- lower-cased: sign-in is case-insensitive
        created_at TEXT NOT NULL
      );
      -- Bearer tokens are kept as SHA-256 hashes: a copy of the file signs nobody in.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL
      );
      CREATE TABLE chatrooms (
        id TEXT PRIMARY KEY,
        slug TEXT NOT NULL,
        streamer_id TEXT NOT NULL,
        streamer_name TEXT NOT NULL
      );
      CREATE TABLE emote_sets (
        chatroom_id TEXT PRIMARY KEY REFERENCES chatrooms (id),
        emotes TEXT NOT NULL -- JSON array of protocol Emote
      );
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chatroom_id TEXT NOT NULL REFERENCES chatrooms (id),
        sender_id INTEGER NOT NULL REFERENCES users (id),
        sender_username TEXT NOT NULL, -- as sent: history shows what the room saw
        content TEXT NOT NULL,
        type TEXT NOT NULL,
        created_at TEXT NOT NULL,
        reply_to TEXT,
        links TEXT NOT NULL -- JSON array of { id, url }
      );
      CREATE INDEX messages_by_chatroom ON messages (chatroom_id, id);
      CREATE TABLE links (
        id TEXT PRIMARY KEY,
        chatroom_id TEXT NOT NULL REFERENCES chatrooms (id),
        url TEXT NOT NULL,
        domain TEXT NOT NULL,
        status TEXT NOT NULL,
        failure_reason TEXT,
        title TEXT,
        description TEXT,
        favicon TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX links_unfinished ON links (status) WHERE status IN ('pending', 'processing');
    `,
  },
  {
    version: 2,
    name: "passwords, expiring sessions, user lookup by sender (issue 14)",
    sql: `
      -- Sessions issued before passwords proved nothing about who held them: all are revoked.
      DELETE FROM sessions;
      -- PHC-style scrypt hash (server/auth/passwords.ts). NULL: the account has no password
      -- (created before passwords) and cannot sign in; its name stays taken.
      ALTER TABLE users ADD COLUMN password_hash TEXT;
      -- Epoch ms: when the session was issued (absolute expiry) and last used (idle expiry).
      ALTER TABLE sessions ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sessions ADD COLUMN last_used_ms INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX sessions_by_user ON sessions (user_id, created_ms);
      CREATE INDEX sessions_by_age ON sessions (created_ms);
      CREATE INDEX messages_by_sender ON messages (sender_id);
    `,
  },
];

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Applies the migrations the database has not had yet; returns the versions applied. */
export function migrate(db: DatabaseSync, location: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new MigrationError(`${location} is at schema version ${current}, newer than this server knows (${latest}); run a newer server or another database`);
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      // user_version takes no bound parameter; the version is a number from this file.
      db.exec(`PRAGMA user_version = ${Math.trunc(m.version)}`);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw new MigrationError(`${location}: migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
    }
    applied.push(m.version);
  }
  return applied;
}
