// The server's state: users (with password hashes), sessions (expiring, capped per user),
// chatrooms, emote sets and messages, kept in
// SQLite (store/database.ts). Each write is its own committed statement, so whatever a
// caller has been told was stored (a 201) is in the database when it is told.
import { createHash, randomBytes } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { ChatMessage, Chatroom, Emote } from "../protocol/index.ts";
import { MAX_HISTORY_PAGE } from "../protocol/index.ts";
import { SEED_CHATROOMS, SEED_EMOTES } from "./seed.ts";

export interface User {
  readonly id: string;
  readonly username: string;
  readonly createdAt: string;
}

/** One page of a chatroom's history, oldest first, and where the page before it starts. */
export interface HistoryPage {
  readonly messages: readonly ChatMessage[];
  /** Pass as `before` for the older page; undefined when this page reaches the first message. */
  readonly olderCursor: string | undefined;
}

interface UserRow {
  id: number;
  username: string;
  created_at: string;
}

interface MessageRow {
  id: number;
  chatroom_id: string;
  sender_id: number;
  sender_username: string;
  content: string;
  type: ChatMessage["type"];
  created_at: string;
  reply_to: string | null;
  links: string;
}

interface ChatroomRow {
  id: string;
  slug: string;
  streamer_id: string;
  streamer_name: string;
}

/** A session's last use is written at most this often (ms): idle expiry is that coarse. */
const TOUCH_MS = 60_000;
/** SQLite's extended result code for a UNIQUE constraint failure. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const toUser = (r: UserRow): User => ({ id: String(r.id), username: r.username, createdAt: r.created_at });
const toChatroom = (r: ChatroomRow): Chatroom => ({ id: r.id, slug: r.slug, streamerId: r.streamer_id, streamerName: r.streamer_name });
/** User and message ids are rows' AUTOINCREMENT ids as decimal strings; anything else names no row. */
const ROW_ID = /^[1-9][0-9]{0,15}$/;

/** Whether `cursor` can name a message (for validating a `before` query parameter). */
export const isMessageCursor = (cursor: string): boolean => ROW_ID.test(cursor);

