// One chatroom's WebSocket (Pusher protocol, protocol/pusher.ts) with seed 000 P2's
// telemetry: a `ws:connect` span lasting from connect to close with open / close / error
// events, a `ws:reconnect` span from a drop to the next open, the open-connection count (held,
// observed at each send of the renderer's metrics to main),
// reconnection and error counters. Close code 4200 (server asks) and abnormal closes
// reconnect with exponential backoff and jitter; a close we asked for does not.
import { SpanKind, SpanStatusCode, type Span, type Tracer } from "@opentelemetry/api";
import type { CONNECTION_ERROR_TYPE, RECONNECT_REASON } from "../../../catalog/labels.ts";
import {
  CLOSE_CODES,
  ChatMessage,
  EVENTS,
  PresenceEvent,
  ServerFrame,
  chatroomChannel,
  type ClientFrame,
  type Chatroom,
} from "../../../protocol/index.ts";
import type { ErrorReporter } from "../telemetry/error-reporter.ts";
import type { RendererMetrics } from "../telemetry/renderer-metrics.ts";

type ErrorType = (typeof CONNECTION_ERROR_TYPE.values)[number];
type ReconnectReason = (typeof RECONNECT_REASON.values)[number];

export interface ChatConnectionHandlers {
  onState(state: "connecting" | "open" | "reconnecting" | "closed"): void;
  onMessage(message: ChatMessage): void;
  onPresence(count: number): void;
  onEmoteSetUpdate(): void;
}

export interface ChatConnectionOptions {
  readonly chatroom: Chatroom;
  readonly wsUrl: string;
  readonly tracer: Tracer;
  readonly metrics: RendererMetrics;
  readonly errors: ErrorReporter;
  readonly handlers: ChatConnectionHandlers;
  /** First reconnect delay and cap, in ms; the delay doubles per attempt with full jitter. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Client ping interval, in ms (Pusher's activity timeout is 120 s). */
  readonly pingIntervalMs?: number;
}

const SOURCE = "kick";

