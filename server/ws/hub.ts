// The Pusher-like WebSocket endpoint: clients subscribe to chatroom channels and receive
// chat messages, emote-set updates and presence events; pusher:ping gets pusher:pong; the
// server can ask every client to reconnect (close code 4200). Custom spans (`chat:*`) and the
// catalog's WebSocket metrics are recorded here.
//
// Bounded for the open internet: upgrades from browser pages of other origins are refused
// (origin.ts); a client that does not read what it is sent is closed (1013) once its unsent
// backlog passes maxBufferedBytes, instead of the server buffering without end; subscribing
// again to a channel already subscribed changes nothing; presence events are coalesced per
// room (presence.ts). Upgrades per address are rate-limited (429), and so are frames, per
// address and per socket: a socket past either limit is closed (1008, "rate_limited"), as is
// one that keeps presenting bad tokens past its address's limit.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { SpanKind, context } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import { WebSocket, WebSocketServer } from "ws";
import type { RawData } from "ws";
import { SPAN_FAMILIES } from "../../catalog/index.ts";
import { CLOSE_CODES, ClientFrame, EVENTS, type PresenceEvent, WS_PATH, chatroomChannel } from "../../protocol/index.ts";
import { describeZodError } from "../http/errors.ts";
import type { RateLimits } from "../limits/rate-limits.ts";
import type { TokenBuckets } from "../limits/token-bucket.ts";
import type { ChatState, User } from "../state.ts";
import { ATTR_CHATROOM_ID, ATTR_CHAT_CLOSE_REASON, ATTR_CHAT_EVENT, ATTR_CHAT_SUBSCRIBERS } from "../telemetry/semconv.ts";
import type { ServerTelemetry } from "../telemetry/types.ts";
import { originAllowed } from "./origin.ts";
import { PresenceCoalescer } from "./presence.ts";
import type { PresenceChange } from "./presence.ts";

/** "slow_consumer" and "rate_limited" need adding to the catalog's WS_CLOSE_REASON enum. */
type CloseReason = "client_close" | "server_close" | "ping_timeout" | "error" | "shutdown" | "slow_consumer" | "rate_limited";
type PushedEvent = "chat_message" | "emote_set_update" | "presence" | "pong" | "reconnect";

const [SPAN_SUBSCRIBE, SPAN_PUBLISH, SPAN_DISCONNECT] = SPAN_FAMILIES.chatServer.names;

/** The catalog's WS_EVENT label value of each pushed Pusher event. */
const EVENT_LABEL = {
  [EVENTS.chatMessage]: "chat_message",
  [EVENTS.emoteSetUpdate]: "emote_set_update",
  [EVENTS.presence]: "presence",
} as const satisfies Record<string, PushedEvent>;
export type ChannelEvent = keyof typeof EVENT_LABEL;

const CHANNEL = /^chatrooms\.([A-Za-z0-9_-]{1,64})\.v2$/;
/** RFC 6455 policy violation: the close code of a socket past a rate limit. */
const POLICY_VIOLATION = 1008;
/** Close codes a client sends when it leaves on purpose (normal, going away, no status). */
const CLIENT_CLOSE_CODES = new Set([1000, 1001, 1005]);
/**
 * A slow consumer is sent its close frame behind the backlog it is not reading; past this
 * many ms the socket is cut, so the backlog's memory is released either way.
 */
const SLOW_CONSUMER_GRACE_MS = 1000;

interface Client {
  readonly ws: WebSocket;
  readonly socketId: string;
  readonly channels: Set<string>;
  /** Rate-limit key of the client's address. */
  readonly address: string;
  /** This socket's own frame budget. */
  readonly frames: TokenBuckets;
  user: User | undefined;
  alive: boolean;
  closeReason: CloseReason | undefined;
}

export interface ChatHubOptions {
  readonly state: ChatState;
  readonly telemetry: ServerTelemetry;
  readonly limits: RateLimits;
  readonly heartbeatMs: number;
  /** Unsent bytes one socket may hold before it is closed as a slow consumer. */
  readonly maxBufferedBytes: number;
  /** Presence events per room are coalesced to at most one per this many ms. */
  readonly presenceIntervalMs: number;
  /** Origins (browser pages) allowed to connect; see origin.ts. */
  readonly allowedOrigins: readonly string[];
}

export class ChatHub {
  readonly #opts: ChatHubOptions;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  readonly #clients = new Set<Client>();
  readonly #channels = new Map<string, Set<Client>>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #presence: PresenceCoalescer;

  constructor(opts: ChatHubOptions) {
    this.#opts = opts;
    this.#heartbeat = setInterval(() => this.#beat(), opts.heartbeatMs);
    this.#heartbeat.unref();
    this.#presence = new PresenceCoalescer(opts.presenceIntervalMs, (chatroomId, change) => this.#publishPresence(chatroomId, change));
  }

  get connections(): number {
    return this.#clients.size;
  }

