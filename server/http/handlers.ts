// One handler per route of the catalog's SERVER_ROUTES and protocol's ACCOUNT_ROUTES. Handlers
// validate with protocol's schemas and throw ApiError for anything a client got wrong.
//
// Accounts (issue 14): registration sets a password (hashed with scrypt, auth/passwords.ts);
// sign-in checks it and answers the same 401 for an unknown user, an account without a
// password and a wrong password, after the same KDF work, so neither the answer nor its
// timing says which names exist. Sessions expire and are capped per user (state.ts); sign-out
// revokes one. A password change needs the session and the current password (checked as at
// sign-in, and counted like a failed sign-in when wrong), and revokes every other session of
// the user; the one that asked stays valid, so the client that changed it is not signed out.
// Rate limits (limits/rate-limits.ts) answer 429 with Retry-After: sign-in and
// registration per address and failed sign-ins per account, posts per account, requests with
// a bad or missing token per address. "Address" is the TCP peer, or behind a configured trusted
// proxy the client X-Forwarded-For names (limits/client-address.ts).
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import {
  ChangePasswordRequest,
  EVENTS,
  MAX_BODY_BYTES,
  MAX_HISTORY_PAGE,
  PostMessageRequest,
  RegisterRequest,
  SignInRequest,
  checkReplyFields,
  passwordProblem,
} from "../../protocol/index.ts";
import type {
  ChatroomResponse,
  EmoteSetResponse,
  HealthResponse,
  LinkStatus,
  ListChatroomsResponse,
  PostMessageResponse,
  SignInResponse,
  UserResponse,
} from "../../protocol/index.ts";
import { KdfBusyError } from "../auth/passwords.ts";
import type { PasswordHasher } from "../auth/passwords.ts";
import type { RateLimits } from "../limits/rate-limits.ts";
import type { TokenBuckets } from "../limits/token-bucket.ts";
import { extractUrls } from "../links/extract-urls.ts";
import type { LinkProcessor } from "../links/processor.ts";
import { isMessageCursor } from "../state.ts";
import type { ChatState, User } from "../state.ts";
import type { ChatHub } from "../ws/hub.ts";
import { readJsonBody } from "./body.ts";
import { ApiError, describeZodError } from "./errors.ts";
import type { RouteKey } from "./router.ts";

export interface ApiDeps {
  readonly state: ChatState;
  readonly hub: ChatHub;
  readonly links: LinkProcessor;
  readonly passwords: PasswordHasher;
  readonly limits: RateLimits;
  readonly startedAt: number;
  /** Honour the x-beacon-fault request header (tests only; see fault-injection.ts). */
  readonly faultInjection: boolean;
}

export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
}

export interface HandlerContext {
  readonly req: IncomingMessage;
  readonly params: Readonly<Record<string, string>>;
  readonly deps: ApiDeps;
}

type Handler = (c: HandlerContext) => Promise<ApiResult> | ApiResult;

const ok = <T>(body: T, status = 200): ApiResult => ({ status, body });

/** Takes a token from `buckets` for `key`, or throws 429 with Retry-After naming the limit. */
function limit(buckets: TokenBuckets, key: string, what: string): void {
  const waitS = buckets.take(key);
  if (waitS > 0) throw new ApiError(429, "rate_limited", `${what}; retry in ${waitS} s`, { "retry-after": String(waitS) });
}

/**
 * The signed-in user and their token. A missing or bad token is a 401, and counts against the
 * sender's address: past its limit the answer is 429, so tokens cannot be tried at speed.
 */
function authenticate({ req, deps }: HandlerContext): { user: User; token: string } {
  const header = req.headers.authorization;
  const challenge = { "www-authenticate": 'Bearer realm="kicktalk-chat-server"' };
  const refuse = (err: ApiError): never => {
    limit(deps.limits.badTokensPerAddress, deps.limits.clientKey(req), "too many requests without a valid token from this address");
    throw err;
  };
  if (header === undefined) return refuse(new ApiError(401, "missing_token", "Authorization header is missing; send 'Bearer <token>' from sign-in", challenge));
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (m === null) return refuse(new ApiError(401, "invalid_token", "Authorization header must be 'Bearer <token>'", challenge));
  const token = m[1] as string;
  const user = deps.state.userForToken(token);
  if (user === undefined) return refuse(new ApiError(401, "invalid_token", "token is not valid (expired, revoked or never issued); sign in again", challenge));
  return { user, token };
}

const requireUser = (c: HandlerContext): User => authenticate(c).user;

/** Runs a password-hash operation, turning a full KDF queue into 503 with Retry-After. */
async function kdf<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof KdfBusyError) throw new ApiError(503, "busy", err.message, { "retry-after": "1" });
    throw err;
  }
}

