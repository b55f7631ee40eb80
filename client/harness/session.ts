// A scripted user session against a running harness and chat server, through the UI where
// there is one: sign in, join two chatrooms, receive a message from another user, insert an
// emote and a mention from suggestions, send messages (one with a link, one a reply), read the
// reply thread, search and chatters dialogs, survive a dropped WebSocket, open/close dialogs,
// change a setting, cause a handled error, run the updater flow. The e2e checks and the k6 work reuse it; it returns what it did so they can count.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { FEED_FILE } from "../main/local-feed-updater.ts";
import { freePort } from "../../testkit/process.ts";
import type { ClientHarness } from "./harness.ts";

export interface SessionServer {
  /** Base URL of the chat API, for the second user that talks to us. */
  readonly url: string;
  /** Makes the server drop this client's WebSockets (close 4200). */
  dropConnections(): Promise<unknown> | unknown;
}

export interface SessionResult {
  readonly username: string;
  readonly joined: readonly string[];
  readonly sent: number;
  readonly received: number;
  readonly reconnected: boolean;
  readonly dialogsOpened: number;
  readonly updaterVersion: string;
}

const WAIT_MS = 15_000;

/** Writes a local update feed offering `version` (for KICKTALK_UPDATE_FEED_DIR). */
export function writeUpdateFeed(feedDir: string, version: string, sizeBytes = 300_000): void {
  mkdirSync(feedDir, { recursive: true });
  const file = `KickTalk-${version}.bin`;
  const body = Buffer.alloc(sizeBytes, 7);
  writeFileSync(join(feedDir, file), body);
  writeFileSync(join(feedDir, FEED_FILE), JSON.stringify({ version, file, sha256: createHash("sha256").update(body).digest("hex") }));
}

/** The password every scripted user has: the server's policy wants 10+ characters, not the name. */
export const SESSION_PASSWORD = "harness password 1234";

/**
 * Makes sure `username` has an account with SESSION_PASSWORD and returns a session token:
 * registers it, or signs in when an earlier run on the same server already did (409).
 */
