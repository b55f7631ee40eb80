// Every IPC channel the preload API exposes. Main registers each through one wrapper that
// validates the payload and makes an `ipc:<channel>` span; the list is fixed so the span
// family and the `channel` metric label stay bounded, and so "100 % migrated" is checkable.
export const IPC_CHANNELS = [
  "chat:sign-in",
  "chat:list-chatrooms",
  "chat:get-emotes",
  "chat:send-message",
  "chat:get-user",
  "chat:get-chatters",
  "chat:search-messages",
  "chat:get-reply-thread",
  "store:get",
  "store:set",
  "store:delete",
  "window:open-dialog",
  "window:close-dialog",
  "updater:check",
  "updater:download",
  "updater:install",
  "telemetry:export-spans",
  "telemetry:record-metrics",
  "telemetry:record-error",
  "telemetry:record-logs",
  "telemetry:set-enabled",
  "telemetry:get-status",
  "telemetry:export-my-data",
  "telemetry:delete-my-data",
] as const;

export type IpcChannel = (typeof IPC_CHANNELS)[number];
