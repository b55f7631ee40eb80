// The server's WebSocket protocol, modelled on Pusher (what Kick uses): JSON frames of
// { event, channel?, data } where `data` is itself a JSON string, as Pusher sends it.
import { z } from "zod";

export const WS_PATH = "/ws";

/** Channel name of a chatroom's messages, as Kick names them. */
export const chatroomChannel = (chatroomId: string) => `chatrooms.${chatroomId}.v2`;

export const EVENTS = {
  connectionEstablished: "pusher:connection_established",
  subscribe: "pusher:subscribe",
  unsubscribe: "pusher:unsubscribe",
  subscriptionSucceeded: "pusher_internal:subscription_succeeded",
  ping: "pusher:ping",
  pong: "pusher:pong",
  error: "pusher:error",
  chatMessage: "App\\Events\\ChatMessageEvent",
  emoteSetUpdate: "App\\Events\\EmoteSetUpdatedEvent",
  presence: "App\\Events\\PresenceEvent",
  /** Server asks the client to reconnect (Pusher close code 4200 semantics). */
  reconnect: "pusher:reconnect",
} as const;

/** Frames the client may send. Anything else gets a pusher:error naming the problem. */
export const ClientFrame = z.discriminatedUnion("event", [
  z.object({ event: z.literal(EVENTS.subscribe), data: z.object({ channel: z.string().min(1), auth: z.string().optional() }) }),
  z.object({ event: z.literal(EVENTS.unsubscribe), data: z.object({ channel: z.string().min(1) }) }),
  z.object({ event: z.literal(EVENTS.ping), data: z.unknown().optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.object({ event: z.string(), channel: z.string().optional(), data: z.string() });
export type ServerFrame = z.infer<typeof ServerFrame>;

/**
 * Close codes: 4200 = please reconnect (Pusher), 4001 = protocol error, 1001 = server going
 * away, 1013 = try again later (RFC 6455): the client fell too far behind reading its frames
 * (a slow consumer); reconnect after a backoff and reload the history.
 */
export const CLOSE_CODES = { reconnect: 4200, protocolError: 4001, goingAway: 1001, tryAgainLater: 1013 } as const;
