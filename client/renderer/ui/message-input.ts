// The message editor (a textarea standing in for seed 000's Lexical editor; the span names
// stay `lexical:*`). Timings (seed 000 P6): keydown → suggestion list visible, emote and
// mention insertion, and Enter → the server's acknowledgement of the send. The send runs
// inside the `lexical:send` span, so the IPC call it makes is that span's child.
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { createElement as h, useEffect, useLayoutEffect, useRef, useState, type ChangeEvent, type KeyboardEvent, type MouseEvent } from "react";
import { useStore } from "zustand";
import type { INPUT_INTERACTION } from "../../../catalog/labels.ts";
import { MAX_MESSAGE_LENGTH } from "../../../protocol/index.ts";
import type { ChatClient } from "../chat/chat-client.ts";
import { snippet } from "./format.ts";

type Interaction = (typeof INPUT_INTERACTION.values)[number];

interface Suggestion {
  readonly kind: "emote" | "mention";
  readonly label: string;
  readonly insert: string;
  readonly source?: string;
}

/** The `:emo` or `@us` token ending at the caret, if any. */
export function tokenAtCaret(text: string, caret: number): { trigger: ":" | "@"; query: string; start: number } | undefined {
  const m = /(^|\s)([:@])(\w*)$/.exec(text.slice(0, caret));
  if (!m) return undefined;
  return { trigger: m[2] as ":" | "@", query: m[3] ?? "", start: caret - (m[3]?.length ?? 0) - 1 };
}

/** Key names for spans: never the typed character itself. */
function keyName(key: string): string {
  return key.length === 1 ? (key === ":" || key === "@" ? key : "character") : key;
}

