// Server-side request forgery through link previews, end to end over the API with the
// production configuration: every spelling of a loopback or internal address, a redirect to
// another port, and the cloud metadata address are refused as "blocked" without a connection
// being made, whether the port is open or closed; and link status is for signed-in readers.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorResponse, LinkStatus, PostMessageResponse, SignInResponse } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { loadConfig } from "../config.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { TEST_RATE_LIMITS, api, signUp } from "../testing/test-server.ts";

/** The internal services an attacker aims at: one port, on 127.0.0.1 and on ::1. */
const internal: Server[] = [];
let port: number;
let closedPort: number;
let hits = 0;
let server: ChatServer;
let token: string;

async function listen(s: Server, host: string, at = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(at, host, resolve);
  });
  return (s.address() as AddressInfo).port;
}

beforeAll(async () => {
  const secret = () =>
    createServer((req, res) => {
      hits++;
      if (req.url === "/redirect") return void res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` }).end();
      res.writeHead(200, { "content-type": "text/html" }).end("<title>internal admin</title>");
    });
  internal.push(secret(), secret());
  port = await listen(internal[0] as Server, "127.0.0.1");
  await listen(internal[1] as Server, "::1", port);
  const probe = createServer();
  closedPort = await listen(probe, "127.0.0.1");
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  server = await startChatServer(loadConfig({ NODE_ENV: "production", PORT: "0", OTEL_SDK_DISABLED: "true", LINK_FETCH_TIMEOUT_MS: "1000", ...TEST_RATE_LIMITS }), createServerTelemetry());
  token = (await signUp(server.url, "mallory")).token;
});
afterAll(async () => {
  await server.close();
  for (const s of internal) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function postLink(url: string): Promise<string> {
  const r = await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: `see ${url}` } });
  expect(r.status).toBe(201);
  const [link] = PostMessageResponse.parse(r.json).message.links;
  return (link as { id: string }).id;
}

const status = async (id: string, as = token) => LinkStatus.parse((await api(server.url, "GET", `/api/links/${id}`, { token: as })).json);

describe("link previews cannot reach internal addresses", () => {
  it("blocks every spelling of loopback, a redirect, the metadata service and unspecified, without connecting", async () => {
    const urls = [
      `http://127.0.0.1:${port}/secret`,
      `http://[::1]:${port}/secret`,
      `http://localhost:${port}/secret`,
      `http://localhost.:${port}/secret`,
      `http://127.1:${port}/secret`,
      `http://2130706433:${port}/secret`,
      `http://0x7f.0.0.1:${port}/secret`,
      `http://017700000001:${port}/secret`,
      `http://[::ffff:127.0.0.1]:${port}/secret`,
      `http://[::ffff:7f00:1]:${port}/secret`,
      `http://[64:ff9b::7f00:1]:${port}/secret`,
      `http://0.0.0.0:${port}/secret`,
      `http://127.0.0.1:${port}/redirect`,
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/latest/meta-data/",
      "http://10.0.0.1/",
      "http://100.100.100.200/latest/meta-data/",
    ];
    const ids: string[] = [];
    for (const url of urls) ids.push(await postLink(url));
    await server.links.idle();
    const outcomes = (await Promise.all(ids.map((id) => status(id)))).map((l) => [l.url, l.status, l.failureReason]);
    expect(outcomes).toEqual(urls.map((url) => [url, "failed", "blocked"]));
    expect(hits).toBe(0);
  });

  it("gives an open and a closed internal port the same answer", async () => {
    const open = await status(await postLink(`http://127.0.0.1:${port}/`));
    const closed = await status(await postLink(`http://127.0.0.1:${closedPort}/`));
    await server.links.idle();
    const [o, c] = [await status(open.id), await status(closed.id)];
    expect([o.status, o.failureReason]).toEqual(["failed", "blocked"]);
    expect([c.status, c.failureReason]).toEqual([o.status, o.failureReason]);
  });
});

describe("link status", () => {
  it("needs a signed-in caller: 401 without a token, the status to another signed-in reader", async () => {
    const id = await postLink(`http://127.0.0.1:${port}/secret`);
    await server.links.idle();
    const anonymous = await api(server.url, "GET", `/api/links/${id}`);
    expect(anonymous.status).toBe(401);
    expect(ErrorResponse.parse(anonymous.json).error.code).toBe("missing_token");
    const reader = (await signUp(server.url, "reader")).token;
    expect((await status(id, reader)).id).toBe(id);
  });

  it("answers an unknown id like a link the caller may not read: 404 link_not_found", async () => {
    const r = await api(server.url, "GET", "/api/links/00000000-0000-0000-0000-000000000000", { token });
    expect(r.status).toBe(404);
    expect(ErrorResponse.parse(r.json).error).toEqual({ code: "link_not_found", message: "link 00000000-0000-0000-0000-000000000000 does not exist" });
  });
});
