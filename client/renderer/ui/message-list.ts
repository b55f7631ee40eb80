// The message list of the active chatroom: one memoized row per message (so a new message
// renders one row, not the list), words that name emotes drawn as emotes, links as links.
// A row can be answered (Reply sets the composer's target); a reply shows whom it answers,
// and a message with replies opens its thread in the reply_thread dialog. Hide removes a row
// from this client's view only (zustand:delete-message). Each render of the list, from the
// render starting to the DOM being committed, is a chat_render sample (renderer-logs.ts).
import { createElement as h, memo, useEffect, useLayoutEffect, useMemo, useRef, type ReactNode } from "react";
import { useStore } from "zustand";
import type { ChatMessage } from "../../../protocol/index.ts";
import type { ChatClient } from "../chat/chat-client.ts";
import { EmoteImage } from "./emote.ts";
import { messageTime, snippet } from "./format.ts";

const URL_RE = /^https?:\/\/\S+$/;

function userColor(name: string): string {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 70% 65%)`;
}

interface RowProps {
  readonly client: ChatClient;
  readonly message: ChatMessage;
  readonly showTime: boolean;
  /** Replies to this message among the loaded ones. */
  readonly replies: number;
  /** The message this one answers, when it is loaded here. */
  readonly parent: ChatMessage | undefined;
}

const MessageRow = memo(function MessageRow(props: RowProps) {
  const { client, message, showTime, replies, parent } = props;
  const parts: ReactNode[] = [];
  message.content.split(/(\s+)/).forEach((word, i) => {
    if (client.emotes.has(message.chatroomId, word)) parts.push(h(EmoteImage, { key: i, client, chatroomId: message.chatroomId, name: word }));
    else if (URL_RE.test(word)) parts.push(h("a", { key: i, href: word, target: "_blank", rel: "noreferrer" }, word));
    else parts.push(word);
  });
  const openUser = () => void client.api.window.openDialog({ dialog: "user", params: { userId: message.sender.id } });
  const openThread = (messageId: string) => () =>
    void client.api.window.openDialog({ dialog: "reply_thread", params: { chatroomId: message.chatroomId, messageId } });
  return h(
    "div",
    { className: `message message-${message.type}`, "data-message-id": message.id },
    message.replyTo
      ? h(
          "button",
          { className: "message-reply-to", "data-testid": "reply-context", onClick: openThread(message.replyTo) },
          parent ? `↪ @${parent.sender.username}: ${snippet(parent.content, 40)}` : "↪ reply",
        )
      : null,
    showTime ? h("time", { className: "message-time" }, messageTime(message.createdAt)) : null,
    h("button", { className: "message-user", style: { color: userColor(message.sender.username) }, onClick: openUser }, message.sender.username),
    h("span", { className: "message-sep" }, ": "),
    h("span", { className: "message-content" }, ...parts),
    replies > 0
      ? h("button", { className: "message-thread", "data-testid": "open-thread", onClick: openThread(message.id) }, `${replies} ${replies === 1 ? "reply" : "replies"}`)
      : null,
    message.type === "system"
      ? null
      : h(
          "button",
          { className: "message-action", "data-testid": "reply-button", title: "Reply", onClick: () => client.store.getState().setReplyTarget(message.chatroomId, message) },
          "Reply",
        ),
    h(
      "button",
      { className: "message-action", "data-testid": "hide-button", title: "Hide for me", onClick: () => client.hideMessage(message.chatroomId, message.id) },
      "Hide",
    ),
  );
});

export function MessageList({ client, chatroomId, showTime }: { client: ChatClient; chatroomId: string; showTime: boolean }) {
  const renderStarted = performance.now();
  const messages = useStore(client.store, (s) => s.rooms[chatroomId]?.messages ?? EMPTY);
  const end = useRef<HTMLDivElement>(null);
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const replyCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const m of messages) if (m.replyTo) counts.set(m.replyTo, (counts.get(m.replyTo) ?? 0) + 1);
    return counts;
  }, [messages]);
  // No deps: every commit of the list is one sample, in ms.
  useLayoutEffect(() => {
    client.telemetry.chatRender.observe(performance.now() - renderStarted);
  });
  // Braces matter: newer Chromium's scrollIntoView returns a promise, and an effect may only return a cleanup.
  useEffect(() => {
    void end.current?.scrollIntoView({ block: "end" });
  }, [messages.length]);
  return h(
    "div",
    { className: "message-list", "data-testid": "message-list" },
    messages.length === 0 ? h("div", { className: "empty" }, "No messages yet. Say hi!") : null,
    ...messages.map((m) =>
      h(MessageRow, { key: m.id, client, message: m, showTime, replies: replyCounts.get(m.id) ?? 0, parent: m.replyTo ? byId.get(m.replyTo) : undefined }),
    ),
    h("div", { ref: end }),
  );
}

const EMPTY: readonly ChatMessage[] = [];
