// Composes the chat server: state, HTTP API, WebSocket hub and link processor on one
// node:http server. Telemetry is passed in (no-ops when off), so tests and the benchmark
// can run it with telemetry on or off in-process.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context } from "@opentelemetry/api";
import type { Emote } from "../protocol/index.ts";
import { EVENTS, WS_PATH } from "../protocol/index.ts";
import type { ServerConfig } from "./config.ts";
import { createRequestListener } from "./http/listener.ts";
import { LinkProcessor } from "./links/processor.ts";
import { ChatState } from "./state.ts";
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
  /** Test and admin hook: asks every WebSocket client to reconnect (close code 4200). */
  dropConnections(): number;
  /** Replaces a chatroom's emote set and pushes the update to its subscribers. */
  updateEmotes(chatroomId: string, emotes: readonly Emote[], ctx?: Context): number;
  /** Stops accepting, closes WebSockets (1001) and open connections, stops link processing. */
  close(): Promise<void>;
}

export type ChatServerOptions = Pick<ServerConfig, "host" | "port" | "ws" | "links" | "faultInjection">;

export async function startChatServer(options: ChatServerOptions, telemetry: ServerTelemetry): Promise<ChatServer> {
  const state = new ChatState();
  const hub = new ChatHub({ state, telemetry, heartbeatMs: options.ws.heartbeatMs });
  const links = new LinkProcessor({ telemetry, ...options.links });
  const httpServer = createServer(createRequestListener({ state, hub, links, startedAt: Date.now(), faultInjection: options.faultInjection }, telemetry));
  hub.attach(httpServer);
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off("error", reject);
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
    dropConnections: () => hub.dropConnections(),
    updateEmotes(chatroomId, emotes, ctx) {
      state.setEmotes(chatroomId, emotes);
      return hub.publish(chatroomId, EVENTS.emoteSetUpdate, { chatroomId, emotes }, ctx);
    },
    close() {
      closing ??= (async () => {
        links.stop();
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await hub.close();
        httpServer.closeIdleConnections();
        // Requests in flight get a moment to finish; then the rest are cut.
        const timer = setTimeout(() => httpServer.closeAllConnections(), 2000);
        await closed;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
