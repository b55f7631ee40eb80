// What the chatters, search and reply-thread dialogs show (seed 000 P3), computed in main
// from one chatroom's recent history (GET /api/chatrooms/:id).
//
// Why main and not a server search route: the server keeps at most 200 messages per room
// (HISTORY_PER_ROOM in server/state.ts), so one GET returns a bounded page (≤ 200 × 500
// characters) that main filters in well under a millisecond; the server's API, its route
// templates and so the `endpoint`/`route` metric labels stay as they are; and the renderer
// receives only the matches. The dialog debounces its input, so a search is one GET per
// pause in typing, not per keystroke. A server with real (unbounded, persisted) history
// would need the search on its side; this one has none.
import type { ChatMessage } from "../../protocol/index.ts";

/** Longest search text, in characters (the dialog's input stops there too). */
export const MAX_SEARCH_QUERY_LENGTH = 100;

/** Most search results returned; newer ones first, so older matches are the ones dropped. */
export const MAX_SEARCH_RESULTS = 50;

export interface Chatter {
  readonly id: string;
  readonly username: string;
  /** Messages of this user among the room's recent messages. */
  readonly messages: number;
  /** ISO time of their latest recent message. */
  readonly lastMessageAt: string;
}

export interface ChattersResult {
  readonly chatroomId: string;
  /** How many recent messages the counts come from. */
  readonly scanned: number;
  /** Most active first; ties by the most recent message, then by name. */
  readonly chatters: readonly Chatter[];
}

export interface SearchResult {
  readonly chatroomId: string;
  readonly query: string;
  readonly scanned: number;
  /** Every match in the scanned history, even beyond the MAX_SEARCH_RESULTS returned. */
  readonly total: number;
  /** Newest first. */
  readonly messages: readonly ChatMessage[];
}

export interface ReplyThread {
  readonly chatroomId: string;
  readonly messageId: string;
  /** The message replied to; null once it has aged out of the room's history. */
  readonly message: ChatMessage | null;
  /** Direct replies to it, oldest first. */
  readonly replies: readonly ChatMessage[];
}

// System messages have no human author; they are neither chatters nor searchable chat.
const isChat = (m: ChatMessage) => m.type !== "system";

export function chattersOf(chatroomId: string, messages: readonly ChatMessage[]): ChattersResult {
  const byId = new Map<string, { id: string; username: string; messages: number; lastMessageAt: string }>();
  for (const m of messages.filter(isChat)) {
    const c = byId.get(m.sender.id);
    if (c === undefined) byId.set(m.sender.id, { id: m.sender.id, username: m.sender.username, messages: 1, lastMessageAt: m.createdAt });
    else {
      c.messages++;
      if (m.createdAt > c.lastMessageAt) c.lastMessageAt = m.createdAt;
    }
  }
  const chatters = [...byId.values()].sort(
    (a, b) => b.messages - a.messages || b.lastMessageAt.localeCompare(a.lastMessageAt) || a.username.localeCompare(b.username),
  );
  return { chatroomId, scanned: messages.length, chatters };
}

/** Case-insensitive substring match on the message text (not the author's name). */
export function searchMessages(chatroomId: string, messages: readonly ChatMessage[], query: string): SearchResult {
  const needle = query.trim().toLocaleLowerCase();
  const matches = messages.filter((m) => isChat(m) && m.content.toLocaleLowerCase().includes(needle));
  return { chatroomId, query: query.trim(), scanned: messages.length, total: matches.length, messages: matches.reverse().slice(0, MAX_SEARCH_RESULTS) };
}

export function replyThreadOf(chatroomId: string, messages: readonly ChatMessage[], messageId: string): ReplyThread {
  return {
    chatroomId,
    messageId,
    message: messages.find((m) => m.id === messageId) ?? null,
    replies: messages.filter((m) => m.replyTo === messageId),
  };
}
