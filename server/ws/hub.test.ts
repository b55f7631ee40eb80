// The WebSocket protocol over real loopback sockets, telemetry off.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CLOSE_CODES, EVENTS, PostMessageResponse, SignInResponse, chatroomChannel } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { api, testConfig, signUp } from "../testing/test-server.ts";
import { connect, openSocket, subscribeTo } from "../testing/ws-client.ts";
import type { TestSocket } from "../testing/ws-client.ts";

let server: ChatServer;
let token: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startChatServer(testConfig(), createServerTelemetry());
  token = (await signUp(server.url, "bob")).token;
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server.close();
});

const open = () => openSocket(server.wsUrl, sockets);
const subscribe = subscribeTo;

describe("WebSocket", () => {
  it("greets with pusher:connection_established carrying a socket id", async () => {
    const s = await connect(server.wsUrl);
    sockets.push(s);
    const { data } = await s.next(EVENTS.connectionEstablished);
    expect(data).toEqual({ socket_id: expect.stringMatching(/^[0-9a-f-]{36}$/), activity_timeout: 30 });
  });

  it("fans a posted chat message out to every subscriber of the room, and only them", async () => {
    const [a, b, other] = await Promise.all([open(), open(), open()]);
    await subscribe(a!, "1002");
    await subscribe(b!, "1002");
    await subscribe(other!, "1003");
    const posted = await api(server.url, "POST", "/api/chatrooms/1002/messages", { token, body: { content: "fan out" } });
    const { message } = PostMessageResponse.parse(posted.json);
    for (const s of [a!, b!]) {
      const { frame, data } = await s.next(EVENTS.chatMessage);
      expect(frame.channel).toBe(chatroomChannel("1002"));
      expect(data).toEqual(message);
    }
    // A frame for the other room's own presence arrives; a chat message must not.
    await api(server.url, "POST", "/api/chatrooms/1003/messages", { token, body: { content: "marker" } });
    const marker = await other!.next(EVENTS.chatMessage);
    expect((marker.data as { content: string }).content).toBe("marker");
  });

  it("sends presence events when someone joins and leaves", async () => {
    const watcher = await open();
    await subscribe(watcher, "1004");
    const joiner = await open();
    await subscribe(joiner, "1004", token);
    const join = await watcher.next(EVENTS.presence, (d) => (d as { action: string }).action === "join" && (d as { username: unknown }).username === "bob");
    expect(join.data).toEqual({ chatroomId: "1004", action: "join", username: "bob", viewers: 2 });
    joiner.send({ event: EVENTS.unsubscribe, data: { channel: chatroomChannel("1004") } });
    const leave = await watcher.next(EVENTS.presence, (d) => (d as { action: string }).action === "leave");
    expect(leave.data).toEqual({ chatroomId: "1004", action: "leave", username: "bob", viewers: 1 });
  });

  it("pushes emote-set updates to the room", async () => {
    const s = await open();
    await subscribe(s, "1001");
    const emotes = [{ id: "n1", name: "newEmote", source: "7tv" as const, url: "https://cdn.beacon.invalid/n1.webp" }];
    expect(server.updateEmotes("1001", emotes)).toBe(1);
    const { data } = await s.next(EVENTS.emoteSetUpdate);
    expect(data).toEqual({ chatroomId: "1001", emotes });
  });

  it("answers pusher:ping with pusher:pong", async () => {
    const s = await open();
    s.send({ event: EVENTS.ping, data: {} });
    const { data } = await s.next(EVENTS.pong);
    expect(data).toEqual({});
  });

  it("answers bad frames with pusher:error naming the problem", async () => {
    const s = await open();
    s.send("not json");
    expect((await s.next(EVENTS.error)).data).toEqual({ code: 4001, message: expect.stringMatching(/^frame is not valid JSON: /) });
    s.send({ event: "pusher:subscribe", data: {} });
    expect((await s.next(EVENTS.error)).data).toEqual({ code: 4001, message: expect.stringMatching(/^invalid frame: data\.channel: /) });
    s.send({ event: "client-whatever", data: {} });
    expect((await s.next(EVENTS.error)).data).toMatchObject({ code: 4001, message: expect.stringMatching(/^invalid frame: /) });
    s.send({ event: EVENTS.subscribe, data: { channel: "chatrooms.9999.v2" } });
    expect((await s.next(EVENTS.error)).data).toEqual({
      code: 4004,
      message: 'unknown channel "chatrooms.9999.v2"; expected chatrooms.<id>.v2 of an existing chatroom',
    });
    s.send({ event: EVENTS.subscribe, data: { channel: chatroomChannel("1001"), auth: "bogus" } });
    expect((await s.next(EVENTS.error)).data).toEqual({ code: 4009, message: "auth token is not valid; sign in again" });
    s.send({ event: EVENTS.unsubscribe, data: { channel: chatroomChannel("1001") } });
    expect((await s.next(EVENTS.error)).data).toEqual({ code: 4005, message: 'not subscribed to "chatrooms.1001.v2"' });
    // The socket stays usable after errors.
    s.send({ event: EVENTS.ping });
    await s.next(EVENTS.pong);
  });

  it("refuses upgrades on other paths with 404", async () => {
    await expect(connect(server.wsUrl.replace(/\/ws$/, "/other"))).rejects.toThrow(/404/);
  });

  it("asks every client to reconnect: pusher:reconnect, then close code 4200", async () => {
    const s = await open();
    const before = server.hub.connections;
    expect(server.dropConnections()).toBe(before);
    await s.next(EVENTS.reconnect);
    expect(await s.closed).toEqual({ code: CLOSE_CODES.reconnect, reason: "reconnect" });
    sockets.length = 0;
  });
});

describe("WebSocket heartbeat", () => {
  it("terminates a client that stops answering pings", async () => {
    const quick = await startChatServer(testConfig({ CHAT_SERVER_WS_HEARTBEAT_MS: "100" }), createServerTelemetry());
    try {
      const { default: WebSocket } = await import("ws");
      const silent = new WebSocket(quick.wsUrl, { autoPong: false });
      const closed = new Promise<number>((resolve) => silent.on("close", (code) => resolve(code)));
      // 1006: the server dropped the TCP connection without a close frame.
      expect(await closed).toBe(1006);
      await vi.waitFor(() => expect(quick.hub.connections).toBe(0));
    } finally {
      await quick.close();
    }
  });
});
