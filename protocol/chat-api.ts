// The chat server's HTTP API, shared by server/ (which validates requests with these
// schemas) and client/ (which validates responses). Route templates come from the catalog
// so metric labels, span names and the router agree.
import { z } from "zod";

/** Longest chat message accepted, in characters (Kick's limit is 500). */
export const MAX_MESSAGE_LENGTH = 500;
/** Largest request body the server reads, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Account routes the catalog's SERVER_ROUTES does not declare yet (issue 14): the server routes
 * them and labels their metrics with these templates, the client calls them. They move into
 * the catalog (API_ENDPOINTS, SERVER_ROUTES) when its owners add them.
 */
export const ACCOUNT_ROUTES = [
  ["POST", "/api/auth/register"],
  ["POST", "/api/auth/sign-out"],
  ["POST", "/api/auth/password"],
] as const;

/** Shortest password accepted at registration, in characters (NIST SP 800-63B asks for at least 8). */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest password, in characters: bounds the work one request can ask of the key derivation. */
export const MAX_PASSWORD_LENGTH = 256;

const Username = z.string().min(1).max(32).regex(/^[A-Za-z0-9_]+$/, "letters, digits and _ only");

/** Sign-in checks the password only against the stored hash: no policy here, so nothing hints at one. */
export const SignInRequest = z.object({
  username: Username,
  password: z.string().min(1, "password is empty").max(MAX_PASSWORD_LENGTH, `password is longer than ${MAX_PASSWORD_LENGTH} characters`),
});

/** Why `password` may not be chosen by `username`, or undefined when it may. */
export function passwordProblem(username: string, password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.toLowerCase() === username.toLowerCase()) return "password must not be the username";
  return undefined;
}

/** Registration: usernames are unique case-insensitively; the password must pass passwordProblem. */
export const RegisterRequest = z
  .object({ username: Username, password: z.string() })
  .superRefine((v, ctx) => {
    const problem = passwordProblem(v.username, v.password);
    if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  });

/**
 * Password change, by a signed-in user (bearer token): the current password, checked like a
 * sign-in, and the new one, which must pass passwordProblem for the user's name and differ from
 * the current one (checked by the server, which knows the name). Answered 204: the session that
 * asked stays signed in, every other session of the user is revoked.
 */
export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1, "password is empty").max(MAX_PASSWORD_LENGTH, `password is longer than ${MAX_PASSWORD_LENGTH} characters`),
  newPassword: z.string(),
});

/** What register (201) and sign-in (200) answer: a bearer token for a new session, and the user. */
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

/**
 * A user's public profile. Readable by signed-in users only, and only for themselves and users
 * who have posted in a chatroom the reader may read (everyone else is a 404, like an id that
 * does not exist), so ids cannot be walked to list every account.
 */
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
export type RegisterRequest = z.infer<typeof RegisterRequest>;
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;
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
