// The chat server's HTTP API, shared by server/ (which validates requests with these
// schemas) and client/ (which validates responses). Route templates come from the catalog
// so metric labels, span names and the router agree.
import { z } from "zod";

/** Longest chat message accepted, in characters (Kick's limit is 500). */
export const MAX_MESSAGE_LENGTH = 500;
/** Largest request body the server reads, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

export const SignInRequest = z.object({
  username: z.string().min(1).max(32).regex(/^[A-Za-z0-9_]+$/, "letters, digits and _ only"),
});
export const SignInResponse = z.object({ token: z.string(), user: z.object({ id: z.string(), username: z.string() }) });

export const Chatroom = z.object({
  id: z.string(),
  slug: z.string(),
  streamerId: z.string(),
  streamerName: z.string(),
});
export const ListChatroomsResponse = z.object({ chatrooms: z.array(Chatroom) });

export const Emote = z.object({ id: z.string(), name: z.string(), source: z.enum(["7tv", "kick", "bttv"]), url: z.string() });
export const EmoteSetResponse = z.object({ chatroomId: z.string(), emotes: z.array(Emote) });

/** A message id as the server issues them (a decimal number, never reused); the bound keeps a bad one short in errors. */
export const MessageId = z.string().min(1, "message id is empty").max(64, "message id is longer than 64 characters");

export const PostMessageRequest = z.object({
  content: z.string().trim().min(1, "message is empty").max(MAX_MESSAGE_LENGTH, `message is longer than ${MAX_MESSAGE_LENGTH} characters`),
  type: z.enum(["regular", "reply", "command", "emote_only"]).default("regular"),
  /** Id of the message this one answers, in the same chatroom; only with type "reply". */
  replyTo: MessageId.optional(),
});

/**
 * `replyTo` and type "reply" go together: a reply without a target, or a target on any
 * other type, is a client bug. Kept out of PostMessageRequest itself because a zod object
 * with refinements cannot be `.extend`ed (main's IPC schema extends it); server and main
 * both apply it with `.superRefine(checkReplyFields)`.
 */
export function checkReplyFields(value: { type: string; replyTo?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.type === "reply" && value.replyTo === undefined) {
    ctx.addIssue({ code: "custom", path: ["replyTo"], message: 'a message of type "reply" needs replyTo, the id of the message it answers' });
  }
  if (value.type !== "reply" && value.replyTo !== undefined) {
    ctx.addIssue({ code: "custom", path: ["type"], message: `must be "reply" when replyTo is set (got "${value.type}")` });
  }
}

export const ChatMessage = z.object({
  id: z.string(),
  chatroomId: z.string(),
  sender: z.object({ id: z.string(), username: z.string() }),
  content: z.string(),
  type: z.enum(["regular", "reply", "command", "emote_only", "system"]),
  createdAt: z.string(),
  links: z.array(z.object({ id: z.string(), url: z.string() })),
  /** Set on replies: the id of the message answered (it may since have aged out of history). */
  replyTo: z.string().optional(),
});
export const PostMessageResponse = z.object({ message: ChatMessage });

/** Pushed on a chatroom's channel when a viewer joins or leaves; `viewers` is the count after it. */
export const PresenceEvent = z.object({
  chatroomId: z.string(),
  action: z.enum(["join", "leave"]),
  username: z.string().nullable(),
  viewers: z.number().int().nonnegative(),
});

/**
 * Most messages one page of history holds. GET /api/chatrooms/:id answers the latest page;
 * `?before=<olderCursor>` the page before it, and `?limit=<n>` (1 to this) asks for fewer.
 */
export const MAX_HISTORY_PAGE = 200;

/** One chatroom with a page of its messages (oldest first). */
export const ChatroomResponse = z.object({
  chatroom: Chatroom,
  messages: z.array(ChatMessage),
  /** Pass as `?before=` for the older page; absent when this page holds the room's first message. */
  olderCursor: z.string().optional(),
});

export const HealthResponse = z.object({ status: z.literal("ok"), uptimeSeconds: z.number() });

export const UserResponse = z.object({ id: z.string(), username: z.string(), createdAt: z.string() });

export const LinkStatus = z.object({
  id: z.string(),
  url: z.string(),
  domain: z.string(),
  status: z.enum(["pending", "processing", "completed", "failed"]),
  /** "blocked": the URL names an address, port or scheme the server does not fetch (internal networks). */
  failureReason: z.enum(["timeout", "http_error", "not_html", "network", "invalid_url", "blocked"]).optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  favicon: z.string().optional(),
});

/** Every error response: a machine-readable code and a message naming what was wrong. */
export const ErrorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type SignInRequest = z.infer<typeof SignInRequest>;
export type SignInResponse = z.infer<typeof SignInResponse>;
export type Chatroom = z.infer<typeof Chatroom>;
export type Emote = z.infer<typeof Emote>;
export type PostMessageRequest = z.infer<typeof PostMessageRequest>;
export type ChatMessage = z.infer<typeof ChatMessage>;
export type PresenceEvent = z.infer<typeof PresenceEvent>;
export type LinkStatus = z.infer<typeof LinkStatus>;
export type ChatroomResponse = z.infer<typeof ChatroomResponse>;
export type UserResponse = z.infer<typeof UserResponse>;
export type ListChatroomsResponse = z.infer<typeof ListChatroomsResponse>;
export type EmoteSetResponse = z.infer<typeof EmoteSetResponse>;
export type PostMessageResponse = z.infer<typeof PostMessageResponse>;
export type HealthResponse = z.infer<typeof HealthResponse>;
export type ErrorResponse = z.infer<typeof ErrorResponse>;
