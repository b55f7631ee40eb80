// The server's state: users, session tokens, chatrooms, emote sets and messages, kept in
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
    userByKey: q("SELECT id, username, created_at FROM users WHERE username_key = ?"),
    insertUser: q("INSERT INTO users (username, username_key, created_at) VALUES (?, ?, ?) RETURNING id, username, created_at"),
    insertSession: q("INSERT INTO sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)"),
    userByToken: q("SELECT u.id, u.username, u.created_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?"),
    userById: q("SELECT id, username, created_at FROM users WHERE id = ?"),
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

export class ChatState {
  readonly #db: DatabaseSync;
  readonly #q: ReturnType<typeof prepare>;

  constructor(db: DatabaseSync) {
    this.#db = db;
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

  /** Signs a user in by name (created on first sign-in) and issues a new bearer token. */
  signIn(username: string): { token: string; user: User } {
    const now = new Date().toISOString();
    const token = randomBytes(24).toString("base64url");
    const user = this.#transaction(() => {
      const key = username.toLowerCase();
      const row = (this.#q.userByKey.get(key) ?? this.#q.insertUser.get(username, key, now)) as unknown as UserRow;
      this.#q.insertSession.run(hashToken(token), row.id, now);
      return toUser(row);
    });
    return { token, user };
  }

  userForToken(token: string): User | undefined {
    const row = this.#q.userByToken.get(hashToken(token)) as UserRow | undefined;
    return row === undefined ? undefined : toUser(row);
  }

  user(id: string): User | undefined {
    if (!ROW_ID.test(id)) return undefined;
    const row = this.#q.userById.get(Number(id)) as UserRow | undefined;
    return row === undefined ? undefined : toUser(row);
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

