// One handler per route of the catalog's SERVER_ROUTES. Handlers validate with protocol's
// schemas and throw ApiError for anything a client got wrong.
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { EVENTS, MAX_BODY_BYTES, MAX_HISTORY_PAGE, PostMessageRequest, SignInRequest, checkReplyFields } from "../../protocol/index.ts";
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

function requireUser(req: IncomingMessage, state: ChatState): User {
  const header = req.headers.authorization;
  const challenge = { "www-authenticate": 'Bearer realm="kicktalk-chat-server"' };
  if (header === undefined) throw new ApiError(401, "missing_token", "Authorization header is missing; send 'Bearer <token>' from sign-in", challenge);
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (m === null) throw new ApiError(401, "invalid_token", "Authorization header must be 'Bearer <token>'", challenge);
  const user = state.userForToken(m[1] as string);
  if (user === undefined) throw new ApiError(401, "invalid_token", "token is not valid; sign in again", challenge);
  return user;
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

async function postMessage({ req, params, deps }: HandlerContext): Promise<ApiResult> {
  const user = requireUser(req, deps.state);
  const room = chatroomOr404(deps.state, params.id as string);
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
  "POST /api/auth/sign-in": async ({ req, deps }) => {
    const { username } = parseBody(SignInRequest, await readJsonBody(req, MAX_BODY_BYTES));
    const { token, user } = deps.state.signIn(username);
    return ok<SignInResponse>({ token, user: { id: user.id, username: user.username } });
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
  "GET /api/users/:id": ({ req, params, deps }) => {
    requireUser(req, deps.state);
    const user = deps.state.user(params.id as string);
    if (user === undefined) throw new ApiError(404, "user_not_found", `user ${params.id} does not exist`);
    return ok<UserResponse>(user);
  },
  "GET /api/links/:id": ({ req, params, deps }) => {
    // A link's status shows what the server read from its URL, so only those who may read
    // the room it was posted in see it. Anyone else gets the same 404 as for an id that never
    // existed, so ids cannot be probed.
    const user = requireUser(req, deps.state);
    const link = deps.links.get(params.id as string);
    if (link === undefined || !deps.state.mayReadChatroom(user, link.chatroomId)) {
      throw new ApiError(404, "link_not_found", `link ${params.id} does not exist`);
    }
    return ok<LinkStatus>(link.status);
  },
  "GET /healthz": ({ deps }) => ok<HealthResponse>({ status: "ok", uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000) }),
};

