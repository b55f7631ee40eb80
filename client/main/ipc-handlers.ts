// The handler of every IPC channel, and their registration through the telemetry layer's
// one wrapper (telemetry.handleIpc). The handler table is typed by IpcChannel, so a channel
// of the catalog without a handler — or a handler for a channel the catalog lacks — does
// not compile; registerIpcHandlers() registers the whole table (seed 000 P1: 100 % migrated).
import type { Span } from "@opentelemetry/api";
import type { ZodType } from "zod";
import { IPC_CHANNELS, type IpcChannel } from "../../catalog/index.ts";
import { WS_PATH } from "../../protocol/index.ts";
import type { IpcMainLike, Telemetry } from "../telemetry/index.ts";
import type { ApiClient } from "./api-client.ts";
import { chattersOf, replyThreadOf, searchMessages } from "./chat-queries.ts";
import { IPC_SCHEMAS, type IpcPayload } from "./ipc-schemas.ts";
import type { SettingsStore } from "./settings-store.ts";
import type { InstrumentedUpdater } from "./updater.ts";
import type { WindowManager } from "./window-manager.ts";

export interface IpcHandlerDeps {
  readonly telemetry: Telemetry;
  readonly api: ApiClient;
  readonly settings: SettingsStore;
  readonly windows: WindowManager;
  readonly updater: InstrumentedUpdater;
}

type HandlerTable = { readonly [C in IpcChannel]: (payload: IpcPayload<C>, span: Span) => unknown };

export function createIpcHandlers({ telemetry, api, settings, windows, updater }: IpcHandlerDeps) {
  return {
    "chat:sign-in": async ({ username }) => {
      const user = await api.signIn(username);
      settings.set("user.username", user.username);
      return { user };
    },
    "chat:list-chatrooms": async () => {
      const { chatrooms } = await api.listChatrooms();
      return { chatrooms, wsUrl: api.wsUrl(WS_PATH) };
    },
    "chat:get-emotes": async ({ chatroomId }, span) => {
      span.setAttribute("chatroom_id", chatroomId);
      return api.getEmotes(chatroomId);
    },
    "chat:send-message": async ({ chatroomId, content, type, replyTo }, span) => {
      span.setAttribute("chatroom_id", chatroomId);
      const { message } = await api.sendMessage(chatroomId, { content, type, ...(replyTo ? { replyTo } : {}) });
      return { message };
    },
    "chat:get-user": async ({ userId }) => api.getUser(userId),
    // The dialogs' views of one room's recent history; chat-queries.ts says why main computes them.
    "chat:get-chatters": async ({ chatroomId }, span) => {
      span.setAttribute("chatroom_id", chatroomId);
      const { messages } = await api.getChatroom(chatroomId);
      return chattersOf(chatroomId, messages);
    },
    "chat:search-messages": async ({ chatroomId, query }, span) => {
      // The search text is user input (possibly PII): it stays off the span.
      span.setAttribute("chatroom_id", chatroomId);
      const { messages } = await api.getChatroom(chatroomId);
      return searchMessages(chatroomId, messages, query);
    },
    "chat:get-reply-thread": async ({ chatroomId, messageId }, span) => {
      span.setAttribute("chatroom_id", chatroomId);
      const { messages } = await api.getChatroom(chatroomId);
      return replyThreadOf(chatroomId, messages, messageId);
    },
    "store:get": ({ key }) => ({ key, value: settings.get(key) }),
    "store:set": ({ key, value }) => ({ key, value: settings.set(key, value) }),
    "store:delete": ({ key }) => ({ key, value: settings.delete(key) }),
    "window:open-dialog": ({ dialog, params }, span) => {
      span.setAttribute("window.name", dialog);
      return { windowId: windows.open(dialog, params ?? {}).id };
    },
    "window:close-dialog": ({ windowId }) => {
      if (!windows.close(windowId)) throw new Error(`window:close-dialog: no open window with id ${windowId}`);
      return { closed: true };
    },
    "updater:check": async () => updater.check(),
    "updater:download": async () => updater.download(),
    "updater:install": () => updater.install(),
    "telemetry:export-spans": ({ spans }) => telemetry.relayRendererSpans(spans),
    "telemetry:record-metrics": ({ events }) => telemetry.recordRendererMetrics(events),
    "telemetry:record-error": ({ error, context }) => {
      const err = Object.assign(new Error(error.message), { name: error.name, stack: error.stack ?? `${error.name}: ${error.message}` });
      telemetry.captureError(err, {
        area: context.area,
        fatal: context.fatal,
        severity: context.fatal ? "fatal" : "error",
        ...(context.chatroomId ? { chatroomId: context.chatroomId } : {}),
      });
      return { recorded: true };
    },
    "telemetry:record-logs": ({ records }) => telemetry.recordRendererLogs(records),
    // The setting is the source of truth; main-app.ts applies it to the telemetry layer.
    "telemetry:set-enabled": async ({ enabled }) => {
      settings.set("telemetry.enabled", enabled);
      await telemetry.setEnabled(enabled);
      return telemetry.status();
    },
    "telemetry:get-status": () => telemetry.status(),
    "telemetry:export-my-data": async () => ({ jsonl: await telemetry.exportMyData() }),
    "telemetry:delete-my-data": async () => {
      await telemetry.deleteMyData();
      return { deleted: true };
    },
  } satisfies HandlerTable;
}

export type IpcHandlers = ReturnType<typeof createIpcHandlers>;
/** What the renderer's invoke of channel C resolves to (after structured clone). */
export type IpcResponse<C extends IpcChannel> = Awaited<ReturnType<IpcHandlers[C]>>;

/** Registers every channel of the catalog through the telemetry wrapper. */
export function registerIpcHandlers(ipcMain: IpcMainLike, deps: IpcHandlerDeps): void {
  const handlers: HandlerTable = createIpcHandlers(deps);
  for (const channel of IPC_CHANNELS) register(deps.telemetry, ipcMain, channel, handlers);
}

function register<C extends IpcChannel>(telemetry: Telemetry, ipcMain: IpcMainLike, channel: C, handlers: HandlerTable): void {
  // TypeScript cannot correlate the two lookups by the same generic key; the table's type does.
  const schema = IPC_SCHEMAS[channel] as unknown as ZodType<IpcPayload<C>>;
  const handler = handlers[channel] as (payload: IpcPayload<C>, span: Span) => unknown;
  telemetry.handleIpc(ipcMain, channel, schema, handler);
}