export async function ensureAccount(serverUrl: string, username: string, password = SESSION_PASSWORD): Promise<string> {
  const send = (path: string) =>
    fetch(`${serverUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  let res = await send("/api/auth/register");
  if (res.status === 409) res = await send("/api/auth/sign-in");
  if (!res.ok) throw new Error(`session: cannot register or sign in ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

async function postAs(server: SessionServer, username: string, chatroomId: string, content: string): Promise<void> {
  const token = await ensureAccount(server.url, username);
  const res = await fetch(`${server.url}/api/chatrooms/${chatroomId}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ content }),
  });
  if (!res.ok) throw new Error(`session: posting as ${username} failed with ${res.status}`);
}

async function typeAndSend(page: Page, text: string): Promise<void> {
  const input = page.getByTestId("message-input");
  await input.pressSequentially(text, { delay: 5 });
  await input.press("Enter");
  await page.locator(".message-content", { hasText: text.split(" ").pop() ?? text }).last().waitFor({ timeout: WAIT_MS });
}

export async function runScriptedSession(harness: ClientHarness, server: SessionServer, username = "harness_user"): Promise<SessionResult> {
  const page = await harness.mainPage();
  let sent = 0;
  let received = 0;

  // Sign in (the account is registered over HTTP: the UI signs in only) and join two chatrooms.
  await ensureAccount(server.url, username);
  await page.getByTestId("username").fill(username);
  await page.getByTestId("password").fill(SESSION_PASSWORD);
  await page.getByTestId("sign-in").click();
  await page.locator(".room-join").first().waitFor({ timeout: WAIT_MS });
  const rooms = await page.evaluate(() => window.__kicktalk?.client?.available.map((c) => ({ id: c.id, slug: c.slug })) ?? []);
  const [first, second] = rooms;
  if (!first || !second) throw new Error(`session: the server offers ${rooms.length} chatrooms; two are needed`);
  for (const room of [second, first]) {
    await page.getByTestId(`join-${room.slug}`).click();
    await page.locator(`[data-testid="room-${room.slug}"] .dot-open`).waitFor({ timeout: WAIT_MS });
    // The server's presence event counts this viewer.
    await page.locator(`[data-testid="room-${room.slug}"] .room-presence`).filter({ hasNotText: /^0$/ }).waitFor({ timeout: WAIT_MS });
  }
  await page.getByTestId(`room-${first.slug}`).click();

  // Another user talks; the message arrives over the WebSocket.
  await postAs(server, "other_viewer", first.id, "hello from the other side");
  await page.locator(".message-content", { hasText: "hello from the other side" }).waitFor({ timeout: WAIT_MS });
  received++;

  // Emote from suggestions, then send (Enter → acknowledged).
  const input = page.getByTestId("message-input");
  await input.click();
  const emotePrefix = await page.evaluate((id) => {
    const emotes = window.__kicktalk?.client?.store.getState().rooms[id]?.emotes ?? [];
    return emotes[0]?.name.slice(0, 2) ?? "";
  }, first.id);
  if (emotePrefix) {
    await input.pressSequentially(`:${emotePrefix}`, { delay: 5 });
    await page.getByTestId("suggestions").waitFor({ timeout: WAIT_MS });
    await input.press("Tab");
  }
  await typeAndSend(page, "nice one");
  sent++;

  // Mention from suggestions.
  await input.pressSequentially("@oth", { delay: 5 });
  await page.getByTestId("suggestions").waitFor({ timeout: WAIT_MS });
  await input.press("Tab");
  await typeAndSend(page, "welcome");
  sent++;

  // A link (the server processes it, seed 004).
  await typeAndSend(page, "look https://example.com/article");
  sent++;

  // Reply to the other user's message from its row; its thread dialog lists the reply.
  let dialogsOpened = 0;
  const parentRow = page.locator(".message").filter({ has: page.locator(".message-content", { hasText: "hello from the other side" }) });
  await parentRow.getByTestId("reply-button").click();
  await page.getByTestId("reply-banner").waitFor({ timeout: WAIT_MS });
  await typeAndSend(page, "agreed, replying");
  sent++;
  const sentInFirstRoom = sent;
  const threadWindow = harness.nextWindow();
  await parentRow.getByTestId("open-thread").click();
  const thread = await (await threadWindow).page;
  dialogsOpened++;
  await thread.getByTestId("thread-message").filter({ hasText: "hello from the other side" }).waitFor({ timeout: WAIT_MS });
  await thread.getByTestId("thread-reply").filter({ hasText: "agreed, replying" }).waitFor({ timeout: WAIT_MS });
  await thread.close();

  // Search (debounced, main-side over the room's history) finds the other user's message.
  const searchWindow = harness.nextWindow();
  await page.getByTestId("open-search").click();
  const search = await (await searchWindow).page;
  dialogsOpened++;
  await search.getByTestId("search-input").fill("OTHER side");
  // .first(): a second session against the same server finds the earlier session's too.
  const hit = search.getByTestId("search-result").filter({ hasText: "hello from the other side" }).first();
  await hit.waitFor({ timeout: WAIT_MS });
  const author = await hit.getByTestId("message-author").textContent();
  if (author !== "other_viewer") throw new Error(`session: search shows the message's author as ${JSON.stringify(author)}, not "other_viewer"`);
  await search.close();

  // The server drops our sockets; both rooms reconnect.
  await server.dropConnections();
  for (const room of [first, second]) {
    await page.waitForFunction((id) => (window.__kicktalk?.client?.connection(id)?.attempt ?? 0) > 0 || false, room.id, { timeout: WAIT_MS }).catch(() => undefined);
    await page.locator(`[data-testid="room-${room.slug}"] .dot-open`).waitFor({ timeout: WAIT_MS });
  }
  await postAs(server, "other_viewer", first.id, "back again after reconnect");
  await page.locator(".message-content", { hasText: "back again after reconnect" }).waitFor({ timeout: WAIT_MS });
  received++;
  await page.getByTestId(`room-${second.slug}`).click();
  await typeAndSend(page, "hi second room");
  sent++;

  // Dialogs: settings (change a setting, then close it), chatters (closed by main).
  const settingsWindow = harness.nextWindow();
  await page.getByTestId("open-settings").click();
  const settings = await (await settingsWindow).page;
  dialogsOpened++;
  const toggle = settings.getByTestId("timestamps-toggle");
  await toggle.waitFor({ timeout: WAIT_MS });
  await toggle.click();
  await settings.waitForFunction(() => !(document.querySelector('[data-testid="timestamps-toggle"]') as HTMLInputElement | null)?.checked, undefined, { timeout: WAIT_MS });
  await settings.evaluate(() => window.__kicktalk?.telemetry.flush());
  await settings.close();
  const chattersWindow = harness.nextWindow();
  const { windowId } = await page.evaluate((chatroomId) => window.app.window.openDialog({ dialog: "chatters", params: { chatroomId } }), first.id);
  const chatters = await (await chattersWindow).page;
  dialogsOpened++;
  await chatters.getByTestId("chatter").filter({ hasText: "other_viewer" }).waitFor({ timeout: WAIT_MS });
  const mine = chatters.getByTestId("chatter").filter({ hasText: username });
  await mine.filter({ hasText: `${sentInFirstRoom} messages` }).waitFor({ timeout: WAIT_MS });
  await page.evaluate((id) => window.app.window.closeDialog({ windowId: id }), windowId);

  // A handled error: emotes of a chatroom that does not exist (the API answers 404).
  await page.evaluate(() => window.__kicktalk?.client?.refreshEmotes("does-not-exist"));

  // Updater: check, then download from the local feed.
  const update = await page.evaluate(async () => {
    const check = await window.app.updater.check();
    if (check.available) await window.app.updater.download();
    return check;
  });

  await page.evaluate(() => window.__kicktalk?.telemetry.flush());
  return {
    username,
    joined: [first.id, second.id],
    sent,
    received,
    reconnected: true,
    dialogsOpened,
    updaterVersion: update.version,
  };
}

export interface CoverageResult {
  /** The emote posted twice: once into this session's memory tier, once after a reload (disk tier). */
  readonly emote: string;
  /** The WebSocket URL nobody listens on (its refused connections log a console error). */
  readonly deadWsUrl: string;
  readonly hidden: number;
  readonly updaterOutcomes: readonly string[];
}

/**
 * Steps after runScriptedSession for what it leaves unexercised (issue 11), through the real
 * paths: an emote seen again (memory tier) and after a window reload (disk tier, as after a
 * restart), a message hidden from the row, a chatroom whose WebSocket server is unreachable
 * (connection errors), a ws error reported with its streamer, an update check the feed
 * answers "not available" and one it breaks (updater error). Restores the feed to `feedVersion`.
 */
export async function runCoverageSteps(
  harness: ClientHarness,
  server: SessionServer,
  session: SessionResult,
  feed: { readonly dir: string; readonly version: string },
): Promise<CoverageResult> {
  let page = await harness.mainPage();
  const [firstId, secondId] = session.joined as [string, string];
  const emote = await page.evaluate((id) => window.__kicktalk?.client?.store.getState().rooms[id]?.emotes[0]?.name ?? "", firstId);
  if (!emote) throw new Error("session: the first chatroom has no emotes");
  const slugOf = (id: string) => page.evaluate((i) => window.__kicktalk?.client?.available.find((c) => c.id === i)?.slug ?? "", id);

  // Memory tier: the session's first message used this emote.
  await page.getByTestId(`room-${await slugOf(firstId)}`).click();
  await postAs(server, "other_viewer", firstId, `again ${emote} memory`);
  await page.locator(".message-content", { hasText: "memory" }).locator(`[data-emote="${emote}"]`).waitFor({ timeout: WAIT_MS });

  // Hide it for me.
  const hiddenRow = page.locator(".message").filter({ has: page.locator(".message-content", { hasText: "memory" }) });
  await hiddenRow.getByTestId("hide-button").click();
  await hiddenRow.waitFor({ state: "detached", timeout: WAIT_MS });

  // Disk tier: a reloaded window (a restart of the renderer) knows the emote from localStorage.
  await page.evaluate(() => window.__kicktalk?.telemetry.flush());
  await page.reload();
  page = await harness.mainPage();
  await page.getByTestId("password").fill(SESSION_PASSWORD);
  await page.getByTestId("username").fill(session.username);
  await page.getByTestId("sign-in").click();
  // Signed in again, the window rejoins the chatrooms saved in settings.
  await page.waitForFunction((id) => window.__kicktalk?.client?.available.some((c) => c.id === id) ?? false, firstId, { timeout: WAIT_MS });
  const firstSlug = await slugOf(firstId);
  await page.locator(`[data-testid="room-${firstSlug}"] .dot-open`).waitFor({ timeout: WAIT_MS });
  await page.getByTestId(`room-${firstSlug}`).click();
  await postAs(server, "other_viewer", firstId, `and ${emote} disk`);
  await page.locator(".message-content", { hasText: "disk" }).locator(`[data-emote="${emote}"]`).waitFor({ timeout: WAIT_MS });

  // A chatroom whose WebSocket server is unreachable: refused connects count as ws_error.
  const deadWsUrl = `ws://127.0.0.1:${await freePort()}/ws`;
  await page.evaluate(
    async ({ id, dead }) => {
      const client = window.__kicktalk?.client;
      const room = client?.available.find((c) => c.id === id);
      if (!client || !room) throw new Error("no client or room");
      await client.leave(id);
      const live = client.wsUrl;
      client.wsUrl = dead;
      await client.join(room);
      client.wsUrl = live;
    },
    { id: secondId, dead: deadWsUrl },
  );
  await page.waitForFunction((id) => (window.__kicktalk?.client?.connection(id)?.attempt ?? 0) >= 2, secondId, { timeout: WAIT_MS });
  const streamerId = await page.evaluate(async (id) => {
    const client = window.__kicktalk?.client;
    const room = client?.available.find((c) => c.id === id);
    await client?.leave(id);
    // What a socket that cannot be constructed reports (chat-connection.ts), through the same reporter.
    await client?.telemetry.errors.report(new Error("WebSocket to the chatroom is unreachable"), { area: "ws", chatroomId: id, streamerId: room?.streamerId ?? "" });
    return room?.streamerId ?? "";
  }, secondId);
  if (!streamerId) throw new Error("session: the second chatroom has no streamer id");

  // Updater: the feed offers the running version, then the feed is broken.
  const updaterOutcomes: string[] = [];
  const current = await page.evaluate(() => window.app.updater.check());
  writeFileSync(join(feed.dir, FEED_FILE), JSON.stringify({ version: current.currentVersion, file: "none.bin", sha256: "0".repeat(64) }));
  const same = await page.evaluate(() => window.app.updater.check());
  updaterOutcomes.push(same.available ? "available" : "not_available");
  writeFileSync(join(feed.dir, FEED_FILE), "{ not json");
  updaterOutcomes.push(await page.evaluate(() => window.app.updater.check().then(() => "checked", () => "error")));
  writeUpdateFeed(feed.dir, feed.version);

  await page.evaluate(() => window.__kicktalk?.telemetry.flush());
  return { emote, deadWsUrl, hidden: 1, updaterOutcomes };
}
