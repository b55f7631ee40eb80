// One zod schema per IPC channel of the catalog (IPC_CHANNELS). The payload a renderer
// sends is validated against it in main before any handler runs; `_otel` (the trace
// carrier the preload adds) is taken off by the telemetry wrapper first. The object
// type below is keyed by IpcChannel, so a channel without a schema fails to compile.
import { z } from "zod";
import type { IpcChannel } from "../../catalog/index.ts";
import { ERROR_AREA } from "../../catalog/labels.ts";
import { MAX_MESSAGE_LENGTH, MessageId, PostMessageRequest, SignInRequest, checkReplyFields } from "../../protocol/index.ts";
import { MAX_SEARCH_QUERY_LENGTH } from "./chat-queries.ts";
import { RENDERER_LOGS_SCHEMA, RENDERER_METRICS_SCHEMA, RENDERER_SPANS_SCHEMA } from "./renderer-telemetry-schemas.ts";
import { SettingsKeySchema } from "./settings-schema.ts";

/** Dialog windows the renderer may open (seed 000 P3); `main` is opened by main itself. */
export const DIALOGS = ["user", "chatters", "search", "settings", "reply_thread"] as const;
export type DialogName = (typeof DIALOGS)[number];

const Empty = z.object({}).strict();
const Id = z.string().min(1).max(64);

export const IPC_SCHEMAS = {
  "chat:sign-in": SignInRequest.strict(),
  "chat:list-chatrooms": Empty,
  "chat:get-emotes": z.object({ chatroomId: Id }).strict(),
  "chat:send-message": PostMessageRequest.extend({ chatroomId: Id, content: z.string().min(1).max(MAX_MESSAGE_LENGTH) })
    .strict()
    .superRefine(checkReplyFields),
  "chat:get-user": z.object({ userId: Id }).strict(),
  "chat:get-chatters": z.object({ chatroomId: Id }).strict(),
  "chat:search-messages": z.object({ chatroomId: Id, query: z.string().trim().min(1, "search text is empty").max(MAX_SEARCH_QUERY_LENGTH) }).strict(),
  "chat:get-reply-thread": z.object({ chatroomId: Id, messageId: MessageId }).strict(),
  "store:get": z.object({ key: SettingsKeySchema }).strict(),
  // The value is checked against the key's own schema by the handler (settings-store.ts),
  // which can name the key in its error.
  "store:set": z.object({ key: SettingsKeySchema, value: z.unknown() }).strict(),
  "store:delete": z.object({ key: SettingsKeySchema }).strict(),
  "window:open-dialog": z
    .object({ dialog: z.enum(DIALOGS), params: z.record(z.string().max(32), z.string().max(256)).optional() })
    .strict(),
  "window:close-dialog": z.object({ windowId: z.number().int().nonnegative() }).strict(),
  "updater:check": Empty,
  "updater:download": Empty,
  "updater:install": Empty,
  "telemetry:export-spans": RENDERER_SPANS_SCHEMA,
  "telemetry:record-metrics": RENDERER_METRICS_SCHEMA,
  "telemetry:record-error": z
    .object({
      error: z.object({ name: z.string().max(200), message: z.string().max(4_000), stack: z.string().max(16_000).optional() }).strict(),
      context: z
        .object({
          area: z.enum(ERROR_AREA.values as [string, ...string[]]),
          chatroomId: Id.optional(),
          streamerId: Id.optional(),
          fatal: z.boolean(),
        })
        .strict(),
    })
    .strict(),
  "telemetry:record-logs": RENDERER_LOGS_SCHEMA,
  "telemetry:set-enabled": z.object({ enabled: z.boolean() }).strict(),
  "telemetry:get-status": Empty,
  "telemetry:export-my-data": Empty,
  "telemetry:delete-my-data": Empty,
} as const satisfies Record<IpcChannel, z.ZodType>;

export type IpcRequest<C extends IpcChannel> = z.input<(typeof IPC_SCHEMAS)[C]>;
export type IpcPayload<C extends IpcChannel> = z.output<(typeof IPC_SCHEMAS)[C]>;