const INVALID_CREDENTIALS = () => new ApiError(401, "invalid_credentials", "username or password is wrong");

async function register({ req, deps }: HandlerContext): Promise<ApiResult> {
  limit(deps.limits.authPerAddress, deps.limits.clientKey(req), "too many sign-in and registration attempts from this address");
  const parsed = RegisterRequest.safeParse(await readJsonBody(req, MAX_BODY_BYTES));
  if (!parsed.success) {
    const weak = parsed.error.issues.find((i) => i.path[0] === "password" && i.code === "custom");
    if (weak !== undefined) throw new ApiError(400, "weak_password", `password: ${weak.message}`);
    throw new ApiError(400, "invalid_request", `invalid request body: ${describeZodError(parsed.error)}`);
  }
  const { username, password } = parsed.data;
  // Registration has to say a name is taken; the per-address limit keeps that from being a fast oracle.
  const taken = () => new ApiError(409, "username_taken", `username ${JSON.stringify(username)} is taken; pick another`);
  if (deps.state.account(username) !== undefined) throw taken();
  const hash = await kdf(() => deps.passwords.hash(password));
  const user = deps.state.createUser(username, hash);
  if (user === undefined) throw taken();
  const token = deps.state.openSession(user.id);
  return ok<SignInResponse>({ token, user: { id: user.id, username: user.username } }, 201);
}

async function signIn({ req, deps }: HandlerContext): Promise<ApiResult> {
  limit(deps.limits.authPerAddress, deps.limits.clientKey(req), "too many sign-in and registration attempts from this address");
  const { username, password } = parseBody(SignInRequest, await readJsonBody(req, MAX_BODY_BYTES));
  // Every attempt takes a token of the account's bucket; a good one gives it back.
  const accountKey = username.toLowerCase();
  limit(deps.limits.authPerAccount, accountKey, "too many failed sign-ins for this account");
  const account = deps.state.account(username);
  const good = await kdf(() => deps.passwords.verify(password, account?.passwordHash));
  if (!good || account === undefined) throw INVALID_CREDENTIALS();
  deps.limits.authPerAccount.refund(accountKey);
  const token = deps.state.openSession(account.user.id);
  return ok<SignInResponse>({ token, user: { id: account.user.id, username: account.user.username } });
}

/**
 * POST /api/auth/password. The order of checks: the session (a bad token counts as one), the
 * address's sign-in budget, the body and the new password's policy (neither needs the current
 * password, so a 400 says nothing about it), then the account's failed-sign-in budget, shared
 * with sign-in so a stolen token guesses no faster than a sign-in form, and the KDF.
 */
async function changePassword(c: HandlerContext): Promise<ApiResult> {
  const { req, deps } = c;
  const { user, token } = authenticate(c);
  limit(deps.limits.authPerAddress, deps.limits.clientKey(req), "too many sign-in and registration attempts from this address");
  const { currentPassword, newPassword } = parseBody(ChangePasswordRequest, await readJsonBody(req, MAX_BODY_BYTES));
  const problem = newPassword === currentPassword ? "new password must differ from the current one" : passwordProblem(user.username, newPassword);
  if (problem !== undefined) throw new ApiError(400, "weak_password", `newPassword: ${problem}`);
  const accountKey = user.username.toLowerCase();
  limit(deps.limits.authPerAccount, accountKey, "too many failed sign-ins for this account");
  const stored = deps.state.account(user.username)?.passwordHash;
  // 403, not 401: the token is good (a 401 tells clients to sign in again); the password is not.
  if (!(await kdf(() => deps.passwords.verify(currentPassword, stored)))) throw new ApiError(403, "invalid_credentials", "current password is wrong");
  deps.limits.authPerAccount.refund(accountKey);
  const hash = await kdf(() => deps.passwords.hash(newPassword));
  if (deps.state.changePassword(user.id, stored, hash, token) === undefined) {
    throw new ApiError(409, "password_changed", "the password was changed by another request meanwhile; sign in with the new one");
  }
  return { status: 204, body: undefined };
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new ApiError(400, "invalid_request", `invalid request body: ${describeZodError(parsed.error)}`);
}

function chatroomOr404(state: ChatState, id: string) {
  const room = state.chatroom(id);
  if (room === undefined) throw new ApiError(404, "chatroom_not_found", `chatroom ${id} does not exist`);
  return room;
}

