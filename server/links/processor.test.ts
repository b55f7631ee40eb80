// Link processing end to end over loopback: messages posted to the API carry URLs of a
// local fixture site; each link ends completed or failed with the right reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinkStatus, PostMessageResponse, SignInResponse } from "../../protocol/index.ts";
import { startChatServer } from "../app.ts";
import type { ChatServer } from "../app.ts";
import { createServerTelemetry } from "../telemetry/api-telemetry.ts";
import { startFixtureSite } from "../testing/fixture-site.ts";
import type { FixtureSite } from "../testing/fixture-site.ts";
import { api, testConfig, signUp } from "../testing/test-server.ts";

let server: ChatServer;
let site: FixtureSite;
let token: string;

beforeAll(async () => {
  site = await startFixtureSite();
  server = await startChatServer(testConfig({ LINK_FETCH_TIMEOUT_MS: "1500", LINK_CONCURRENCY: "2", CHAT_SERVER_LINKS_ALLOW_LOOPBACK: "true" }), createServerTelemetry());
  token = (await signUp(server.url, "carol")).token;
});
afterAll(async () => {
  await server.close();
  await site.close();
});

async function processLinks(content: string): Promise<LinkStatus[]> {
  const posted = await api(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content } });
  expect(posted.status).toBe(201);
  const { message } = PostMessageResponse.parse(posted.json);
  await server.links.idle();
  return Promise.all(message.links.map(async (l) => LinkStatus.parse((await api(server.url, "GET", `/api/links/${l.id}`, { token })).json)));
}

describe("link processing", () => {
  it("completes an HTML page with its title, description and favicon", async () => {
    const [link] = await processLinks(`read ${site.url}/article now`);
    expect(link).toEqual({
      id: expect.any(String),
      url: `${site.url}/article`,
      domain: "127.0.0.1",
      status: "completed",
      title: "Beacon & friends",
      description: "A page about observability",
      favicon: `${site.url}/static/icon.png`,
    });
  });

  it("fails each bad link with its reason", async () => {
    const links = await processLinks(
      [`${site.url}/data.json`, `${site.url}/error`, `${site.url}/slow`, site.deadUrl, "http://[::1"].join(" "),
    );
    expect(links.map((l) => [l.url, l.status, l.failureReason])).toEqual([
      [`${site.url}/data.json`, "failed", "not_html"],
      [`${site.url}/error`, "failed", "http_error"],
      [`${site.url}/slow`, "failed", "timeout"],
      [site.deadUrl, "failed", "network"],
      ["http://[::1", "failed", "invalid_url"],
    ]);
  });
});
