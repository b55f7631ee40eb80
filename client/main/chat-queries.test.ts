// The dialogs' views of a room's history, as pure functions: ordering, ties, the result cap,
// what is left out.
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../protocol/index.ts";
import { MAX_SEARCH_RESULTS, chattersOf, replyThreadOf, searchMessages } from "./chat-queries.ts";

let seq = 0;
function msg(username: string, content: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  seq++;
  return {
    id: `m${seq}`,
    chatroomId: "1001",
    sender: { id: `u-${username}`, username },
    content,
    type: "regular",
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 0, seq)).toISOString(),
    links: [],
    ...extra,
  };
}

describe("chattersOf", () => {
  it("counts each sender once, most active first, ties by the latest message then by name, system messages left out", () => {
    const history = [msg("bob", "a"), msg("alice", "b"), msg("carol", "c"), msg("alice", "d"), msg("dave", "e"), msg("server", "joined", { type: "system" })];
    const earlyTie = { ...msg("erin", "f"), createdAt: history[4]?.createdAt ?? "" };
    const result = chattersOf("1001", [...history, earlyTie]);
    expect(result.scanned).toBe(7);
    expect(result.chatters.map((c) => [c.username, c.messages])).toEqual([
      ["alice", 2],
      ["dave", 1], // same time as erin: by name
      ["erin", 1],
      ["carol", 1],
      ["bob", 1],
    ]);
    expect(result.chatters[0]).toEqual({ id: "u-alice", username: "alice", messages: 2, lastMessageAt: history[3]?.createdAt });
  });
});

describe("searchMessages", () => {
  it("matches a trimmed, case-insensitive substring of the text, newest first", () => {
    const history = [msg("a", "BREAKING News"), msg("b", "nothing"), msg("c", "old news again"), msg("d", "news", { type: "system" })];
    const result = searchMessages("1001", history, "  nEWs ");
    expect(result).toMatchObject({ chatroomId: "1001", query: "nEWs", scanned: 4, total: 2 });
    expect(result.messages.map((m) => m.content)).toEqual(["old news again", "BREAKING News"]);
  });

  it(`returns at most ${MAX_SEARCH_RESULTS}, the newest, and counts them all`, () => {
    const history = Array.from({ length: MAX_SEARCH_RESULTS + 7 }, (_, i) => msg("a", `hit ${i}`));
    const result = searchMessages("1001", history, "HIT");
    expect(result.total).toBe(MAX_SEARCH_RESULTS + 7);
    expect(result.messages).toHaveLength(MAX_SEARCH_RESULTS);
    expect(result.messages[0]?.content).toBe(`hit ${MAX_SEARCH_RESULTS + 6}`);
    expect(result.messages.at(-1)?.content).toBe("hit 7");
  });
});

describe("replyThreadOf", () => {
  it("returns the message and its direct replies, oldest first; a reply to a reply belongs to that reply's thread", () => {
    const root = msg("a", "root");
    const r1 = msg("b", "first", { type: "reply", replyTo: root.id });
    const other = msg("c", "other");
    const r2 = msg("c", "second", { type: "reply", replyTo: root.id });
    const nested = msg("a", "nested", { type: "reply", replyTo: r1.id });
    const history = [root, r1, other, r2, nested];
    expect(replyThreadOf("1001", history, root.id)).toEqual({ chatroomId: "1001", messageId: root.id, message: root, replies: [r1, r2] });
    expect(replyThreadOf("1001", history, r1.id).replies).toEqual([nested]);
    // The root aged out of history: its replies are still found.
    expect(replyThreadOf("1001", history.slice(1), root.id)).toMatchObject({ message: null, replies: [r1, r2] });
  });
});
