// The main process in Node (no Electron): every catalog channel registered through the
// telemetry wrapper, payload validation, settings on disk, windows, the updater flow and
// the API client. Telemetry is off here (its
// default); the Chromium harness test covers what reaches the collector. The chat server is
// the real one (server/app.ts) with its telemetry off.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IPC_CHANNELS } from "../../catalog/index.ts";
import { startChatServer, type ChatServer } from "../../server/app.ts";
import { startTelemetry } from "../../server/telemetry/sdk.ts";
import { api as serverApi, testConfig as serverTestConfig } from "../../server/testing/test-server.ts";
import { ensureAccount, SESSION_PASSWORD, writeUpdateFeed } from "../harness/session.ts";
import { InProcessIpcMain } from "./in-process-ipc.ts";
import { diag } from "@opentelemetry/api";
import { startMainApp, wireDiagLogger, type MainApp } from "./main-app.ts";
import { SETTINGS_FILE } from "./settings-store.ts";
import { MAX_OPEN_DIALOGS, type AppWindow, type WindowFactory, type WindowSpec } from "./window-manager.ts";

/** A WindowFactory without windows: records specs and lets the test close them. */
class RecordingWindowFactory implements WindowFactory {
  readonly created: (WindowSpec & { id: number })[] = [];
  readonly #closers = new Map<number, () => void>();
  #next = 1;
  create(spec: WindowSpec): AppWindow {
    const id = this.#next++;
    this.created.push({ ...spec, id });
    const listeners: (() => void)[] = [];
    this.#closers.set(id, () => listeners.splice(0).forEach((l) => l()));
    return { id, close: () => this.#closers.get(id)?.(), onClosed: (l) => listeners.push(l) };
  }
}

let server: ChatServer;
let dir: string;
let ipc: InProcessIpcMain;
let windows: RecordingWindowFactory;
let app: MainApp;
let quits = 0;

/** Starts main on fresh IPC and windows; `env` replaces the default environment. */
async function start(
  env: Record<string, string> = { KICKTALK_UPDATE_FEED_DIR: join(dir, "feed") },
  chooseExportPath?: () => Promise<string | null>,
): Promise<void> {
  ipc = new InProcessIpcMain();
  windows = new RecordingWindowFactory();
  app = await startMainApp({
    ipcMain: ipc,
    windowFactory: windows,
    userDataDir: dir,
    env,
    appVersion: "1.0.0",
    chatServerUrl: server.url,
    quit: () => quits++,
    telemetryDeps: { registerGlobal: false, startTimers: false },
    print: () => undefined,
    ...(chooseExportPath ? { chooseExportPath } : {}),
  });
}

beforeEach(async () => {
  const config = serverTestConfig(); // OTEL_SDK_DISABLED: no-op server telemetry
  server = await startChatServer(config, startTelemetry(config).telemetry);
  dir = mkdtempSync(join(tmpdir(), "kicktalk-main-"));
  quits = 0;
  await start();
});

afterEach(async () => {
  await app.shutdown(1_000);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("IPC registration", () => {
  it("registers every catalog channel through telemetry.handleIpc (100 % migrated)", () => {
    expect([...app.telemetry.registeredChannels()].sort()).toEqual([...IPC_CHANNELS].sort());
    expect(ipc.channels().sort()).toEqual([...IPC_CHANNELS].sort());
  });
});

describe("malformed payloads", () => {
  const bad: [string, unknown, RegExp][] = [
    ["chat:send-message", { chatroomId: "101" }, /payload\.content/],
    ["chat:send-message", { chatroomId: "101", content: "x".repeat(501) }, /payload\.content/],
    ["chat:sign-in", { username: "no spaces allowed", password: SESSION_PASSWORD }, /payload\.username/],
    ["store:set", { key: "not.a.setting", value: 1 }, /payload\.key/],
    ["store:set", { key: "telemetry.enabled", value: "yes" }, /invalid value for "telemetry\.enabled"/],
    ["window:open-dialog", { dialog: "devtools" }, /payload\.dialog/],
    ["telemetry:export-spans", { spans: "not a list" }, /payload\.spans/],
    ["telemetry:record-error", { error: { name: "E", message: "m" }, context: { area: "nowhere", fatal: false } }, /payload\.context\.area/],
    ["updater:check", "not an object", /payload/],
    ["chat:get-emotes", { chatroomId: "101", extra: true }, /payload/],
    ["chat:send-message", { chatroomId: "101", content: "hi", type: "reply" }, /payload\.replyTo: a message of type "reply" needs replyTo/],
    ["chat:send-message", { chatroomId: "101", content: "hi", replyTo: "m1" }, /payload\.type: must be "reply" when replyTo is set/],
    ["chat:send-message", { chatroomId: "101", content: "hi", type: "reply", replyTo: "x".repeat(65) }, /payload\.replyTo/],
    ["chat:get-chatters", {}, /payload\.chatroomId/],
    ["chat:get-chatters", { chatroomId: "" }, /payload\.chatroomId/],
    ["chat:get-chatters", { chatroomId: "1001", limit: 5 }, /payload/],
    ["chat:search-messages", { chatroomId: "1001" }, /payload\.query/],
    ["chat:search-messages", { chatroomId: "1001", query: "   " }, /payload\.query: search text is empty/],
    ["chat:search-messages", { chatroomId: "1001", query: "q".repeat(101) }, /payload\.query/],
    ["chat:search-messages", { chatroomId: 1001, query: "hi" }, /payload\.chatroomId/],
    ["chat:get-reply-thread", { chatroomId: "1001" }, /payload\.messageId/],
    ["chat:get-reply-thread", { chatroomId: "1001", messageId: ["m1"] }, /payload\.messageId/],
  ];
  it.each(bad)("%s rejects %j, naming the field", async (channel, payload, message) => {
    await expect(ipc.invoke(channel, payload)).rejects.toThrow(message);
  });

  it("rejects an oversized payload and keeps serving", async () => {
    await expect(ipc.invoke("telemetry:record-logs", { records: [{ type: "log", severity: "info", body: "x".repeat(300_000) }] })).rejects.toThrow(/bytes|payload/);
    await expect(ipc.invoke("store:get", { key: "telemetry.enabled" })).resolves.toEqual({ key: "telemetry.enabled", value: false });
  });

  it("survives a burst of random payloads on every channel", async () => {
    const junk = [null, 0, "", [], { _otel: 5 }, { key: { nested: true } }, { spans: "x" }, { dialog: 1, params: [] }];
    let rejected = 0;
    for (const channel of IPC_CHANNELS) {
      for (const payload of junk) {
        await ipc.invoke(channel, payload).catch(() => rejected++);
      }
    }
    expect(rejected).toBeGreaterThan(IPC_CHANNELS.length * 6);
    await expect(ipc.invoke("telemetry:get-status", {})).resolves.toMatchObject({ enabled: false });
  });
});

describe("settings", () => {
  it("persists on disk, telemetry off by default, and survives a restart", async () => {
    await expect(ipc.invoke("store:get", { key: "telemetry.enabled" })).resolves.toEqual({ key: "telemetry.enabled", value: false });
    await ipc.invoke("store:set", { key: "chat.fontSize", value: 18 });
    const onDisk = JSON.parse(readFileSync(join(dir, SETTINGS_FILE), "utf8"));
    expect(onDisk["chat.fontSize"]).toBe(18);
    await app.shutdown(1_000);
    await start();
    await expect(ipc.invoke("store:get", { key: "chat.fontSize" })).resolves.toEqual({ key: "chat.fontSize", value: 18 });
    await expect(ipc.invoke("store:delete", { key: "chat.fontSize" })).resolves.toEqual({ key: "chat.fontSize", value: 14 });
  });

  it("reports a corrupt settings file by name and starts with defaults", async () => {
    await app.shutdown(1_000);
    writeFileSync(join(dir, SETTINGS_FILE), "{not json");
    await start();
    expect(app.settings.loadProblems[0]).toContain(SETTINGS_FILE);
    expect(app.settings.all()["telemetry.enabled"]).toBe(false);
  });
});

describe("windows", () => {
  it("opens the main window at start, dialogs on request, and forgets closed ones", async () => {
    expect(windows.created.map((w) => w.name)).toEqual(["main"]);
    const { windowId } = (await ipc.invoke("window:open-dialog", { dialog: "settings" })) as { windowId: number };
    expect(windows.created[1]).toMatchObject({ name: "settings", parentId: windows.created[0]?.id, query: { window: "settings" } });
    expect([...app.windows.openWindows().values()]).toEqual(["main", "settings"]);
    await ipc.invoke("window:close-dialog", { windowId });
    expect([...app.windows.openWindows().values()]).toEqual(["main"]);
    await expect(ipc.invoke("window:close-dialog", { windowId })).rejects.toThrow(`no open window with id ${windowId}`);
  });
});

describe("chat API through IPC", () => {
  it("signs in, lists chatrooms with the WebSocket URL, sends, and keeps the token in main", async () => {
    await ensureAccount(server.url, "alice");
    const { user } = (await ipc.invoke("chat:sign-in", { username: "alice", password: SESSION_PASSWORD })) as { user: { username: string } };
    expect(user.username).toBe("alice");
    const rooms = (await ipc.invoke("chat:list-chatrooms", {})) as { chatrooms: { id: string }[]; wsUrl: string };
    expect(rooms.chatrooms.length).toBeGreaterThan(1);
    const chatroomId = rooms.chatrooms[0]?.id;
    expect(rooms.wsUrl).toBe(`${server.url.replace("http", "ws")}/ws`);
    const { message } = (await ipc.invoke("chat:send-message", { chatroomId, content: "hi https://example.com" })) as {
      message: { content: string; links: unknown[] };
    };
    expect(message).toMatchObject({ content: "hi https://example.com" });
    // The token stays in main: nothing the renderer gets back carries it.
    expect(JSON.stringify(await ipc.invoke("chat:list-chatrooms", {}))).not.toMatch(/token/i);
  });

  it("turns an API error into a rejected invoke naming the route and status", async () => {
    await expect(ipc.invoke("chat:get-emotes", { chatroomId: "404" })).rejects.toThrow(/GET \/api\/chatrooms\/:id\/emotes answered 404/);
  });

  it("rejects a send before sign-in with the server's reason", async () => {
    await expect(ipc.invoke("chat:send-message", { chatroomId: "101", content: "hi" })).rejects.toThrow(/answered 401/);
  });
});

describe("dialog views through IPC: chatters, search, reply thread", () => {
  type Msg = { id: string; content: string; type: string; replyTo?: string; sender: { username: string } };
  const send = async (payload: Record<string, unknown>) => ((await ipc.invoke("chat:send-message", { chatroomId: "1001", ...payload })) as { message: Msg }).message;
  /** Posts as another user straight to the server (main stays signed in as alice). */
  const postAs = async (username: string, content: string) => {
    const token = await ensureAccount(server.url, username);
    const r = await serverApi(server.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content } });
    expect(r.status).toBe(201);
  };

  beforeEach(async () => {
    await ensureAccount(server.url, "alice");
    await ipc.invoke("chat:sign-in", { username: "alice", password: SESSION_PASSWORD });
  });

  it("lists the room's chatters with their message counts, most active first", async () => {
    await expect(ipc.invoke("chat:get-chatters", { chatroomId: "1001" })).resolves.toEqual({ chatroomId: "1001", scanned: 0, chatters: [] });
    await send({ content: "one" });
    await postAs("bob", "from bob");
    await send({ content: "two" });
    const result = (await ipc.invoke("chat:get-chatters", { chatroomId: "1001" })) as { scanned: number; chatters: { username: string; messages: number; lastMessageAt: string }[] };
    expect(result.scanned).toBe(3);
    expect(result.chatters.map((c) => [c.username, c.messages])).toEqual([
      ["alice", 2],
      ["bob", 1],
    ]);
    expect(result.chatters[0]?.lastMessageAt).toBe(server.state.messages("1001")[2]?.createdAt);
    // Another room's history is its own.
    await expect(ipc.invoke("chat:get-chatters", { chatroomId: "1002" })).resolves.toMatchObject({ scanned: 0, chatters: [] });
  });

  it("searches the room's messages case-insensitively, newest first, with author and time", async () => {
    await send({ content: "Hello World" });
    await postAs("bob", "unrelated");
    await postAs("bob", "oh HELLO there");
    const result = (await ipc.invoke("chat:search-messages", { chatroomId: "1001", query: "  hello " })) as {
      query: string;
      scanned: number;
      total: number;
      messages: (Msg & { createdAt: string })[];
    };
    expect(result).toMatchObject({ chatroomId: "1001", query: "hello", scanned: 3, total: 2 });
    expect(result.messages.map((m) => [m.sender.username, m.content])).toEqual([
      ["bob", "oh HELLO there"],
      ["alice", "Hello World"],
    ]);
    expect(Date.parse(result.messages[0]?.createdAt ?? "")).not.toBeNaN();
    // Author names are not searched; no match is an empty result, not an error.
    await expect(ipc.invoke("chat:search-messages", { chatroomId: "1001", query: "bob" })).resolves.toMatchObject({ total: 0, messages: [] });
  });

  it("sends a reply, lists it in the thread, and rejects a reply to an unknown message with the server's reason", async () => {
    const parent = await send({ content: "what do you think?" });
    await send({ content: "unrelated" });
    const reply = await send({ content: "I agree", type: "reply", replyTo: parent.id });
    expect(reply).toMatchObject({ type: "reply", replyTo: parent.id });
    const thread = (await ipc.invoke("chat:get-reply-thread", { chatroomId: "1001", messageId: parent.id })) as { message: Msg | null; replies: Msg[] };
    expect(thread.message?.content).toBe("what do you think?");
    expect(thread.replies.map((m) => m.content)).toEqual(["I agree"]);
    await expect(send({ content: "to nobody", type: "reply", replyTo: "no-such-id" })).rejects.toThrow(
      /answered 422 \(reply_target_not_found: replyTo: message no-such-id does not exist in chatroom 1001\)/,
    );
    // An id the room never had (or that aged out): no message, no replies.
    await expect(ipc.invoke("chat:get-reply-thread", { chatroomId: "1001", messageId: "no-such-id" })).resolves.toEqual({
      chatroomId: "1001",
      messageId: "no-such-id",
      message: null,
      replies: [],
    });
  });

  it("rejects each view of an unknown chatroom naming the route and status", async () => {
    for (const [channel, payload] of [
      ["chat:get-chatters", { chatroomId: "4242" }],
      ["chat:search-messages", { chatroomId: "4242", query: "x" }],
      ["chat:get-reply-thread", { chatroomId: "4242", messageId: "m" }],
    ] as const) {
      await expect(ipc.invoke(channel, payload), channel).rejects.toThrow(/GET \/api\/chatrooms\/:id answered 404 \(chatroom_not_found: chatroom 4242 does not exist\)/);
    }
  });
});

describe("updater (local feed)", () => {
  it("checks, downloads with progress, and installs by quitting", async () => {
    writeUpdateFeed(join(dir, "feed"), "1.2.0", 200_000);
    await expect(ipc.invoke("updater:check", {})).resolves.toEqual({ currentVersion: "1.0.0", version: "1.2.0", available: true });
    await expect(ipc.invoke("updater:download", {})).resolves.toEqual({ version: "1.2.0", files: 1 });
    expect(existsSync(join(dir, "pending-update", "KickTalk-1.2.0.bin"))).toBe(true);
    await ipc.invoke("updater:install", {});
    expect(quits).toBe(1);
  });

  it("says no update when the feed offers the running version", async () => {
    writeUpdateFeed(join(dir, "feed"), "1.0.0", 10);
    await expect(ipc.invoke("updater:check", {})).resolves.toMatchObject({ available: false });
    await expect(ipc.invoke("updater:download", {})).rejects.toThrow(/no update available/);
  });

  it("reports a broken feed naming the file", async () => {
    await expect(ipc.invoke("updater:check", {})).rejects.toThrow(/latest\.json/);
  });
});

describe("nothing let in (issue 11)", () => {
  it("every IPC handler checks its sender: a window the app did not open is refused", async () => {
    const refused: string[] = [];
    for (const channel of IPC_CHANNELS) await ipc.invoke(channel, {}, 999).catch((e: Error) => refused.push(e.message));
    expect(refused).toHaveLength(IPC_CHANNELS.length);
    expect(refused.every((m) => m.includes("the sender is not an app window"))).toBe(true);
  });

  it("window:close-dialog cannot close the main window", async () => {
    const mainId = windows.created[0]!.id;
    await expect(ipc.invoke("window:close-dialog", { windowId: mainId })).rejects.toThrow(/main window is not a dialog/);
    expect([...app.windows.openWindows().values()]).toEqual(["main"]);
  });

  it("300 dialogs opened in a loop: at most MAX_OPEN_DIALOGS open, the rest refused", async () => {
    let opened = 0;
    let refused = 0;
    for (let i = 0; i < 300; i++) await ipc.invoke("window:open-dialog", { dialog: "user" }).then(() => opened++, () => refused++);
    expect(opened).toBe(MAX_OPEN_DIALOGS);
    expect(refused).toBe(300 - MAX_OPEN_DIALOGS);
    expect(app.windows.openWindows().size).toBe(MAX_OPEN_DIALOGS + 1);
  });
});

describe("the environment and a config error win over the user's switch (issue 11)", () => {
  it.each([
    [{ OTEL_SDK_DISABLED: "true" }, "OTEL_SDK_DISABLED=true"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" }, "broken configuration: 1 problem(s)"],
  ])("with %j, turning telemetry on through IPC leaves it off", async (env, reason) => {
    await app.shutdown(1_000);
    await start(env);
    const status = (await ipc.invoke("telemetry:set-enabled", { enabled: true })) as { enabled: boolean; lockedOff: string | null };
    expect(status).toMatchObject({ enabled: false, lockedOff: reason });
    expect(app.telemetry.isEnabled()).toBe(false);
  });
});

describe("export my data / delete my data (issue 11)", () => {
  it("writes everything stored locally that identifies the user to the file they chose; delete renews the install id", async () => {
    await app.shutdown(1_000);
    const file = join(dir, "chosen", "my-data.json");
    mkdirSync(join(dir, "chosen"));
    await start({}, async () => file);
    await ipc.invoke("telemetry:set-enabled", { enabled: true });
    await ipc.invoke("store:set", { key: "user.username", value: "alice" }); // what sign-in stores
    app.telemetry.captureError(new Error("something failed"), { area: "main" }); // journaled: part of the export
    const installId = app.telemetry.status().installId;
    const result = (await ipc.invoke("telemetry:export-my-data", {})) as { path: string; queuedRecords: number };
    expect(result.path).toBe(file);
    const doc = JSON.parse(readFileSync(file, "utf8")) as { installId: string; settings: Record<string, unknown>; telemetryQueue: unknown[]; about: string };
    expect(doc.installId).toBe(installId);
    expect(doc.settings["user.username"]).toBe("alice");
    expect(doc.telemetryQueue.length).toBe(result.queuedRecords);
    expect(result.queuedRecords).toBeGreaterThan(0);
    expect(doc.about).toMatch(/pseudonymous/);
    expect(doc.about).not.toMatch(/\banonymous/i);
    const deleted = (await ipc.invoke("telemetry:delete-my-data", {})) as { installId: string };
    expect(deleted.installId).not.toBe(installId);
    expect(app.settings.get("user.username")).toBe("");
    // The queue is gone (what is journaled after the delete, e.g. a sampled span of this call, is new).
    expect(await app.telemetry.exportMyData()).not.toContain("something failed");
  });
});

describe("OpenTelemetry's diagnostic logger (issue 11)", () => {
  it("goes to the app's log at OTEL_LOG_LEVEL", () => {
    const lines: string[] = [];
    wireDiagLogger({ OTEL_LOG_LEVEL: "info" }, (m) => lines.push(m));
    try {
      diag.debug("not at info");
      diag.warn("telemetry: export failed", new Error("ECONNREFUSED"));
      diag.info("hello");
      expect(lines).toEqual(["[otel warn] telemetry: export failed ECONNREFUSED", "[otel info] hello"]);
    } finally {
      diag.disable();
    }
  });
});