  /** Serves WebSocket upgrades on WS_PATH of `server`; other upgrade paths get a 404. */
  attach(server: Server): void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path !== WS_PATH) return refuseUpgrade(socket, "404 Not Found", `WebSocket endpoint is ${WS_PATH}`);
      const origin = req.headers.origin;
      if (!originAllowed(origin, this.#opts.allowedOrigins)) {
        return refuseUpgrade(socket, "403 Forbidden", `origin ${JSON.stringify(origin)} may not open a WebSocket here`);
      }
      const address = this.#opts.limits.clientKey(req);
      const waitS = this.#opts.limits.wsConnectsPerAddress.take(address);
      if (waitS > 0) {
        return refuseUpgrade(socket, "429 Too Many Requests", `too many WebSocket connections from this address; retry in ${waitS} s`, { "Retry-After": String(waitS) });
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, address));
    });
  }

  /** Pushes an event to every subscriber of a chatroom; returns how many were reached. */
  publish(chatroomId: string, event: ChannelEvent, payload: unknown, ctx: Context = context.active()): number {
    const channel = chatroomChannel(chatroomId);
    const subscribers = this.#channels.get(channel);
    const frame = JSON.stringify({ event, channel, data: JSON.stringify(payload) });
    let reached = 0;
    for (const c of subscribers ?? []) if (this.#send(c, frame)) reached++;
    const { tracer, instruments } = this.#opts.telemetry;
    const label = EVENT_LABEL[event];
    if (reached > 0) instruments.wsMessagesOut.record(reached, { event: label });
    tracer
      .startSpan(
        SPAN_PUBLISH as string,
        { kind: SpanKind.SERVER, attributes: { [ATTR_CHATROOM_ID]: chatroomId, [ATTR_CHAT_EVENT]: label, [ATTR_CHAT_SUBSCRIBERS]: reached } },
        ctx,
      )
      .end();
    return reached;
  }

  /** Asks every client to reconnect: a pusher:reconnect frame, then close code 4200. */
  dropConnections(): number {
    const clients = [...this.#clients];
    const frame = JSON.stringify({ event: EVENTS.reconnect, data: JSON.stringify({ reason: "server requested reconnect" }) });
    for (const c of clients) {
      if (this.#send(c, frame)) this.#opts.telemetry.instruments.wsMessagesOut.record(1, { event: "reconnect" });
      c.closeReason = "server_close";
      c.ws.close(CLOSE_CODES.reconnect, "reconnect");
    }
    return clients.length;
  }

  /** Closes every socket with 1001 (going away) and stops accepting; waits at most `graceMs`. */
  async close(graceMs = 1000): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#presence.close();
    const closed = [...this.#clients].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.ws.once("close", () => resolve());
          // A client whose own close is under way (CLOSING) keeps its reason: client_close.
          if (c.ws.readyState === WebSocket.OPEN) c.closeReason = "shutdown";
          c.ws.close(CLOSE_CODES.goingAway, "server shutting down");
        }),
    );
    const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.all(closed), timer]);
    for (const c of this.#clients) c.ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #onConnection(ws: WebSocket, address: string): void {
    const client: Client = {
      ws,
      socketId: randomUUID(),
      channels: new Set(),
      address,
      frames: this.#opts.limits.socketFrames(),
      user: undefined,
      alive: true,
      closeReason: undefined,
    };
    this.#clients.add(client);
    this.#opts.telemetry.instruments.wsConnectionsActive.record(1, {});
    ws.on("pong", () => (client.alive = true));
    ws.on("error", () => (client.closeReason ??= "error"));
    ws.on("message", (data, isBinary) => this.#onFrame(client, data, isBinary));
    ws.on("close", (code) => this.#onClose(client, code));
    const established = { socket_id: client.socketId, activity_timeout: Math.ceil(this.#opts.heartbeatMs / 1000) };
    this.#send(client, JSON.stringify({ event: EVENTS.connectionEstablished, data: JSON.stringify(established) }));
  }

  #onFrame(client: Client, data: RawData, isBinary: boolean): void {
    if (client.closeReason === "rate_limited") return;
    const { limits } = this.#opts;
    if (client.frames.take("socket") > 0) {
      limits.noteSocketLimited();
      return this.#dropRateLimited(client, "too many frames on this socket");
    }
    if (limits.wsFramesPerAddress.take(client.address) > 0) return this.#dropRateLimited(client, "too many frames from this address");
    if (isBinary) return this.#error(client, CLOSE_CODES.protocolError, "binary frames are not supported; send JSON text frames");
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch (err) {
      return this.#error(client, CLOSE_CODES.protocolError, `frame is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = ClientFrame.safeParse(json);
    if (!parsed.success) return this.#error(client, CLOSE_CODES.protocolError, `invalid frame: ${describeZodError(parsed.error)}`);
    const frame = parsed.data;
    switch (frame.event) {
      case EVENTS.ping:
        if (this.#send(client, JSON.stringify({ event: EVENTS.pong, data: "{}" }))) {
          this.#opts.telemetry.instruments.wsMessagesOut.record(1, { event: "pong" });
        }
        return;
      case EVENTS.subscribe:
        return this.#subscribe(client, frame.data.channel, frame.data.auth);
      case EVENTS.unsubscribe:
        return this.#unsubscribe(client, frame.data.channel);
    }
  }

  #subscribe(client: Client, channel: string, auth: string | undefined): void {
    const chatroomId = CHANNEL.exec(channel)?.[1];
    if (chatroomId === undefined || this.#opts.state.chatroom(chatroomId) === undefined) {
      return this.#error(client, 4004, `unknown channel ${JSON.stringify(channel)}; expected chatrooms.<id>.v2 of an existing chatroom`);
    }
    if (auth !== undefined) {
      const user = this.#opts.state.userForToken(auth);
      if (user === undefined) {
        if (this.#opts.limits.badTokensPerAddress.take(client.address) > 0) return this.#dropRateLimited(client, "too many bad tokens from this address");
        return this.#error(client, 4009, "auth token is not valid; sign in again");
      }
      client.user = user;
    }
    const span = this.#opts.telemetry.tracer.startSpan(SPAN_SUBSCRIBE as string, {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_CHATROOM_ID]: chatroomId },
    });
    // Subscribing again is acknowledged again and changes nothing else: no second join.
    const joined = !client.channels.has(channel);
    if (joined) {
      client.channels.add(channel);
      let set = this.#channels.get(channel);
      if (set === undefined) this.#channels.set(channel, (set = new Set()));
      set.add(client);
    }
    this.#send(client, JSON.stringify({ event: EVENTS.subscriptionSucceeded, channel, data: "{}" }));
    span.end();
    if (joined) this.#presence.note(chatroomId, { action: "join", username: client.user?.username ?? null });
  }

  #unsubscribe(client: Client, channel: string): void {
    if (!client.channels.has(channel)) return this.#error(client, 4005, `not subscribed to ${JSON.stringify(channel)}`);
    this.#leave(client, channel);
  }

  #leave(client: Client, channel: string): void {
    client.channels.delete(channel);
    const set = this.#channels.get(channel);
    set?.delete(client);
    if (set?.size === 0) this.#channels.delete(channel);
    const chatroomId = CHANNEL.exec(channel)?.[1];
    if (chatroomId !== undefined) this.#presence.note(chatroomId, { action: "leave", username: client.user?.username ?? null });
  }

  /** One (possibly coalesced) presence event, with the viewer count as it is now. */
  #publishPresence(chatroomId: string, change: PresenceChange): void {
    const viewers = this.#channels.get(chatroomChannel(chatroomId))?.size ?? 0;
    const event: PresenceEvent = { chatroomId, ...change, viewers };
    this.publish(chatroomId, EVENTS.presence, event);
  }

  #onClose(client: Client, code: number): void {
    this.#clients.delete(client);
    const reason: CloseReason = client.closeReason ?? (CLIENT_CLOSE_CODES.has(code) ? "client_close" : "error");
    const { tracer, instruments } = this.#opts.telemetry;
    instruments.wsConnectionsActive.record(-1, {});
    instruments.wsDisconnects.record(1, { reason });
    tracer.startSpan(SPAN_DISCONNECT as string, { kind: SpanKind.SERVER, attributes: { [ATTR_CHAT_CLOSE_REASON]: reason } }).end();
    for (const channel of [...client.channels]) this.#leave(client, channel);
  }

  #beat(): void {
    for (const c of this.#clients) {
      if (!c.alive) {
        c.closeReason = "ping_timeout";
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  #error(client: Client, code: number, message: string): void {
    this.#send(client, JSON.stringify({ event: EVENTS.error, data: JSON.stringify({ code, message }) }));
  }

  #send(client: Client, frame: string): boolean {
    if (client.ws.readyState !== WebSocket.OPEN) return false;
    // bufferedAmount: bytes ws has not yet handed to the kernel (whose own buffer is already
    // full by then). frame.length counts UTF-16 units, close enough to bytes for a bound.
    if (client.ws.bufferedAmount + frame.length > this.#opts.maxBufferedBytes) {
      this.#dropSlowConsumer(client);
      return false;
    }
    client.ws.send(frame);
    return true;
  }

  #dropRateLimited(client: Client, why: string): void {
    client.closeReason = "rate_limited";
    client.ws.close(POLICY_VIOLATION, `rate limited: ${why}`);
    setTimeout(() => client.ws.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  }

  #dropSlowConsumer(client: Client): void {
    client.closeReason = "slow_consumer";
    client.ws.close(CLOSE_CODES.tryAgainLater, "slow consumer: too many unread frames");
    setTimeout(() => client.ws.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  }
}

/** Answers an upgrade request that will not become a WebSocket, naming why. */
function refuseUpgrade(socket: Duplex, status: string, message: string, headers: Readonly<Record<string, string>> = {}): void {
  const body = `${message}\n`;
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`);
}
