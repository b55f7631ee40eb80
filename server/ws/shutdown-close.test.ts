// A client that already closed its WebSocket when the server shuts down is counted as
// client_close, not shutdown: its close handshake is under way, the server did not end it.
// Held there by a raw TCP client that sends its close frame and never closes the connection.
import { connect as connectTcp } from "node:net";
import type { Socket } from "node:net";
import { afterAll, expect, it } from "vitest";
import { METRICS } from "../../catalog/index.ts";
import { startChatServer } from "../app.ts";
import { startInMemoryTelemetry } from "../testing/in-memory-telemetry.ts";
import { testConfig } from "../testing/test-server.ts";

const config = testConfig();
const t = startInMemoryTelemetry(config);
afterAll(() => t.running.shutdown());

/** Bytes from `socket` until `done` says they are enough. */
function readUntil(socket: Socket, done: (b: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (!done(got)) return;
      socket.off("data", onData);
      resolve(got);
    };
    socket.on("data", onData);
    socket.once("error", reject);
  });
}

it("counts a socket whose client closed first as client_close when the server shuts down mid-handshake", async () => {
  const server = await startChatServer(config, t.running.telemetry);
  const { hostname, port } = new URL(server.wsUrl);
  const socket = connectTcp(Number(port), hostname);
  await new Promise((r) => socket.once("connect", r));
  socket.write(
    `GET ${new URL(server.wsUrl).pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  const upgraded = await readUntil(socket, (b) => b.includes("\r\n\r\n"));
  expect(upgraded.toString()).toMatch(/^HTTP\/1\.1 101/);
  // A masked close frame, code 1000, mask 0; then wait for the server's close frame (0x88).
  const reply = readUntil(socket, (b) => b.includes(0x88));
  socket.write(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]));
  await reply;

  await server.close();
  socket.destroy();
  const disconnects = (await t.collectMetrics()).filter((p) => p.name === METRICS.wsDisconnects.name);
  expect(disconnects.map((p) => [p.attributes, p.value])).toEqual([[{ reason: "client_close" }, 1]]);
});
