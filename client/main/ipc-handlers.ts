// The handler of every IPC channel, and their registration through the telemetry layer's
// one wrapper (telemetry.handleIpc). The handler table is typed by IpcChannel, so a channel
// of the catalog without a handler — or a handler for a channel the catalog lacks — does
// not compile; registerIpcHandlers() registers the whole table (seed 000 P1: 100 % migrated).
import { writeFile } from "node:fs/promises";
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
  /** Why an IPC event's sender may not call main (security.ts senderProblem), or null. */
  readonly checkSender?: (event: unknown) => string | null;
  /** Asks the user where to save "export my data" (Electron: a save dialog); null when cancelled. */
  readonly chooseExportPath?: () => Promise<string | null>;
}

type HandlerTable = { readonly [C in IpcChannel]: (payload: IpcPayload<C>, span: Span) => unknown };

export function createIpcHandlers({ telemetry, api, settings, windows, updater, chooseExportPath = async () => null }: IpcHandlerDeps) {
  return {
    "chat:sign-in": async ({ username, password }) => {
      const user = await api.signIn({ username, password });
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
      // Only dialogs: the renderer may not close the main window (issue 11).
      if (windows.openWindows().get(windowId) === "main") throw new Error("window:close-dialog: the main window is not a dialog");
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
      const recorded = telemetry.captureRendererError(err, {
        area: context.area,
        fatal: context.fatal,
        severity: context.fatal ? "fatal" : "error",
        ...(context.chatroomId ? { chatroomId: context.chatroomId } : {}),
        ...(context.streamerId ? { streamerId: context.streamerId } : {}),
      });
      return { recorded };
    },
    "telemetry:record-logs": ({ records }) => telemetry.recordRendererLogs(records),
    // The setting is the source of truth; main-app.ts applies it to the telemetry layer.
    "telemetry:set-enabled": async ({ enabled }) => {
      settings.set("telemetry.enabled", enabled);
      await telemetry.setEnabled(enabled);
      return telemetry.status();
    },
    "telemetry:get-status": () => telemetry.status(),
    // Everything stored locally that identifies the user, written to a file they choose
    // (seed 003; issue 11: the export used to be thrown away and cover only the queue).
    "telemetry:export-my-data": async () => {
      const path = await chooseExportPath();
      if (path === null) return { path: null, bytes: 0, queuedRecords: 0 };
      const queue = (await telemetry.exportMyData()).split("\n").filter(Boolean).map((l) => JSON.parse(l) as unknown);
      const document = {
        exportedAt: new Date().toISOString(),
        about: "Data this app stores about you on this computer. Telemetry is pseudonymous: it carries a random install id, not your name.",
        installId: telemetry.status().installId,
        settings: settings.all(),
        telemetryQueue: queue,
      };
      const text = `${JSON.stringify(document, null, 2)}\n`;
      await writeFile(path, text, { mode: 0o600 });
      return { path, bytes: Buffer.byteLength(text), queuedRecords: queue.length };
    },
    // Deletes the queue, renews the install id (unlinking past telemetry) and forgets the user name.
    "telemetry:delete-my-data": async () => {
      await telemetry.deleteMyData();
      settings.delete("user.username");
      return { deleted: true, installId: telemetry.status().installId };
    },
  } satisfies HandlerTable;
}

export type IpcHandlers = ReturnType<typeof createIpcHandlers>;
/** What the renderer's invoke of channel C resolves to (after structured clone). */
export type IpcResponse<C extends IpcChannel> = Awaited<ReturnType<IpcHandlers[C]>>;

/** Registers every channel of the catalog through the telemetry wrapper. */
export function registerIpcHandlers(ipcMain: IpcMainLike, deps: IpcHandlerDeps): void {
  const handlers: HandlerTable = createIpcHandlers(deps);
  for (const channel of IPC_CHANNELS) register(deps.telemetry, ipcMain, channel, handlers, deps.checkSender);
}

function register<C extends IpcChannel>(telemetry: Telemetry, ipcMain: IpcMainLike, channel: C, handlers: HandlerTable, checkSender?: (event: unknown) => string | null): void {
  // TypeScript cannot correlate the two lookups by the same generic key; the table's type does.
  const schema = IPC_SCHEMAS[channel] as unknown as ZodType<IpcPayload<C>>;
  const handler = handlers[channel] as (payload: IpcPayload<C>, span: Span) => unknown;
  telemetry.handleIpc(ipcMain, channel, schema, handler, checkSender ? { checkSender } : {});
}