/** `?before=<cursor>&limit=<n>` of a history request; each optional, each validated. */
function historyQuery(req: IncomingMessage): { before?: string; limit?: number } {
  const query = new URL(req.url ?? "/", "http://localhost").searchParams;
  const out: { before?: string; limit?: number } = {};
  const before = query.get("before");
  if (before !== null) {
    if (!isMessageCursor(before)) throw new ApiError(400, "invalid_cursor", `before must be an olderCursor from an earlier page; got ${JSON.stringify(before.slice(0, 64))}`);
    out.before = before;
  }
  const limit = query.get("limit");
  if (limit !== null) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_HISTORY_PAGE) {
      throw new ApiError(400, "invalid_limit", `limit must be a whole number from 1 to ${MAX_HISTORY_PAGE}; got ${JSON.stringify(limit.slice(0, 64))}`);
    }
    out.limit = n;
  }
  return out;
}

const PostMessageBody = PostMessageRequest.superRefine(checkReplyFields);

async function postMessage(c: HandlerContext): Promise<ApiResult> {
  const { req, params, deps } = c;
  const user = requireUser(c);
  const room = chatroomOr404(deps.state, params.id as string);
  limit(deps.limits.postsPerAccount, user.id, "too many messages from this account");
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  const parsed = PostMessageBody.safeParse(body);
  if (!parsed.success) {
    const content = parsed.error.issues.find((i) => i.path[0] === "content");
    if (content?.code === "too_big") throw new ApiError(413, "message_too_long", `content: ${content.message}`);
    if (content?.code === "too_small") throw new ApiError(400, "message_empty", `content: ${content.message}`);
    throw new ApiError(400, "invalid_request", `invalid request body: ${describeZodError(parsed.error)}`);
  }
  const { replyTo } = parsed.data;
  // The body is well-formed but names a message this room does not have (never existed, or
  // another room's): 422, not 404, since the route itself exists.
  if (replyTo !== undefined && deps.state.message(room.id, replyTo) === undefined) {
    throw new ApiError(422, "reply_target_not_found", `replyTo: message ${replyTo} does not exist in chatroom ${room.id}`);
  }
  const links = deps.links.enqueue(extractUrls(parsed.data.content), { userId: user.id, chatroomId: room.id });
  const message = deps.state.addMessage({
    chatroomId: room.id,
    sender: { id: user.id, username: user.username },
    content: parsed.data.content,
    type: parsed.data.type,
    links,
    ...(replyTo !== undefined ? { replyTo } : {}),
  });
  deps.hub.publish(room.id, EVENTS.chatMessage, message);
  return ok<PostMessageResponse>({ message }, 201);
}

export const HANDLERS: Readonly<Record<RouteKey, Handler>> = {
  "POST /api/auth/register": register,
  "POST /api/auth/sign-in": signIn,
  "POST /api/auth/password": changePassword,
  "POST /api/auth/sign-out": (c) => {
    c.deps.state.revokeSession(authenticate(c).token);
    return { status: 204, body: undefined };
  },
  "GET /api/chatrooms": ({ deps }) => ok<ListChatroomsResponse>({ chatrooms: [...deps.state.chatrooms()] }),
  "GET /api/chatrooms/:id": ({ req, params, deps }) => {
    const chatroom = chatroomOr404(deps.state, params.id as string);
    const page = deps.state.history(chatroom.id, historyQuery(req));
    return ok<ChatroomResponse>({
      chatroom,
      messages: [...page.messages],
      ...(page.olderCursor !== undefined ? { olderCursor: page.olderCursor } : {}),
    });
  },
  "GET /api/chatrooms/:id/emotes": ({ params, deps }) => {
    const room = chatroomOr404(deps.state, params.id as string);
    return ok<EmoteSetResponse>({ chatroomId: room.id, emotes: [...(deps.state.emotes(room.id) ?? [])] });
  },
  "POST /api/chatrooms/:id/messages": postMessage,
  "GET /api/users/:id": (c) => {
    const { params, deps } = c;
    const user = deps.state.visibleUser(requireUser(c), params.id as string);
    if (user === undefined) throw new ApiError(404, "user_not_found", `user ${params.id} does not exist`);
    return ok<UserResponse>(user);
  },
  "GET /api/links/:id": (c) => {
    const { params, deps } = c;
    // A link's status shows what the server read from its URL, so only those who may read
    // the room it was posted in see it. Anyone else gets the same 404 as for an id that never
    // existed, so ids cannot be probed.
    const user = requireUser(c);
    const link = deps.links.get(params.id as string);
    if (link === undefined || !deps.state.mayReadChatroom(user, link.chatroomId)) {
      throw new ApiError(404, "link_not_found", `link ${params.id} does not exist`);
    }
    return ok<LinkStatus>(link.status);
  },
  "GET /healthz": ({ deps }) => ok<HealthResponse>({ status: "ok", uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000) }),
};

