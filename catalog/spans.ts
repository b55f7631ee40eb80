// Span families (seed 000 phases 0–11 and the server from seed 002/004). Names have few
// distinct values; what varies goes into attributes.
import { API_ENDPOINTS } from "./labels.ts";
import { IPC_CHANNELS } from "./ipc-channels.ts";
import type { SpanAttributeDecl, SpanFamilyDecl } from "./types.ts";

const str = (key: string, description: string): SpanAttributeDecl => ({ key, type: "string", description });
const int = (key: string, description: string): SpanAttributeDecl => ({ key, type: "int", description });
const dbl = (key: string, description: string): SpanAttributeDecl => ({ key, type: "double", description });
const bool = (key: string, description: string): SpanAttributeDecl => ({ key, type: "boolean", description });

const family = <const F extends SpanFamilyDecl>(decl: F): F => decl;

/** Route templates the server serves, with the methods each accepts. */
export const SERVER_ROUTES = [
  ["POST", "/api/auth/sign-in"],
  ["GET", "/api/chatrooms"],
  ["GET", "/api/chatrooms/:id"],
  ["GET", "/api/chatrooms/:id/emotes"],
  ["POST", "/api/chatrooms/:id/messages"],
  ["GET", "/api/users/:id"],
  ["GET", "/api/links/:id"],
  ["GET", "/healthz"],
] as const satisfies readonly (readonly [string, (typeof API_ENDPOINTS)[number]])[];

const HTTP_NAMES = SERVER_ROUTES.map(([method, route]) => `${method} ${route}`);

