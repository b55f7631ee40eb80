// Link processing under a flood: one user posts hundreds of messages full of links, then
// another user posts one. The bounds shed the flood (counted), and fair scheduling gets the
// other user's link done within a few fetch times rather than behind the whole flood.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LinkStatus, PostMessageResponse, SignInResponse } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { api, testConfig, signUp } from "../testing/test-server.ts";

/** Each page answers after this many ms: a slow site makes the queue matter. */
const PAGE_MS = 100;
const FLOOD_MESSAGES = 200;
const LINKS_PER_FLOOD_MESSAGE = 10;

let site: Server;
let siteUrl: string;
let server: ChatServer;
const telemetry = createServerTelemetry();

beforeAll(async () => {
  site = createServer((_req, res) => {
    setTimeout(() => res.writeHead(200, { "content-type": "text/html" }).end("<title>page</title>"), PAGE_MS);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  server = await startChatServer(
    testConfig({ CHAT_SERVER_LINKS_ALLOW_LOOPBACK: "true", LINK_CONCURRENCY: "2", LINK_MAX_PER_MESSAGE: "5", LINK_MAX_PENDING_PER_USER: "20", LINK_MAX_PENDING: "100" }),
    telemetry,
  );
});
afterAll(async () => {
  await server.close();
  site.closeAllConnections();
  await new Promise<void>((resolve) => site.close(() => resolve()));
});

const signIn = async (username: string) => (await signUp(server.url, username)).token;
const post = async (token: string, content: string) => {
  const r = await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content } });
  expect(r.status).toBe(201);
  return PostMessageResponse.parse(r.json).message;
};

describe("link queue under a flood", () => {
  it("sheds the flood past its bounds, counted, and processes another user's link promptly", async () => {
    const processed = vi.spyOn(telemetry.instruments.linksProcessed, "record");
    const flooder = await signIn("flooder");
    let queued = 0;
    for (let i = 0; i < FLOOD_MESSAGES; i++) {
      const urls = Array.from({ length: LINKS_PER_FLOOD_MESSAGE }, (_, k) => `${siteUrl}/flood/${i}/${k}`);
      const message = await post(flooder, urls.join(" "));
      expect(message.links.length).toBeLessThanOrEqual(5);
      queued += message.links.length;
    }
    // At most 20 of the flooder's links wait or run at a time, and the flood took far less
    // time than 20 page loads, so nearly all of its 2,000 links were shed.
    expect(queued).toBeLessThan(FLOOD_MESSAGES * 5);
    const shed = processed.mock.calls.filter(([, labels]) => labels.reason === "shed").reduce((n, [count]) => n + count, 0);
    expect(shed).toBe(FLOOD_MESSAGES * LINKS_PER_FLOOD_MESSAGE - queued);

    const other = await signIn("bystander");
    const [link] = (await post(other, `have a look: ${siteUrl}/normal`)).links;
    const t0 = performance.now();
    const done = await vi.waitFor(
      async () => {
        const s = LinkStatus.parse((await api(server.url, "GET", `/api/links/${link!.id}`, { token: other })).json);
        if (s.status !== "completed" && s.status !== "failed") throw new Error(`link still ${s.status}`);
        return s;
      },
      { timeout: 2000, interval: 20 },
    );
    const waitedMs = performance.now() - t0;
    console.log(`flood: ${FLOOD_MESSAGES * LINKS_PER_FLOOD_MESSAGE} links posted, ${queued} queued, ${shed} shed; bystander's link ${done.status} after ${waitedMs.toFixed(0)} ms`);
    expect(done.status).toBe("completed");
    // Two workers, 100 ms pages: the bystander is next after the fetches in flight.
    expect(waitedMs).toBeLessThan(1500);
    processed.mockRestore();
  });
});
