// The HTTP server's bounds over real loopback sockets: slowloris connections are cut at the
// headers deadline while real requests are still served, connections are capped per address
// and in total, JSON routes take only JSON (415), and HEAD is answered on every GET route.
import { connect } from "node:net";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorResponse } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { TEST_PASSWORD, api, signUp, testConfig } from "../testing/test-server.ts";

const HEADERS_TIMEOUT_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: ChatServer;

beforeAll(async () => {
  server = await startChatServer(
    testConfig({ CHAT_SERVER_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), CHAT_SERVER_REQUEST_TIMEOUT_MS: "2000", CHAT_SERVER_MAX_CONNECTIONS_PER_IP: "300" }),
    createServerTelemetry(),
  );
});
afterAll(() => server.close());

/** A raw TCP connection to `port`, with a promise of its close. */
async function rawConnection(port: number): Promise<{ socket: Socket; closed: Promise<number>; received: () => string }> {
  const socket = connect(port, "127.0.0.1");
  let received = "";
  socket.on("data", (b) => (received += b.toString()));
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now())));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, closed, received: () => received };
}

describe("slowloris", () => {
  it("cuts 200 connections that send headers a byte at a time, while real requests are served promptly", async () => {
    const COUNT = 200;
    const header = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${"a".repeat(2000)}`;
    const slow = await Promise.all(Array.from({ length: COUNT }, () => rawConnection(server.port)));
    const t0 = performance.now();
    const drips = slow.map(({ socket }) => {
      let i = 0;
      return setInterval(() => {
        if (!socket.destroyed && i < header.length) socket.write(header[i++] as string);
      }, 100);
    });
    try {
      const latencies: number[] = [];
      // Real requests for 2.5 s: past the 1 s headers deadline and the cut.
      while (performance.now() - t0 < 2500) {
        const start = performance.now();
        const r = await api(server.url, "GET", "/healthz");
        expect(r.status).toBe(200);
        latencies.push(performance.now() - start);
        await sleep(100);
      }
      const closedAt = await Promise.all(slow.map((s) => Promise.race([s.closed, sleep(2000).then(() => Infinity)])));
      const cutWithin = Math.max(...closedAt) - t0;
      console.log(
        `slowloris: ${COUNT} connections cut within ${cutWithin.toFixed(0)} ms (headers timeout ${HEADERS_TIMEOUT_MS} ms); ` +
          `${latencies.length} real requests, slowest ${Math.max(...latencies).toFixed(0)} ms`,
      );
      expect(cutWithin).toBeLessThan(HEADERS_TIMEOUT_MS + 1500);
      expect(Math.max(...latencies)).toBeLessThan(500);
      expect(slow.filter((s) => s.received().startsWith("HTTP/1.1 408")).length).toBe(COUNT);
    } finally {
      for (const d of drips) clearInterval(d);
      for (const { socket } of slow) socket.destroy();
    }
  });

  it("cuts a connection that sends nothing at all", async () => {
    const idle = await rawConnection(server.port);
    const t0 = performance.now();
    const closedAt = await Promise.race([idle.closed, sleep(HEADERS_TIMEOUT_MS + 2000).then(() => Infinity)]);
    idle.socket.destroy();
    expect(closedAt - t0).toBeLessThan(HEADERS_TIMEOUT_MS + 1500);
  });
});

describe("connection caps", () => {
  it("closes a connection past the per-address cap at once, and accepts again once one closes", async () => {
    const capped = await startChatServer(testConfig({ CHAT_SERVER_MAX_CONNECTIONS_PER_IP: "20" }), createServerTelemetry());
    const open: Socket[] = [];
    try {
      for (let i = 0; i < 20; i++) open.push((await rawConnection(capped.port)).socket);
      await sleep(50);
      const extra = await rawConnection(capped.port);
      const closedAt = await Promise.race([extra.closed, sleep(1000).then(() => Infinity)]);
      expect(closedAt).not.toBe(Infinity);
      expect(capped.connectionLimits.refusedPerIp).toBe(1);
      expect(capped.connectionLimits.openFrom("127.0.0.1")).toBe(20);
      open.pop()?.destroy();
      await sleep(50);
      expect((await api(capped.url, "GET", "/healthz")).status).toBe(200);
    } finally {
      for (const s of open) s.destroy();
      await capped.close();
    }
  });

  it("closes a connection past the total cap", async () => {
    const capped = await startChatServer(testConfig({ CHAT_SERVER_MAX_CONNECTIONS: "10" }), createServerTelemetry());
    const open: Socket[] = [];
    try {
      for (let i = 0; i < 10; i++) open.push((await rawConnection(capped.port)).socket);
      const extra = await rawConnection(capped.port);
      expect(await Promise.race([extra.closed, sleep(1000).then(() => Infinity)])).not.toBe(Infinity);
    } finally {
      for (const s of open) s.destroy();
      await capped.close();
    }
  });
});

describe("content type and HEAD", () => {
  it("answers 415 naming the type when a JSON route gets a body that is not declared JSON", async () => {
    for (const type of ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"]) {
      const r = await api(server.url, "POST", "/api/auth/sign-in", { raw: '{"username":"csrf"}', headers: { "content-type": type } });
      expect(r.status, type).toBe(415);
      expect(ErrorResponse.parse(r.json).error).toEqual({ code: "unsupported_media_type", message: `content-type must be application/json; got ${JSON.stringify(type)}` });
    }
    const none = await fetch(`${server.url}/api/auth/sign-in`, { method: "POST", body: new Uint8Array(Buffer.from('{"username":"x"}')) });
    expect(none.status).toBe(415);
    expect(ErrorResponse.parse(await none.json()).error.message).toBe("content-type must be application/json; got none");
    await signUp(server.url, "typed");
    for (const type of ["application/json", "application/json; charset=utf-8", "Application/JSON"]) {
      const r = await api(server.url, "POST", "/api/auth/sign-in", { raw: JSON.stringify({ username: "typed", password: TEST_PASSWORD }), headers: { "content-type": type } });
      expect(r.status, type).toBe(200);
    }
  });

  it("answers HEAD on GET routes with the GET headers and no body", async () => {
    for (const path of ["/api/chatrooms", "/api/chatrooms/1001", "/healthz"]) {
      const get = await fetch(`${server.url}${path}`);
      const head = await fetch(`${server.url}${path}`, { method: "HEAD" });
      expect(head.status, path).toBe(200);
      expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
      expect(await head.text()).toBe("");
    }
    expect((await fetch(`${server.url}/api/chatrooms/9999`, { method: "HEAD" })).status).toBe(404);
    const post = await fetch(`${server.url}/api/auth/sign-in`, { method: "HEAD" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("POST");
  });
});
