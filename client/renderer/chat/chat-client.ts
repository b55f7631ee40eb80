// The renderer's chat logic, UI-free: sign in, list and join chatrooms (one ChatConnection
// each), emote sets through main, sending through main. The React views call into this.
import type { Chatroom } from "../../../protocol/index.ts";
import type { AppApi } from "../../preload/app-api.ts";
import { createChatStore, type ChatStore } from "../store/chat-store.ts";
import type { RendererTelemetry } from "../telemetry/renderer-telemetry.ts";
import { ChatConnection } from "./chat-connection.ts";
import { EmoteCache } from "./emote-cache.ts";

export interface ChatClientOptions {
  /** Reconnect backoff base in ms (tests use a short one). */
  readonly backoffBaseMs?: number;
}

export class ChatClient {
  readonly api: AppApi;
  readonly telemetry: RendererTelemetry;
  readonly store: ChatStore;
  readonly emotes: EmoteCache;
  readonly #connections = new Map<string, ChatConnection>();
  readonly #options: ChatClientOptions;
  available: readonly Chatroom[] = [];
  wsUrl = "";

  constructor(api: AppApi, telemetry: RendererTelemetry, options: ChatClientOptions = {}) {
    this.api = api;
    this.telemetry = telemetry;
    this.store = createChatStore(telemetry.tracer);
    this.emotes = new EmoteCache(telemetry.tracer, telemetry.metrics);
    this.#options = options;
  }

  async signIn(username: string, password: string): Promise<void> {
    const { user } = await this.api.chat.signIn({ username, password });
    this.store.getState().setUser(user);
  }

  async loadChatrooms(): Promise<readonly Chatroom[]> {
    const { chatrooms, wsUrl } = await this.api.chat.listChatrooms();
    this.available = chatrooms;
    this.wsUrl = wsUrl;
    return chatrooms;
  }

  async join(chatroom: Chatroom): Promise<void> {
    if (this.#connections.has(chatroom.id)) return;
    const state = this.store.getState();
    state.joinChatroom(chatroom);
    const connection = new ChatConnection({
      chatroom,
      wsUrl: this.wsUrl,
      tracer: this.telemetry.tracer,
      metrics: this.telemetry.metrics,
      errors: this.telemetry.errors,
      ...(this.#options.backoffBaseMs !== undefined ? { backoffBaseMs: this.#options.backoffBaseMs } : {}),
      handlers: {
        onState: (s) => this.store.getState().setConnectionState(chatroom.id, s),
        onMessage: (m) => this.store.getState().addMessage(m),
        onPresence: (n) => this.store.getState().updatePresence(chatroom.id, n),
        onEmoteSetUpdate: () => void this.refreshEmotes(chatroom.id),
      },
    });
    this.#connections.set(chatroom.id, connection);
    this.telemetry.logs.action("join_chatroom", "chat");
    connection.connect();
    await Promise.all([this.refreshEmotes(chatroom.id), this.#saveJoined()]);
  }

  async leave(chatroomId: string): Promise<void> {
    this.#connections.get(chatroomId)?.close();
    this.#connections.delete(chatroomId);
    this.store.getState().leaveChatroom(chatroomId);
    this.telemetry.logs.action("leave_chatroom", "chat");
    await this.#saveJoined();
  }

  /** Hides a message from this client's view (the row's Hide): it stays on the server. */
  hideMessage(chatroomId: string, messageId: string): void {
    this.store.getState().deleteMessage(chatroomId, messageId);
    this.telemetry.logs.action("hide_message", "chat");
  }

  async refreshEmotes(chatroomId: string): Promise<void> {
    try {
      const { emotes } = await this.api.chat.getEmotes({ chatroomId });
      this.emotes.setEmotes(chatroomId, emotes);
      this.store.getState().setEmotes(chatroomId, emotes);
    } catch (err) {
      await this.telemetry.errors.report(err, { area: "emote", chatroomId });
    }
  }

  /**
   * Sends through main; resolves with the server's acknowledged message. With `replyTo`
   * (a message id of the same room) it is a reply; the server rejects an unknown id (422).
   */
  async send(chatroomId: string, content: string, options: { readonly replyTo?: string } = {}) {
    const { replyTo } = options;
    const type = replyTo !== undefined ? "reply" : content.startsWith("/") ? "command" : "regular";
    const { message } = await this.api.chat.sendMessage({ chatroomId, content, type, ...(replyTo !== undefined ? { replyTo } : {}) });
    this.store.getState().addMessage(message);
    return message;
  }

  connection(chatroomId: string): ChatConnection | undefined {
    return this.#connections.get(chatroomId);
  }

  closeAll(): void {
    for (const c of this.#connections.values()) c.close();
    this.#connections.clear();
  }

  async #saveJoined(): Promise<void> {
    try {
      await this.api.store.set({ key: "chat.joinedChatrooms", value: this.store.getState().order });
    } catch (err) {
      await this.telemetry.errors.report(err, { area: "store" });
    }
  }
}