function prepare(db: DatabaseSync) {
  const q = (sql: string) => db.prepare(sql);
  return {
    accountByKey: q("SELECT id, username, created_at, password_hash FROM users WHERE username_key = ?"),
    insertUser: q("INSERT INTO users (username, username_key, created_at, password_hash) VALUES (?, ?, ?, ?) RETURNING id, username, created_at"),
    insertSession: q("INSERT INTO sessions (token_hash, user_id, created_at, created_ms, last_used_ms) VALUES (?, ?, ?, ?, ?)"),
    // The newest `limit` sessions of a user stay; rowid breaks ties within one millisecond.
    trimSessions: q(
      `DELETE FROM sessions WHERE user_id = ? AND rowid NOT IN
         (SELECT rowid FROM sessions WHERE user_id = ? ORDER BY created_ms DESC, rowid DESC LIMIT ?)`,
    ),
    userByToken: q(
      "SELECT u.id, u.username, u.created_at, s.created_ms, s.last_used_ms FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
    ),
    touchSession: q("UPDATE sessions SET last_used_ms = ? WHERE token_hash = ?"),
    deleteSession: q("DELETE FROM sessions WHERE token_hash = ?"),
    deleteUserSessions: q("DELETE FROM sessions WHERE user_id = ?"),
    deleteOtherSessions: q("DELETE FROM sessions WHERE user_id = ? AND token_hash != ?"),
    // Compare-and-set: a change that raced another one (both checked the old hash) loses.
    setPasswordHash: q("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash IS ?"),
    sweepSessions: q("DELETE FROM sessions WHERE created_ms <= ? OR last_used_ms <= ?"),
    countSessions: q("SELECT count(*) AS n FROM sessions"),
    countUserSessions: q("SELECT count(*) AS n FROM sessions WHERE user_id = ?"),
    userById: q("SELECT id, username, created_at FROM users WHERE id = ?"),
    roomsPostedIn: q("SELECT DISTINCT chatroom_id FROM messages WHERE sender_id = ?"),
    chatrooms: q("SELECT id, slug, streamer_id, streamer_name FROM chatrooms ORDER BY id"),
    chatroom: q("SELECT id, slug, streamer_id, streamer_name FROM chatrooms WHERE id = ?"),
    emotes: q("SELECT emotes FROM emote_sets WHERE chatroom_id = ?"),
    setEmotes: q("INSERT INTO emote_sets (chatroom_id, emotes) VALUES (?, ?) ON CONFLICT (chatroom_id) DO UPDATE SET emotes = excluded.emotes"),
    insertMessage: q(
      `INSERT INTO messages (chatroom_id, sender_id, sender_username, content, type, created_at, reply_to, links)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ),
    latest: q("SELECT * FROM messages WHERE chatroom_id = ? ORDER BY id DESC LIMIT ?"),
    before: q("SELECT * FROM messages WHERE chatroom_id = ? AND id < ? ORDER BY id DESC LIMIT ?"),
    message: q("SELECT * FROM messages WHERE chatroom_id = ? AND id = ?"),
  };
}

function toMessage(r: MessageRow): ChatMessage {
  return {
    id: String(r.id),
    chatroomId: r.chatroom_id,
    sender: { id: String(r.sender_id), username: r.sender_username },
    content: r.content,
    type: r.type,
    createdAt: r.created_at,
    links: JSON.parse(r.links) as ChatMessage["links"],
    ...(r.reply_to !== null ? { replyTo: r.reply_to } : {}),
  };
}

export interface SessionOptions {
  /** A session unused this long (ms) has expired. */
  readonly sessionIdleMs: number;
  /** A session this old (ms) has expired. */
  readonly sessionMaxAgeMs: number;
  /** Sessions kept per user; the oldest go first. */
  readonly maxSessionsPerUser: number;
  /** Clock in epoch ms (tests pass their own). */
  readonly now?: () => number;
}

/** For tests and tools that need none of the bounds: sessions that last a day, ten per user. */
export const LENIENT_SESSIONS: SessionOptions = { sessionIdleMs: 86_400_000, sessionMaxAgeMs: 86_400_000, maxSessionsPerUser: 10 };

export class ChatState {
  readonly #db: DatabaseSync;
  readonly #q: ReturnType<typeof prepare>;
  readonly #opts: SessionOptions;
  readonly #now: () => number;

  constructor(db: DatabaseSync, opts: SessionOptions = LENIENT_SESSIONS) {
    this.#db = db;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#seed();
    this.#q = prepare(db);
  }

  /** The seeded chatrooms and their first emote sets; rows already there are kept. */
  #seed(): void {
    const room = this.#db.prepare("INSERT OR IGNORE INTO chatrooms (id, slug, streamer_id, streamer_name) VALUES (?, ?, ?, ?)");
    const emotes = this.#db.prepare("INSERT OR IGNORE INTO emote_sets (chatroom_id, emotes) VALUES (?, ?)");
    this.#transaction(() => {
      for (const r of SEED_CHATROOMS) {
        room.run(r.id, r.slug, r.streamerId, r.streamerName);
        emotes.run(r.id, JSON.stringify(SEED_EMOTES[r.id] ?? []));
      }
    });
  }

  #transaction<T>(work: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const out = work();
      this.#db.exec("COMMIT");
      return out;
    } catch (err) {
      this.#db.exec("ROLLBACK");
      throw err;
    }
  }

  /** The user named `username` (case-insensitively) and their password hash (undefined: none). */
  account(username: string): { readonly user: User; readonly passwordHash: string | undefined } | undefined {
    const row = this.#q.accountByKey.get(username.toLowerCase()) as (UserRow & { password_hash: string | null }) | undefined;
    return row === undefined ? undefined : { user: toUser(row), passwordHash: row.password_hash ?? undefined };
  }

  /**
   * Creates a user; undefined when the name is taken (case-insensitively). A null hash makes an
   * account that cannot sign in (tests and benches that only need a sender).
   */
  createUser(username: string, passwordHash: string | null): User | undefined {
    try {
      const row = this.#q.insertUser.get(username, username.toLowerCase(), new Date(this.#now()).toISOString(), passwordHash) as unknown as UserRow;
      return toUser(row);
    } catch (err) {
      if ((err as { errcode?: number }).errcode === SQLITE_CONSTRAINT_UNIQUE) return undefined;
      throw err;
    }
  }

  /**
   * Issues a bearer token for a new session of `userId`; only its SHA-256 is stored. Past
   * maxSessionsPerUser the user's oldest sessions are revoked.
   */
  openSession(userId: string): string {
    const token = randomBytes(24).toString("base64url");
    const now = this.#now();
    this.#transaction(() => {
      this.#q.insertSession.run(hashToken(token), Number(userId), new Date(now).toISOString(), now, now);
      this.#q.trimSessions.run(Number(userId), Number(userId), this.#opts.maxSessionsPerUser);
    });
    return token;
  }

  /**
   * The user a token signs in, or undefined: unknown, revoked, idle for sessionIdleMs or older
   * than sessionMaxAgeMs (an expired session is deleted when seen). Use is written at most once
   * per TOUCH_MS (or a quarter of the idle time), so reads do not each cost a write.
   */
  userForToken(token: string): User | undefined {
    const hash = hashToken(token);
    const row = this.#q.userByToken.get(hash) as (UserRow & { created_ms: number; last_used_ms: number }) | undefined;
    if (row === undefined) return undefined;
    const now = this.#now();
    if (now - row.created_ms >= this.#opts.sessionMaxAgeMs || now - row.last_used_ms >= this.#opts.sessionIdleMs) {
      this.#q.deleteSession.run(hash);
      return undefined;
    }
    if (now - row.last_used_ms >= Math.min(TOUCH_MS, this.#opts.sessionIdleMs / 4)) this.#q.touchSession.run(now, hash);
    return toUser(row);
  }

  /** Ends the session of `token`; whether there was one. */
  revokeSession(token: string): boolean {
    return Number(this.#q.deleteSession.run(hashToken(token)).changes) > 0;
  }

  /** Ends every session of a user (password change, account compromise); how many. */
  revokeAllSessions(userId: string): number {
    return Number(this.#q.deleteUserSessions.run(Number(userId)).changes);
  }

  /**
   * Replaces a user's password hash, if it is still `expected` (what the caller verified the
   * current password against), and revokes every session of theirs but `keepToken`'s, in one
   * transaction. How many sessions were revoked, or undefined when the hash had changed since
   * (another password change won): then nothing is written.
   */
  changePassword(userId: string, expected: string | undefined, passwordHash: string, keepToken: string): number | undefined {
    return this.#transaction(() => {
      if (Number(this.#q.setPasswordHash.run(passwordHash, Number(userId), expected ?? null).changes) === 0) return undefined;
      return Number(this.#q.deleteOtherSessions.run(Number(userId), hashToken(keepToken)).changes);
    });
  }

  /** Deletes expired sessions (the server runs this periodically); how many. */
  sweepSessions(): number {
    const now = this.#now();
    return Number(this.#q.sweepSessions.run(now - this.#opts.sessionMaxAgeMs, now - this.#opts.sessionIdleMs).changes);
  }

  /** Sessions held now: one user's, or everyone's. */
  sessionCount(userId?: string): number {
    const row = (userId === undefined ? this.#q.countSessions.get() : this.#q.countUserSessions.get(Number(userId))) as { n: number };
    return Number(row.n);
  }

  user(id: string): User | undefined {
    if (!ROW_ID.test(id)) return undefined;
    const row = this.#q.userById.get(Number(id)) as UserRow | undefined;
    return row === undefined ? undefined : toUser(row);
  }

  /**
   * User `id` as `viewer` may see them: themselves, and anyone who has posted in a chatroom the
   * viewer may read (whose name and id that room's history shows anyway). Anyone else is
   * undefined, like an id that does not exist: the app only ever looks up a message's sender,
   * and walking ids 1..n lists no account that has not spoken where the viewer can read.
   */
  visibleUser(viewer: User, id: string): User | undefined {
    const user = this.user(id);
    if (user === undefined || user.id === viewer.id) return user;
    const rooms = this.#q.roomsPostedIn.all(Number(id)) as unknown as { chatroom_id: string }[];
    return rooms.some((r) => this.mayReadChatroom(viewer, r.chatroom_id)) ? user : undefined;
  }

  /**
   * Whether a user may read a chatroom's messages (and so the status of its links). Every
   * chatroom is public to signed-in users, as Kick's are; this is the one place to change
   * when rooms get members.
   */
  mayReadChatroom(_user: User, chatroomId: string): boolean {
    return this.chatroom(chatroomId) !== undefined;
  }

  chatrooms(): readonly Chatroom[] {
    return (this.#q.chatrooms.all() as unknown as ChatroomRow[]).map(toChatroom);
  }

  chatroom(id: string): Chatroom | undefined {
    const row = this.#q.chatroom.get(id) as ChatroomRow | undefined;
    return row === undefined ? undefined : toChatroom(row);
  }

  emotes(chatroomId: string): readonly Emote[] | undefined {
    const row = this.#q.emotes.get(chatroomId) as { emotes: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.emotes) as Emote[]);
  }

  setEmotes(chatroomId: string, emotes: readonly Emote[]): void {
    if (this.chatroom(chatroomId) === undefined) throw new Error(`unknown chatroom ${chatroomId}`);
    this.#q.setEmotes.run(chatroomId, JSON.stringify(emotes));
  }

  /** Stores a message; it is committed when this returns, with an id never used before. */
  addMessage(input: Omit<ChatMessage, "id" | "createdAt">): ChatMessage {
    if (this.chatroom(input.chatroomId) === undefined) throw new Error(`unknown chatroom ${input.chatroomId}`);
    const row = this.#q.insertMessage.get(
      input.chatroomId,
      Number(input.sender.id),
      input.sender.username,
      input.content,
      input.type,
      new Date().toISOString(),
      input.replyTo ?? null,
      JSON.stringify(input.links),
    ) as unknown as MessageRow;
    return toMessage(row);
  }

  /** The latest page of a chatroom's history (oldest first). */
  messages(chatroomId: string): readonly ChatMessage[] {
    return this.history(chatroomId).messages;
  }

  /**
   * A page of at most `limit` messages, oldest first: the latest ones, or those just before
   * the message `before` names (a cursor from an earlier page).
   */
  history(chatroomId: string, page: { readonly before?: string; readonly limit?: number } = {}): HistoryPage {
    const limit = Math.max(1, Math.min(page.limit ?? MAX_HISTORY_PAGE, MAX_HISTORY_PAGE));
    // One row more than asked says whether an older page exists.
    const rows = (
      page.before === undefined ? this.#q.latest.all(chatroomId, limit + 1) : this.#q.before.all(chatroomId, Number(page.before), limit + 1)
    ) as unknown as MessageRow[];
    const more = rows.length > limit;
    const pageRows = rows.slice(0, limit).reverse();
    return { messages: pageRows.map(toMessage), olderCursor: more && pageRows.length > 0 ? String(pageRows[0]?.id) : undefined };
  }

  /** One message of a chatroom, or undefined (no such id, or another room's). */
  message(chatroomId: string, id: string): ChatMessage | undefined {
    if (!ROW_ID.test(id)) return undefined;
    const row = this.#q.message.get(chatroomId, Number(id)) as MessageRow | undefined;
    return row === undefined ? undefined : toMessage(row);
  }
}

