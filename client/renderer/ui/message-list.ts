// The message list of the active chatroom: one memoized row per message (so a new message
// renders one row, not the list), words that name emotes drawn as emotes, links as links.
import { createElement as h, memo, useEffect, useRef, type ReactNode } from "react";
import { useStore } from "zustand";
import type { ChatMessage } from "../../../protocol/index.ts";
import type { ChatClient } from "../chat/chat-client.ts";
import { EmoteImage } from "./emote.ts";

const URL_RE = /^https?:\/\/\S+$/;

function userColor(name: string): string {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 70% 65%)`;
}

const MessageRow = memo(function MessageRow(props: { client: ChatClient; message: ChatMessage; showTime: boolean }) {
  const { client, message, showTime } = props;
  const parts: ReactNode[] = [];
  message.content.split(/(\s+)/).forEach((word, i) => {
    if (client.emotes.has(message.chatroomId, word)) parts.push(h(EmoteImage, { key: i, client, chatroomId: message.chatroomId, name: word }));
    else if (URL_RE.test(word)) parts.push(h("a", { key: i, href: word, target: "_blank", rel: "noreferrer" }, word));
    else parts.push(word);
  });
  const openUser = () => void client.api.window.openDialog({ dialog: "user", params: { userId: message.sender.id } });
  return h(
    "div",
    { className: `message message-${message.type}`, "data-message-id": message.id },
    showTime ? h("time", { className: "message-time" }, new Date(message.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })) : null,
    h("button", { className: "message-user", style: { color: userColor(message.sender.username) }, onClick: openUser }, message.sender.username),
    h("span", { className: "message-sep" }, ": "),
    h("span", { className: "message-content" }, ...parts),
  );
});

export function MessageList({ client, chatroomId, showTime }: { client: ChatClient; chatroomId: string; showTime: boolean }) {
  const messages = useStore(client.store, (s) => s.rooms[chatroomId]?.messages ?? EMPTY);
  const end = useRef<HTMLDivElement>(null);
  // Braces matter: newer Chromium's scrollIntoView returns a promise, and an effect may only return a cleanup.
  useEffect(() => {
    void end.current?.scrollIntoView({ block: "end" });
  }, [messages.length]);
  return h(
    "div",
    { className: "message-list", "data-testid": "message-list" },
    messages.length === 0 ? h("div", { className: "empty" }, "No messages yet. Say hi!") : null,
    ...messages.map((m) => h(MessageRow, { key: m.id, client, message: m, showTime })),
    h("div", { ref: end }),
  );
}

const EMPTY: readonly ChatMessage[] = [];
