// Composes the chat server: state, HTTP API, WebSocket hub and link processor on one
// node:http server. Telemetry is passed in (no-ops when off), so tests and the benchmark
// can run it with telemetry on or off in-process. The server bounds what a client can hold:
// connections in total and per address, and time to send headers and a whole request.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context } from "@opentelemetry/api";
import type { Emote } from "../protocol/index.ts";
import { EVENTS, WS_PATH } from "../protocol/index.ts";
import { PasswordHasher } from "./auth/passwords.ts";
import type { ServerConfig } from "./config.ts";
import { limitConnections } from "./http/connection-limits.ts";
import type { ConnectionLimits } from "./http/connection-limits.ts";
import { createRequestListener } from "./http/listener.ts";
import { RateLimits } from "./limits/rate-limits.ts";
import { LinkProcessor } from "./links/processor.ts";
import { LinkStore } from "./links/link-store.ts";
import { ChatState } from "./state.ts";
import { openDatabase } from "./store/database.ts";
import type { ServerTelemetry } from "./telemetry/types.ts";
import { ChatHub } from "./ws/hub.ts";

export interface ChatServer {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:8787 */
  readonly url: string;
  /** URL of the WebSocket endpoint, e.g. ws://127.0.0.1:8787/ws */
  readonly wsUrl: string;
  readonly port: number;
  readonly httpServer: Server;
  readonly state: ChatState;
  readonly hub: ChatHub;
  readonly links: LinkProcessor;
  readonly connectionLimits: ConnectionLimits;
  /** Rate limits and what they refused and evicted (no catalog metric for them yet). */
  readonly rateLimits: RateLimits;
  /** Test and admin hook: asks every WebSocket client to reconnect (close code 4200). */
  dropConnections(): number;
  /** Replaces a chatroom's emote set and pushes the update to its subscribers. */
  updateEmotes(chatroomId: string, emotes: readonly Emote[], ctx?: Context): number;
  /** Stops accepting, closes WebSockets (1001) and open connections, stops link processing. */
  close(): Promise<void>;
}

export type ChatServerOptions = Pick<ServerConfig, "host" | "port" | "http" | "ws" | "links" | "store" | "faultInjection" | "auth" | "rateLimits">;

/** Expired sessions are deleted at least this often (ms); each is also refused when next seen. */
const SESSION_SWEEP_MS = 10 * 60_000;

export async function startChatServer(options: ChatServerOptions, telemetry: ServerTelemetry): Promise<ChatServer> {
  const db = openDatabase(options.store);
  const { auth } = options;
  const state = new ChatState(db, auth);
  const passwords = new PasswordHasher({ params: auth.kdf, concurrency: auth.kdfConcurrency, maxQueued: auth.kdfMaxQueued });
  const rateLimits = new RateLimits(options.rateLimits);
  const sweep = setInterval(() => state.sweepSessions(), Math.min(SESSION_SWEEP_MS, auth.sessionIdleMs));
  sweep.unref();
  const linkStore = new LinkStore(db);
  // Fetches that were running when a previous process stopped will never finish.
  linkStore.failUnfinished();
  const hub = new ChatHub({ state, telemetry, limits: rateLimits, ...options.ws });
  const links = new LinkProcessor({ telemetry, store: linkStore, ...options.links });
  const { http } = options;
  const httpServer = createServer(
    {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      keepAliveTimeout: http.keepAliveTimeoutMs,
      // How often node enforces the two timeouts above (default 30 s): often enough that a
      // slowloris connection is cut within a fraction of its deadline past it.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(http.headersTimeoutMs / 4))),
    },
    createRequestListener({ state, hub, links, passwords, limits: rateLimits, startedAt: Date.now(), faultInjection: options.faultInjection }, telemetry),
  );
  const connectionLimits = limitConnections(httpServer, { maxConnections: http.maxConnections, maxPerIp: http.maxConnectionsPerIp });
  hub.attach(httpServer);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      clearInterval(sweep);
      db.close();
      reject(err);
    };
    httpServer.once("error", onError);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off("error", onError);
      resolve();
    });
  });
  const { port, address } = httpServer.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}${WS_PATH}`,
    port,
    httpServer,
    state,
    hub,
    links,
    connectionLimits,
    rateLimits,
    dropConnections: () => hub.dropConnections(),
    updateEmotes(chatroomId, emotes, ctx) {
      state.setEmotes(chatroomId, emotes);
      return hub.publish(chatroomId, EVENTS.emoteSetUpdate, { chatroomId, emotes }, ctx);
    },
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        links.stop();
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await hub.close();
        httpServer.closeIdleConnections();
        // Requests in flight get a moment to finish; then the rest are cut.
        const timer = setTimeout(() => httpServer.closeAllConnections(), 2000);
        await closed;
        clearTimeout(timer);
        // Fetches in flight get the same grace to record their outcome; past it they are
        // marked failed at the next start, and the database closes.
        await Promise.race([links.idle(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        db.close();
      })();
      return closing;
    },
  };
}
