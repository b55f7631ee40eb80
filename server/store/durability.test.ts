// Crash safety of the message store: `server/main.ts` as a child process on a database file
// is killed with SIGKILL in the middle of a bounded load of posts, then started again on the
// same file. Every message the first process acknowledged (201) must be in the history
// exactly once, its session must still sign the user in, and new ids must not repeat old ones.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChatroomResponse, PostMessageResponse, SignInResponse } from "../../protocol/index.ts";
import type { ChatMessage } from "../../protocol/index.ts";
import { startChatServerProcess } from "../../testkit/chat-server-process.ts";
import type { ChatServerProcess } from "../../testkit/chat-server-process.ts";
import { TEST_ENV, api, signUp } from "../testing/test-server.ts";

const WORKERS = 16;
/** Bounds of the load: whichever comes first. */
const MAX_POSTS = 5000;
const MAX_LOAD_MS = 3000;
/** The kill comes once this many posts were acknowledged: mid-load, with writes in flight. */
const KILL_AFTER_ACKS = 300;

const dir = mkdtempSync(join(tmpdir(), "beacon-durability-"));
const env = { ...TEST_ENV, OTEL_SDK_DISABLED: "true", CHAT_SERVER_DB_PATH: join(dir, "chat.sqlite") };
const children: ChatServerProcess[] = [];

afterAll(async () => {
  for (const c of children) await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<ChatServerProcess> {
  const c = await startChatServerProcess(env);
  children.push(c);
  return c;
}

/** Every message of a room, oldest first, following olderCursor page by page. */
async function wholeHistory(url: string, room: string): Promise<ChatMessage[]> {
  const pages: ChatMessage[][] = [];
  let before: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const r = await api(url, "GET", `/api/chatrooms/${room}?limit=200${before !== undefined ? `&before=${before}` : ""}`);
    const page = ChatroomResponse.parse(r.json);
    pages.unshift(page.messages);
    if (page.olderCursor === undefined) break;
    before = page.olderCursor;
  }
  return pages.flat();
}

describe("durable messages", () => {
  it("keeps every acknowledged message exactly once across a kill -9 mid-load", async () => {
    const first = await start();
    const token = (await signUp(first.url, "durable")).token;
    const acked = new Map<string, string>();
    let attempted = 0;
    let killed = false;
    const t0 = performance.now();
    const worker = async (w: number) => {
      for (let i = 0; attempted < MAX_POSTS && performance.now() - t0 < MAX_LOAD_MS; i++) {
        attempted++;
        const content = `worker ${w} message ${i}`;
        try {
          const r = await api(first.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content } });
          if (r.status === 201) acked.set(PostMessageResponse.parse(r.json).message.id, content);
        } catch {
          return; // the server is gone
        }
        if (!killed && acked.size >= KILL_AFTER_ACKS) {
          killed = true;
          process.kill(first.pid, "SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    await first.stop();
    expect(killed).toBe(true);

    const second = await start();
    // The session outlived the process too.
    const after = await api(second.url, "POST", "/api/chatrooms/1001/messages", { token, body: { content: "after the crash" } });
    expect(after.status).toBe(201);
    const history = await wholeHistory(second.url, "1001");
    const ids = history.map((m) => m.id);
    console.log(`kill -9 after ${acked.size} acknowledged of ${attempted} attempted posts; ${history.length - 1} in the history after restart`);

    expect(new Set(ids).size).toBe(ids.length);
    const byId = new Map(history.map((m) => [m.id, m.content]));
    const missing = [...acked].filter(([id, content]) => byId.get(id) !== content);
    expect(missing).toEqual([]);
    // Ids only grow: the one posted after the restart is newer than anything before.
    const newest = PostMessageResponse.parse(after.json).message.id;
    expect(ids.at(-1)).toBe(newest);
    expect(Math.max(...ids.slice(0, -1).map(Number))).toBeLessThan(Number(newest));
  });
});
