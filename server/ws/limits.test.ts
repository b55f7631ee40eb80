// The WebSocket endpoint's bounds over real loopback sockets: a client that stops reading is
// closed once its backlog passes the cap (and counted), re-subscribing does not re-announce
// presence, bursts of presence coalesce, and browser pages of unknown origins are refused.
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { EVENTS, SignInResponse, chatroomChannel } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { api, testConfig, signUp } from "../testing/test-server.ts";
import { openSocket, subscribeTo } from "../testing/ws-client.ts";
import type { TestSocket } from "../testing/ws-client.ts";

const MAX_BUFFERED = 64 * 1024;
const PRESENCE_MS = 250;

let server: ChatServer;
const telemetry = createServerTelemetry();
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startChatServer(
    testConfig({ CHAT_SERVER_WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED), CHAT_SERVER_WS_PRESENCE_INTERVAL_MS: String(PRESENCE_MS) }),
    telemetry,
  );
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server.close();
});

const open = () => openSocket(server.wsUrl, sockets);
const subscribe = subscribeTo;

const presenceFrames = (s: TestSocket) => s.frames.filter((f) => f.event === EVENTS.presence).map((f) => JSON.parse(f.data) as { action: string; viewers: number });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("slow consumers", () => {
  it("closes a client that stops reading once its unsent backlog passes the cap, and counts it", async () => {
    const disconnects = vi.spyOn(telemetry.instruments.wsDisconnects, "record");
    const slow = await open();
    await subscribe(slow, "1003");
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    const before = server.hub.connections;
    const payload = { content: "x".repeat(16 * 1024) };
    // Loopback's kernel buffers take a few MB before ws has to hold anything; 4,000 frames
    // of 16 KB (64 MB) is far past that and the cap. The slow socket is the room's only
    // subscriber, so publish reaches 0 once it has been dropped.
    let sent = 0;
    while (sent < 4000 && server.hub.publish("1003", EVENTS.chatMessage, payload) === 1) {
      if (++sent % 50 === 0) await sleep(1);
    }
    expect(sent).toBeLessThan(4000);
    await vi.waitFor(() => expect(server.hub.connections).toBe(before - 1), { timeout: 3000 });
    expect(disconnects.mock.calls.map(([n, labels]) => [n, labels.reason])).toContainEqual([1, "slow_consumer"]);
    console.log(`slow consumer dropped after ${sent} frames of 16 KB (cap ${MAX_BUFFERED / 1024} KB unsent)`);
    disconnects.mockRestore();
  });
});

describe("presence", () => {
  it("does not announce a re-subscription: 1,000 subscribes to the same room are one join", async () => {
    const token = (await signUp(server.url, "resub")).token;
    const watcher = await open();
    await subscribe(watcher, "1002");
    const resubscriber = await open();
    for (let i = 0; i < 1000; i++) resubscriber.send({ event: EVENTS.subscribe, data: { channel: chatroomChannel("1002"), auth: token } });
    // Every subscribe is still acknowledged.
    await vi.waitFor(() => expect(resubscriber.frames.filter((f) => f.event === EVENTS.subscriptionSucceeded)).toHaveLength(1000), { timeout: 5000 });
    await sleep(PRESENCE_MS * 2);
    const joins = presenceFrames(watcher).filter((p) => p.action === "join" && p.viewers === 2);
    expect(joins).toHaveLength(1);
    expect(presenceFrames(watcher).length).toBeLessThanOrEqual(2);
  });

  it("coalesces a burst of joins to at most one event per interval, carrying the final count", async () => {
    const watcher = await open();
    await subscribe(watcher, "1004");
    const t0 = performance.now();
    const joiners = await Promise.all(Array.from({ length: 30 }, () => open()));
    await Promise.all(joiners.map((j) => subscribe(j, "1004")));
    await sleep(PRESENCE_MS * 2);
    const intervals = Math.ceil((performance.now() - t0) / PRESENCE_MS) + 1;
    const frames = presenceFrames(watcher);
    expect(frames.length).toBeLessThanOrEqual(intervals);
    expect(frames.length).toBeLessThan(30);
    expect(frames.at(-1)).toMatchObject({ action: "join", viewers: 31 });
  });
});

describe("origin check on the upgrade", () => {
  /** The upgrade's answer: 101 when the socket opened, else the HTTP status. */
  async function upgrade(origin: string | undefined, url = server.wsUrl): Promise<number> {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    return new Promise((resolve) => {
      ws.once("open", () => {
        ws.terminate();
        resolve(101);
      });
      ws.once("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      // terminate() before the handshake completed reports an error too; the status is already in.
      ws.on("error", () => resolve(-1));
    });
  }

  it("refuses a page of another site with 403, and lets the client's and non-browser connections in", async () => {
    expect(await upgrade("https://evil.example")).toBe(403);
    expect(await upgrade("http://localhost.evil.example:5173")).toBe(403);
    expect(await upgrade("null")).toBe(101);
    expect(await upgrade("file://")).toBe(101);
    expect(await upgrade(undefined)).toBe(101);
    // Outside production, pages a developer serves from loopback.
    expect(await upgrade("http://localhost:5173")).toBe(101);
  });

  it("refuses loopback dev pages in production", async () => {
    const prod = await startChatServer(testConfig({ NODE_ENV: "production" }), createServerTelemetry());
    try {
      expect(await upgrade("http://localhost:5173", prod.wsUrl)).toBe(403);
      expect(await upgrade("file://", prod.wsUrl)).toBe(101);
    } finally {
      await prod.close();
    }
  });
});