export function MessageInput({ client, chatroomId }: { client: ChatClient; chatroomId: string }) {
  const { tracer, metrics } = client.telemetry;
  const [text, setText] = useState("");
  const [suggestions, setSuggestions] = useState<readonly Suggestion[]>([]);
  const [selected, setSelected] = useState(0);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const input = useRef<HTMLTextAreaElement>(null);
  const keydownAt = useRef<number | undefined>(undefined);
  const pendingInsert = useRef<{ at: number; kind: "emote" | "mention"; caret: number } | undefined>(undefined);
  const replyTarget = useStore(client.store, (s) => s.rooms[chatroomId]?.replyTarget);
  const cancelReply = () => client.store.getState().setReplyTarget(chatroomId, undefined);

  useEffect(() => {
    if (!sending) input.current?.focus();
  }, [sending, chatroomId, replyTarget]);

  const observe = (interaction: Interaction, startedAt: number) => {
    metrics.record("inputLatency", (performance.now() - startedAt) / 1000, { interaction });
  };

  // Suggestion list committed to the DOM: keydown → suggestion_visible.
  useLayoutEffect(() => {
    const at = keydownAt.current;
    if (suggestions.length === 0 || at === undefined) return;
    keydownAt.current = undefined;
    tracer
      .startSpan("lexical:suggestion", {
        kind: SpanKind.INTERNAL,
        startTime: at,
        attributes: { "lexical.suggestions": suggestions.length, chatroom_id: chatroomId },
      })
      .end();
    observe("suggestion_visible", at);
  }, [suggestions]);

  // Inserted text committed: selection → emote_insert / mention_insert.
  useLayoutEffect(() => {
    const p = pendingInsert.current;
    if (!p) return;
    pendingInsert.current = undefined;
    // Caret after the inserted text, in the same commit: a later frame (requestAnimationFrame)
    // could land after the next keystroke and move the caret back into the middle of it.
    input.current?.setSelectionRange(p.caret, p.caret);
    tracer
      .startSpan(p.kind === "emote" ? "lexical:insert-emote" : "lexical:insert-mention", {
        kind: SpanKind.INTERNAL,
        startTime: p.at,
        attributes: { chatroom_id: chatroomId },
      })
      .end();
    observe(p.kind === "emote" ? "emote_insert" : "mention_insert", p.at);
  }, [text]);

  const computeSuggestions = (value: string, caret: number): Suggestion[] => {
    const token = tokenAtCaret(value, caret);
    if (!token) return [];
    if (token.trigger === ":") {
      if (token.query.length === 0) return [];
      return client.emotes.suggest(chatroomId, token.query).map((e) => ({ kind: "emote", label: e.name, insert: e.name, source: e.source }));
    }
    const q = token.query.toLowerCase();
    const names = new Set<string>();
    const messages = client.store.getState().rooms[chatroomId]?.messages ?? [];
    for (let i = messages.length - 1; i >= 0 && names.size < 8; i--) {
      const name = messages[i]?.sender.username;
      if (name && name.toLowerCase().startsWith(q)) names.add(name);
    }
    return [...names].map((n) => ({ kind: "mention", label: `@${n}`, insert: `@${n}` }));
  };

  const insert = (s: Suggestion) => {
    const el = input.current;
    const caret = el?.selectionStart ?? text.length;
    const token = tokenAtCaret(text, caret);
    if (!token) return;
    pendingInsert.current = { at: performance.now(), kind: s.kind, caret: token.start + s.insert.length + 1 };
    const next = `${text.slice(0, token.start)}${s.insert} ${text.slice(caret)}`;
    setText(next);
    setSuggestions([]);
  };

  const send = () => {
    const content = text.trim();
    if (content.length === 0 || sending) return;
    const startedAt = performance.now();
    const room = client.store.getState().rooms[chatroomId];
    const streamer = room?.chatroom.streamerName ?? "unknown";
    setSending(true);
    setError(undefined);
    void tracer.startActiveSpan("lexical:send", { kind: SpanKind.INTERNAL, attributes: { chatroom_id: chatroomId } }, async (span) => {
      let success = false;
      let type = replyTarget ? "reply" : "regular";
      try {
        const message = await client.send(chatroomId, content, replyTarget ? { replyTo: replyTarget.id } : {});
        type = message.type;
        success = true;
        setText("");
        if (replyTarget) cancelReply();
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        setError((err as Error).message.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, ""));
        await client.telemetry.errors.report(err, { area: "lexical", chatroomId });
      } finally {
        const seconds = (performance.now() - startedAt) / 1000;
        metrics.record("messageSendDuration", seconds, { success: String(success) });
        metrics.record("messagesSent", 1, { message_type: type, streamer_name: streamer, success: String(success) });
        if (success) observe("send_ack", startedAt);
        span.end();
        setSending(false);
      }
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    tracer.startSpan("lexical:keydown", { kind: SpanKind.INTERNAL, attributes: { "lexical.key": keyName(e.key) } }).end();
    keydownAt.current = performance.now();
    if (suggestions.length > 0) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setSelected((i) => (i + (e.key === "ArrowDown" ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (e.key === "Tab" || e.key === "Enter") {
        e.preventDefault();
        const s = suggestions[selected];
        if (s) insert(s);
        return;
      }
      if (e.key === "Escape") {
        setSuggestions([]);
        return;
      }
    }
    if (e.key === "Escape" && replyTarget) {
      cancelReply();
      return;
    }
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  };

  const onChange = (e: ChangeEvent<HTMLTextAreaElement>) => {
    const value = e.target.value.slice(0, MAX_MESSAGE_LENGTH);
    setText(value);
    setSelected(0);
    setSuggestions(computeSuggestions(value, e.target.selectionStart ?? value.length));
  };

  return h(
    "div",
    { className: "composer" },
    suggestions.length > 0
      ? h(
          "ul",
          { className: "suggestions", "data-testid": "suggestions", role: "listbox" },
          ...suggestions.map((s, i) =>
            h(
              "li",
              {
                key: s.label,
                role: "option",
                "aria-selected": i === selected,
                className: i === selected ? "selected" : "",
                onMouseDown: (ev: MouseEvent) => {
                  ev.preventDefault();
                  insert(s);
                },
              },
              h("span", { className: "suggestion-label" }, s.label),
              s.source ? h("span", { className: "suggestion-source" }, s.source) : null,
            ),
          ),
        )
      : null,
    error ? h("div", { className: "composer-error", role: "alert" }, error) : null,
    replyTarget
      ? h(
          "div",
          { className: "composer-reply", "data-testid": "reply-banner" },
          h("span", null, "Replying to ", h("strong", null, `@${replyTarget.sender.username}`), `: ${snippet(replyTarget.content)}`),
          h("button", { className: "composer-reply-cancel", "data-testid": "cancel-reply", title: "Cancel reply (Esc)", onClick: cancelReply }, "✕"),
        )
      : null,
    h("textarea", {
      ref: input,
      className: "composer-input",
      "data-testid": "message-input",
      placeholder: "Send a message…  (:emote  @mention)",
      rows: 1,
      value: text,
      readOnly: sending,
      onKeyDown,
      onChange,
    }),
    h("div", { className: "composer-count" }, `${text.length}/${MAX_MESSAGE_LENGTH}`),
  );
}