export const SPAN_FAMILIES = {
  startup: family({
    family: "main_startup_boot",
    namePattern: "main_startup_boot",
    names: ["main_startup_boot"],
    kind: "internal",
    description: "Main process start-up, from process start to the first window shown (seed 000 P0).",
    attributes: [str("process.type", "electron-main"), str("service.version", "App version")],
    emittedBy: ["client-main"],
  }),
  ipc: family({
    family: "ipc",
    namePattern: "ipc:.*",
    names: IPC_CHANNELS.map((c) => `ipc:${c}`),
    kind: "server",
    description: "One IPC invocation handled in main; child of the renderer span that caused it.",
    attributes: [
      str("ipc.channel", "Channel name"),
      str("ipc.kind", "invoke"),
      str("ipc.origin", "renderer"),
      int("ipc.payload_size", "Payload size in bytes (JSON)"),
      bool("ipc.rejected", "Payload failed validation"),
    ],
    emittedBy: ["client-main"],
  }),
  ws: family({
    family: "ws",
    namePattern: "ws:.*",
    names: ["ws:connect", "ws:reconnect"],
    kind: "client",
    description: "A WebSocket connection from connect to close, with open/close/error events (seed 000 P2).",
    attributes: [
      str("ws.url", "Endpoint URL without query string"),
      str("ws.streamer_id", "Streamer id"),
      str("ws.streamer_name", "Streamer name"),
      str("chatroom_id", "Chatroom id"),
      str("ws.phase", "connect | open | close | error"),
      int("reconnect.attempt", "Attempt number, 0 for the first connect"),
    ],
    emittedBy: ["client-renderer"],
  }),
  window: family({
    family: "window",
    namePattern: "window:.*",
    names: ["window:create", "window:closed"],
    kind: "internal",
    description: "BrowserWindow created or closed (seed 000 P3).",
    attributes: [str("window.name", "Window type, e.g. settings")],
    emittedBy: ["client-main"],
  }),
  emote: family({
    family: "emote",
    namePattern: "emote:.*",
    names: ["emote:lookup", "emote:render"],
    kind: "internal",
    description: "Emote cache lookup and render (seed 000 P4).",
    attributes: [
      str("emote.name", "Emote code"),
      str("emote.source", "7tv | kick | bttv"),
      bool("cache.hit", "Answered from cache"),
      str("cache.tier", "memory | disk"),
    ],
    emittedBy: ["client-renderer"],
  }),
  zustand: family({
    family: "zustand",
    namePattern: "zustand:.*",
    names: [
      "zustand:add-message",
      "zustand:delete-message",
      "zustand:update-presence",
      "zustand:set-connection-state",
      "zustand:join-chatroom",
      "zustand:leave-chatroom",
      "zustand:set-emotes",
    ],
    kind: "internal",
    description: "Chat store mutation (seed 000 P5).",
    attributes: [str("zustand.store", "Store name"), str("zustand.action", "Action name")],
    emittedBy: ["client-renderer"],
  }),
  lexical: family({
    family: "lexical",
    namePattern: "lexical:.*",
    names: ["lexical:keydown", "lexical:suggestion", "lexical:insert-emote", "lexical:insert-mention", "lexical:send"],
    kind: "internal",
    description: "Editor UX: keydown, suggestions shown, insertions, send (seed 000 P6).",
    attributes: [
      str("lexical.key", "Key name for keydown (never the typed text)"),
      int("lexical.suggestions", "Suggestions shown"),
      str("chatroom_id", "Chatroom id"),
    ],
    emittedBy: ["client-renderer"],
  }),
  store: family({
    family: "store",
    namePattern: "store:.*",
    names: ["store:get", "store:set", "store:delete"],
    kind: "internal",
    description: "Settings persistence on disk (seed 000 P7).",
    attributes: [
      str("store.key", "Settings key"),
      str("store.op", "get | set | delete"),
      int("store.value_size", "Serialized value size in bytes"),
      bool("store.success", "Operation succeeded"),
    ],
    emittedBy: ["client-main"],
  }),
  updater: family({
    family: "updater",
    namePattern: "updater:.*",
    names: ["updater:check", "updater:available", "updater:not-available", "updater:downloading", "updater:ready", "updater:error"],
    kind: "internal",
    description: "Auto-updater lifecycle (seed 000 P9).",
    attributes: [str("updater.version", "Version concerned"), dbl("updater.percent", "Download progress, 0–100")],
    emittedBy: ["client-main"],
  }),
  apiClient: family({
    family: "http-client",
    namePattern: "(GET|POST|PUT|PATCH|DELETE) /.*",
    names: HTTP_NAMES,
    kind: "client",
    description: "HTTP call from main to the chat API; its context continues on the server.",
    attributes: [
      str("http.request.method", "Method"),
      str("url.template", "Route template"),
      int("http.response.status_code", "Status"),
      str("server.address", "Host"),
    ],
    emittedBy: ["client-main"],
  }),
  httpServer: family({
    family: "http-server",
    namePattern: "(GET|POST|PUT|PATCH|DELETE) /.*",
    names: HTTP_NAMES,
    kind: "server",
    description: "HTTP request served by the chat server.",
    attributes: [
      str("http.request.method", "Method"),
      str("http.route", "Route template"),
      int("http.response.status_code", "Status"),
    ],
    emittedBy: ["server"],
  }),
  chatServer: family({
    family: "chat",
    namePattern: "chat:.*",
    names: ["chat:subscribe", "chat:publish", "chat:disconnect"],
    kind: "server",
    description: "Server WebSocket: a subscription, a fan-out of one event, a close.",
    attributes: [
      str("chatroom_id", "Chatroom id"),
      str("chat.event", "Event kind fanned out"),
      int("chat.subscribers", "Subscribers reached"),
      str("chat.close_reason", "Why the socket closed"),
    ],
    emittedBy: ["server"],
  }),
  link: family({
    family: "link",
    namePattern: "link:.*",
    names: ["link:process", "link:fetch", "link:extract"],
    kind: "internal",
    description: "Link processing (seed 004): fetch the page, extract metadata.",
    attributes: [
      str("link.id", "Link id"),
      str("link.domain", "Host of the URL"),
      str("link.status", "completed | failed"),
      str("link.failure_reason", "timeout | http_error | not_html | network | invalid_url | blocked"),
      int("http.response.status_code", "Status of the fetch"),
    ],
    emittedBy: ["server"],
  }),
} as const;

/** Every span name any family declares, once (client and server HTTP spans share names). */
export const ALL_SPAN_NAMES: readonly string[] = [...new Set(Object.values(SPAN_FAMILIES).flatMap((f) => f.names))];
