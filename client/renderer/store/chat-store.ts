// The chat store (Zustand). Every mutation named in the catalog's zustand span family runs
// inside a `zustand:<action>` span (seed 000 P5), so a received message shows as
// ws message → zustand:add-message in the trace.
import { SpanKind, type Tracer } from "@opentelemetry/api";
import { createStore, type StoreApi } from "zustand/vanilla";
import type { SPAN_FAMILIES } from "../../../catalog/spans.ts";
import type { ChatMessage, Chatroom, Emote } from "../../../protocol/index.ts";

/** Messages kept per chatroom; older ones scroll out (bounded DOM and memory). */
export const MAX_MESSAGES_PER_ROOM = 300;

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface RoomState {
  readonly chatroom: Chatroom;
  readonly connection: ConnectionState;
  readonly messages: readonly ChatMessage[];
  readonly presence: number;
  readonly emotes: readonly Emote[];
  /** The message the composer will answer (Reply on a row), until sent or cancelled. */
  readonly replyTarget: ChatMessage | undefined;
}

export interface ChatState {
  readonly rooms: Readonly<Record<string, RoomState>>;
  readonly order: readonly string[];
  readonly activeId: string | undefined;
  readonly user: { id: string; username: string } | undefined;
}

type ZustandSpan = (typeof SPAN_FAMILIES.zustand.names)[number];
type ActionName = ZustandSpan extends `zustand:${infer A}` ? A : never;

export interface ChatActions {
  joinChatroom(chatroom: Chatroom): void;
  leaveChatroom(chatroomId: string): void;
  addMessage(message: ChatMessage): void;
  deleteMessage(chatroomId: string, messageId: string): void;
  updatePresence(chatroomId: string, count: number): void;
  setConnectionState(chatroomId: string, state: ConnectionState): void;
  setEmotes(chatroomId: string, emotes: readonly Emote[]): void;
  /** UI selection only: not a traced mutation. */
  setActive(chatroomId: string): void;
  /** UI selection only (what the composer replies to): not a traced mutation. */
  setReplyTarget(chatroomId: string, message: ChatMessage | undefined): void;
  setUser(user: { id: string; username: string }): void;
}

export type ChatStore = StoreApi<ChatState & ChatActions>;

export function createChatStore(tracer: Tracer): ChatStore {
  return createStore<ChatState & ChatActions>()((set) => {
    const traced = (action: ActionName, chatroomId: string, update: (s: ChatState) => Partial<ChatState>) => {
      const span = tracer.startSpan(`zustand:${action}` satisfies ZustandSpan, {
        kind: SpanKind.INTERNAL,
        attributes: { "zustand.store": "chat", "zustand.action": action, chatroom_id: chatroomId },
      });
      try {
        set(update);
      } finally {
        span.end();
      }
    };
    const room = (s: ChatState, id: string, change: (r: RoomState) => RoomState): Partial<ChatState> => {
      const r = s.rooms[id];
      return r ? { rooms: { ...s.rooms, [id]: change(r) } } : {};
    };
    return {
      rooms: {},
      order: [],
      activeId: undefined,
      user: undefined,
      joinChatroom: (chatroom) =>
        traced("join-chatroom", chatroom.id, (s) =>
          s.rooms[chatroom.id]
            ? {}
            : {
                rooms: { ...s.rooms, [chatroom.id]: { chatroom, connection: "connecting", messages: [], presence: 0, emotes: [], replyTarget: undefined } },
                order: [...s.order, chatroom.id],
                activeId: s.activeId ?? chatroom.id,
              },
        ),
      leaveChatroom: (id) =>
        traced("leave-chatroom", id, (s) => {
          const { [id]: _gone, ...rooms } = s.rooms;
          const order = s.order.filter((o) => o !== id);
          return { rooms, order, activeId: s.activeId === id ? order[0] : s.activeId };
        }),
      addMessage: (message) =>
        traced("add-message", message.chatroomId, (s) =>
          room(s, message.chatroomId, (r) =>
            r.messages.some((m) => m.id === message.id)
              ? r
              : { ...r, messages: [...r.messages, message].slice(-MAX_MESSAGES_PER_ROOM) },
          ),
        ),
      deleteMessage: (id, messageId) =>
        traced("delete-message", id, (s) => room(s, id, (r) => ({ ...r, messages: r.messages.filter((m) => m.id !== messageId) }))),
      updatePresence: (id, count) => traced("update-presence", id, (s) => room(s, id, (r) => ({ ...r, presence: count }))),
      setConnectionState: (id, connection) =>
        traced("set-connection-state", id, (s) => room(s, id, (r) => (r.connection === connection ? r : { ...r, connection }))),
      setEmotes: (id, emotes) => traced("set-emotes", id, (s) => room(s, id, (r) => ({ ...r, emotes }))),
      setActive: (id) => set({ activeId: id }),
      setReplyTarget: (id, message) => set((s) => room(s, id, (r) => ({ ...r, replyTarget: message }))),
      setUser: (user) => set({ user }),
    };
  });
}