export class ChatConnection {
  readonly #o: ChatConnectionOptions;
  #socket: WebSocket | undefined;
  #connectSpan: Span | undefined;
  #reconnectSpan: Span | undefined;
  #attempt = 0;
  #opened = false;
  #closedByUs = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ChatConnectionOptions) {
    this.#o = options;
  }

  get chatroomId(): string {
    return this.#o.chatroom.id;
  }

  get attempt(): number {
    return this.#attempt;
  }

  connect(): void {
    const { chatroom, wsUrl, tracer } = this.#o;
    this.#closedByUs = false;
    this.#opened = false;
    const url = new URL(wsUrl);
    const span = tracer.startSpan("ws:connect", {
      kind: SpanKind.CLIENT,
      attributes: {
        "ws.url": `${url.origin}${url.pathname}`,
        "ws.streamer_id": chatroom.streamerId,
        "ws.streamer_name": chatroom.streamerName,
        chatroom_id: chatroom.id,
        "ws.phase": "connect",
        "reconnect.attempt": this.#attempt,
      },
    });
    this.#connectSpan = span;
    span.addEvent("ws.connect.started");
    this.#o.handlers.onState(this.#attempt === 0 ? "connecting" : "reconnecting");
    let socket: WebSocket;
    try {
      socket = new WebSocket(wsUrl);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      span.end();
      this.#countError("protocol");
      void this.#o.errors.report(err, { area: "ws", chatroomId: chatroom.id, streamerId: chatroom.streamerId });
      return;
    }
    this.#socket = socket;
    socket.addEventListener("open", () => this.#onOpen(span));
    socket.addEventListener("message", (e) => this.#onFrame(String(e.data)));
    socket.addEventListener("error", () => {
      span.addEvent("ws.error");
      span.setAttribute("ws.phase", "error");
    });
    socket.addEventListener("close", (e) => this.#onClose(span, e.code, e.reason));
  }

  /** Closes for good (leaving the chatroom). */
  close(): void {
    this.#closedByUs = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#reconnectSpan?.end();
    this.#reconnectSpan = undefined;
    this.#socket?.close(1000, "leaving");
  }

  #send(frame: ClientFrame): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(frame));
  }

  #onOpen(span: Span): void {
    const { chatroom, metrics } = this.#o;
    this.#opened = true;
    span.addEvent("ws.open");
    span.setAttribute("ws.phase", "open");
    metrics.hold("websocketConnectionsActive", 1, { streamer_name: chatroom.streamerName, source: SOURCE });
    if (this.#reconnectSpan) {
      this.#reconnectSpan.addEvent("ws.open");
      this.#reconnectSpan.end();
      this.#reconnectSpan = undefined;
    }
    this.#send({ event: EVENTS.subscribe, data: { channel: chatroomChannel(chatroom.id) } });
    this.#pingTimer = setInterval(() => this.#send({ event: EVENTS.ping, data: {} }), this.#o.pingIntervalMs ?? 30_000);
    // "open" (live) waits for the server's subscription_succeeded: between the socket opening
    // and the subscription, messages of the room are not delivered to this socket yet.
  }

  #onFrame(raw: string): void {
    const { chatroom, metrics, handlers } = this.#o;
    let frame: ServerFrame;
    let data: unknown;
    try {
      frame = ServerFrame.parse(JSON.parse(raw));
      data = JSON.parse(frame.data);
    } catch (err) {
      this.#countError("protocol");
      void this.#o.errors.report(new Error(`ws frame from chatroom ${chatroom.id} is not a Pusher frame: ${(err as Error).message}`), {
        area: "ws",
        chatroomId: chatroom.id,
        streamerId: chatroom.streamerId,
      });
      return;
    }
    switch (frame.event) {
      case EVENTS.chatMessage: {
        const parsed = ChatMessage.safeParse(data);
        if (!parsed.success) {
          this.#countError("protocol");
          return;
        }
        metrics.record("messagesReceived", 1, { message_type: parsed.data.type, streamer_name: chatroom.streamerName });
        handlers.onMessage(parsed.data);
        return;
      }
      case EVENTS.presence: {
        const parsed = PresenceEvent.safeParse(data);
        if (!parsed.success) {
          this.#countError("protocol");
          return;
        }
        handlers.onPresence(parsed.data.viewers);
        return;
      }
      case EVENTS.emoteSetUpdate:
        handlers.onEmoteSetUpdate();
        return;
      case EVENTS.subscriptionSucceeded:
        handlers.onState("open");
        return;
      default:
        return; // connection_established, pong
    }
  }

  #onClose(span: Span, code: number, reason: string): void {
    const { chatroom, metrics, handlers } = this.#o;
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    span.addEvent("ws.close", { "ws.close_code": code, "ws.close_reason": reason.slice(0, 120) });
    span.setAttributes({ "ws.phase": "close", "ws.close_code": code });
    if (this.#opened) metrics.hold("websocketConnectionsActive", -1, { streamer_name: chatroom.streamerName, source: SOURCE });
    const serverAsked = code === CLOSE_CODES.reconnect || code === CLOSE_CODES.goingAway;
    if (!this.#closedByUs && !serverAsked) {
      const type: ErrorType = this.#opened ? "ws_closed_abnormally" : "ws_error";
      this.#countError(type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: `closed with ${code}` });
    }
    span.end();
    this.#connectSpan = undefined;
    if (this.#closedByUs) {
      handlers.onState("closed");
      return;
    }
    if (this.#opened) this.#attempt = 0; // a connection that had opened starts a fresh backoff
    this.#scheduleReconnect(serverAsked ? "server_close" : "network");
  }

  #scheduleReconnect(reason: ReconnectReason): void {
    const { chatroom, metrics, tracer, handlers } = this.#o;
    this.#attempt++;
    metrics.record("websocketReconnections", 1, { streamer_name: chatroom.streamerName, source: SOURCE, reason });
    this.#reconnectSpan ??= tracer.startSpan("ws:reconnect", {
      kind: SpanKind.INTERNAL,
      attributes: { chatroom_id: chatroom.id, "ws.streamer_name": chatroom.streamerName, "reconnect.reason": reason },
    });
    this.#reconnectSpan.setAttribute("reconnect.attempt", this.#attempt);
    const base = this.#o.backoffBaseMs ?? 500;
    const cap = this.#o.backoffMaxMs ?? 30_000;
    const delay = Math.random() * Math.min(cap, base * 2 ** Math.min(this.#attempt - 1, 16));
    handlers.onState("reconnecting");
    this.#retryTimer = setTimeout(() => this.connect(), delay);
  }

  #countError(type: ErrorType): void {
    this.#o.metrics.record("connectionErrors", 1, { error_type: type, source: SOURCE });
  }
}
