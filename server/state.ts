// The server's in-memory state: users, session tokens, chatrooms, emote sets and recent
// messages. Nothing persists across restarts; this is a development and test backend.
import { randomBytes, randomUUID } from "node:crypto";
import type { ChatMessage, Chatroom, Emote } from "../protocol/index.ts";
import { SEED_CHATROOMS, SEED_EMOTES } from "./seed.ts";

export interface User {
  readonly id: string;
  readonly username: string;
  readonly createdAt: string;
}

/** Messages kept per chatroom for history; older ones age out (they were already delivered). */
const HISTORY_PER_ROOM = 200;

export class ChatState {
  readonly #users = new Map<string, User>();
  readonly #usersByName = new Map<string, User>();
  readonly #tokens = new Map<string, string>();
  readonly #chatrooms = new Map<string, Chatroom>();
  readonly #emotes = new Map<string, readonly Emote[]>();
  readonly #messages = new Map<string, ChatMessage[]>();
  #nextUserId = 1;

  constructor() {
    for (const room of SEED_CHATROOMS) {
      this.#chatrooms.set(room.id, room);
      this.#emotes.set(room.id, SEED_EMOTES[room.id] ?? []);
      this.#messages.set(room.id, []);
    }
  }

  /** Signs a user in by name (created on first sign-in) and issues a new bearer token. */
  signIn(username: string): { token: string; user: User } {
    let user = this.#usersByName.get(username.toLowerCase());
    if (user === undefined) {
      user = { id: String(this.#nextUserId++), username, createdAt: new Date().toISOString() };
      this.#users.set(user.id, user);
      this.#usersByName.set(username.toLowerCase(), user);
    }
    const token = randomBytes(24).toString("base64url");
    this.#tokens.set(token, user.id);
    return { token, user };
  }

  userForToken(token: string): User | undefined {
    const id = this.#tokens.get(token);
    return id === undefined ? undefined : this.#users.get(id);
  }

  user(id: string): User | undefined {
    return this.#users.get(id);
  }

  chatrooms(): readonly Chatroom[] {
    return [...this.#chatrooms.values()];
  }

  chatroom(id: string): Chatroom | undefined {
    return this.#chatrooms.get(id);
  }

  emotes(chatroomId: string): readonly Emote[] | undefined {
    return this.#emotes.get(chatroomId);
  }

  setEmotes(chatroomId: string, emotes: readonly Emote[]): void {
    if (!this.#chatrooms.has(chatroomId)) throw new Error(`unknown chatroom ${chatroomId}`);
    this.#emotes.set(chatroomId, emotes);
  }

  addMessage(input: Omit<ChatMessage, "id" | "createdAt">): ChatMessage {
    const message: ChatMessage = { ...input, id: randomUUID(), createdAt: new Date().toISOString() };
    const list = this.#messages.get(input.chatroomId);
    if (list === undefined) throw new Error(`unknown chatroom ${input.chatroomId}`);
    list.push(message);
    if (list.length > HISTORY_PER_ROOM) list.splice(0, list.length - HISTORY_PER_ROOM);
    return message;
  }

  messages(chatroomId: string): readonly ChatMessage[] {
    return this.#messages.get(chatroomId) ?? [];
  }

  /** One message of a chatroom's history (a linear scan of at most HISTORY_PER_ROOM). */
  message(chatroomId: string, id: string): ChatMessage | undefined {
    return this.#messages.get(chatroomId)?.find((m) => m.id === id);
  }
}
