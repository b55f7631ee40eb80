// The e2e's scripted session against the live stack: the chat server (as `npm run server`
// runs it) and the client harness (main in Node, renderer in Chromium) both export to the
// stack's gateway. The client harness drives the UI through client/harness/session.ts; this
// adds what the scripted user session does not cause by itself, each through the real path:
//   - links to local pages with every processing outcome (seed 004), until processed;
//   - the same emotes posted twice by another user (emote cache misses, then hits);
//   - a fatal error through the renderer's error reporter, a malformed IPC payload (rejected)
//     and a renderer metric event naming no catalog metric (dropped as invalid_payload);
//   - the gateway refusing the first export of each signal (the client retries);
//   - a burst of requests whose traceparent says "not sampled" with a tiny forced-sampling
//     buffer (server traces force-sampled as slow; buffer evictions counted as dropped);
//   - a chat server outage: the client sends while it is down (send fails, API status 0),
//     its WebSockets fail to reconnect (connection errors, failed ws spans) and its health
//     checks see the server down; then the server comes back on the same port;
//   - seed 001's JSONL logs imported as `npm run logs:import` does;
//   - last week's link counts backfilled into Prometheus, for the week-over-week panels.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchClientHarness } from "../client/harness/harness.ts";
import { UNTHROTTLED } from "../client/telemetry/testing/test-config.ts";
import { ensureAccount, runScriptedSession, writeUpdateFeed, type SessionResult } from "../client/harness/session.ts";
import type { LinkStatus } from "../protocol/index.ts";
import { liveStackState, type StackEndpoints } from "../stack/clients/backends.ts";
import { startChatServerProcess } from "../testkit/chat-server-process.ts";
import { waitFor } from "../stack/runner/stack-wait.ts";
import { SEED_CHATROOMS, SEED_EMOTES } from "../server/seed.ts";
import { startFlakyGateway } from "./flaky-gateway.ts";
import { startLinkPages } from "./link-pages.ts";
import { backfillLastWeek } from "./seed-history.ts";
import { importSeedLogs } from "./seed-logs.ts";

export interface E2eSession {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly client: SessionResult;
  readonly links: readonly Pick<LinkStatus, "url" | "status" | "failureReason">[];
  readonly pageErrors: readonly string[];
}

/** Telemetry export every second, so the session's data is in the backends soon after it ends. */
const EXPORT_INTERVAL_MS = "1000";
/** Server settings for the e2e: every unsampled request counts as slow (forced sampling), and
 *  the forced-sampling buffer is the smallest allowed, so a burst overflows it. */
const SERVER_ENV = {
  OTEL_TRACES_SAMPLER_ARG: "1",
  OTEL_METRIC_EXPORT_INTERVAL: EXPORT_INTERVAL_MS,
  CHAT_SERVER_SLOW_REQUEST_MS: "1",
  CHAT_SERVER_TRACE_BUFFER_SPANS: "16",
  CHAT_SERVER_FAULT_INJECTION: "true",
  // The fixture pages are served on 127.0.0.1; the server refuses loopback links otherwise.
  CHAT_SERVER_LINKS_ALLOW_LOOPBACK: "true",
  // The bursts below post 105 messages at once from burst_user; the default (20 at once, 2/s
  // sustained per account) is for people. Everything else runs at the server's defaults.
  CHAT_SERVER_RATE_POSTS_PER_ACCOUNT: "1000/1s",
};
/**
 * Server fault switch the e2e needs (server/ must provide it; a server without it ignores the
 * header and the queries below are reported as having no data). With
 * CHAT_SERVER_FAULT_INJECTION=true a request carrying this header is failed by the handler:
 *   "500"   an unexpected exception after the route matched (500, error span, error log):
 *           the 5xx panels and saved queries, forced "error" sampling;
 *   "delay" the answer waits FAULT_DELAY_MS after the message was published, so a burst of
 *           unsampled requests holds more spans than the forced-sampling buffer (evictions:
 *           chat_server_telemetry_dropped_items_total).
 */
const FAULT_HEADER = "x-beacon-fault";
const FAULT_REQUESTS = 5;
const DELAYED_BURST = 40;
/** Concurrent unsampled requests in the burst: well over the 16-span buffer. */
const UNSAMPLED_BURST = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function post(serverUrl: string, token: string, chatroomId: string, content: string, extraHeaders: Record<string, string> = {}): Promise<Response> {
  return fetch(`${serverUrl}/api/chatrooms/${chatroomId}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...extraHeaders },
    body: JSON.stringify({ content }),
  });
}

/** Posts the links; returns their ids and the poster's token (link status is for room readers only). */
async function postLinks(serverUrl: string, chatroomId: string, urls: readonly string[]): Promise<{ ids: string[]; token: string }> {
  const token = await ensureAccount(serverUrl, "link_poster");
  const res = await fetch(`${serverUrl}/api/chatrooms/${chatroomId}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ content: `links for the dashboard: ${urls.join(" ")}` }),
  });
  if (res.status !== 201) throw new Error(`e2e: posting links answered ${res.status}: ${await res.text()}`);
  const { message } = (await res.json()) as { message: { links: { id: string }[] } };
  return { ids: message.links.map((l) => l.id), token };
}

export async function runE2eSession(stack: StackEndpoints, log: (line: string) => void): Promise<E2eSession> {
  const startedAt = Date.now();
  // First: Prometheus loads new blocks within a minute, long before the session ends.
  log(`backfilled ${await backfillLastWeek(await liveStackState())}`);
  const pages = await startLinkPages();
  const feedDir = mkdtempSync(join(tmpdir(), "beacon-e2e-feed-"));
  writeUpdateFeed(feedDir, "1.1.0");
  const gateway = await startFlakyGateway(stack.otlpHttp);
  const serverEnv = { ...SERVER_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpHttp };
  let server = await startChatServerProcess(serverEnv);
  log(`chat server ${server.url} (pid ${server.pid}) exporting to ${stack.otlpHttp}`);
  const pageErrors: string[] = [];
  let harness: Awaited<ReturnType<typeof launchClientHarness>> | undefined;
  try {
    harness = await launchClientHarness({
      chatServerUrl: server.url,
      env: { KICKTALK_UPDATE_FEED_DIR: feedDir },
      windowQuery: { backoffMs: "50" },
      telemetryOverrides: { enabled: true, endpoint: gateway.url, sampleRatio: 1, sampledTracesPerMinute: UNTHROTTLED, flushIntervalMs: 1000, healthCheckIntervalMs: 1000 },
      onPageError: (m) => pageErrors.push(m),
    });
    log("client harness up (main in Node, renderer in Chromium); running the scripted session");
    const client = await runScriptedSession(harness, {
      url: server.url,
      // `npm run server` asks every WebSocket client to reconnect on SIGUSR2.
      dropConnections: () => process.kill(server.pid, "SIGUSR2"),
    });
    log(`session: joined ${client.joined.length} rooms, sent ${client.sent}, received ${client.received}, ${client.dialogsOpened} dialogs, updater ${client.updaterVersion}`);

    const room = SEED_CHATROOMS[0]?.id ?? "1001";
    const posted = await postLinks(server.url, room, Object.values(pages.urls));
    const readLink = async (id: string) => (await (await fetch(`${server.url}/api/links/${id}`, { headers: { authorization: `Bearer ${posted.token}` } })).json()) as LinkStatus;
    const links = await waitFor(
      () => Promise.all(posted.ids.map(readLink)),
      (ls) => ls.every((l) => l.status === "completed" || l.status === "failed"),
      30_000,
      250,
    );
    log(`links: ${links.map((l) => `${l.status}${l.failureReason ? `/${l.failureReason}` : ""}`).join(", ")}`);

    // Emotes twice: the renderer looks each up in its cache (a miss, then hits).
    const page = await harness.mainPage();
    const viewer = await ensureAccount(server.url, "emote_fan");
    for (const roomId of client.joined) {
      const names = (SEED_EMOTES[roomId] ?? []).map((e) => e.name).join(" ");
      for (let i = 0; i < 2; i++) await post(server.url, viewer, roomId, `${names} round ${i}`);
    }
    await sleep(1_000);

    // Errors and rejected payloads through the app's own APIs.
    const rejected = await page.evaluate(async () => {
      await window.__kicktalk?.telemetry.errors.report(new Error("e2e: simulated fatal renderer error"), { area: "renderer", fatal: true });
      const app = window.app as unknown as { chat: { sendMessage(p: unknown): Promise<unknown> }; telemetry: { recordMetrics(p: unknown): Promise<unknown> } };
      let n = 0;
      await app.chat.sendMessage({ chatroomId: "1001" }).catch(() => n++);
      await app.telemetry.recordMetrics({ events: [{ metric: "noSuchMetric", value: 1 }] }).catch(() => n++);
      return n;
    });
    log(`fatal error reported; ${rejected} malformed IPC payload(s) rejected; gateway refused ${gateway.failed()} first exports`);

    // Unsampled burst: forced sampling (slow) and buffer evictions on the server.
    const burstToken = await ensureAccount(server.url, "burst_user");
    const burst = await Promise.all(
      Array.from({ length: UNSAMPLED_BURST }, (_, i) =>
        post(server.url, burstToken, client.joined[0] ?? "1001", `burst ${i}`, { traceparent: `00-${(i + 1).toString(16).padStart(32, "e")}-00000000000000e1-00` }).then((r) => r.status),
      ),
    );
    log(`unsampled burst: ${burst.filter((st) => st === 201).length}/${UNSAMPLED_BURST} accepted`);
    const faults: number[] = [];
    for (let i = 0; i < FAULT_REQUESTS; i++) {
      faults.push((await post(server.url, burstToken, client.joined[0] ?? "1001", `fault ${i}`, { [FAULT_HEADER]: "500", traceparent: `00-${(i + 1).toString(16).padStart(32, "f")}-00000000000000f1-00` })).status);
    }
    const delayed = await Promise.all(
      Array.from({ length: DELAYED_BURST }, (_, i) =>
        post(server.url, burstToken, client.joined[0] ?? "1001", `delayed ${i}`, { [FAULT_HEADER]: "delay", traceparent: `00-${(i + 1).toString(16).padStart(32, "d")}-00000000000000d1-00` }).then((r) => r.status),
      ),
    );
    log(`fault-injected requests answered: ${faults.join(", ")}; ${delayed.length} delayed ones: ${[...new Set(delayed)].join(", ")}`);
    // Several metric exports before the outage, so rate() over the new counters has two samples.
    await sleep(5_000);

    // Outage: the client keeps working against a server that is gone, then it comes back.
    const port = new URL(server.url).port;
    await server.stop();
    log("chat server stopped: client sends, reconnects and health-checks against nothing");
    const input = page.getByTestId("message-input");
    await input.pressSequentially("sent during the outage", { delay: 5 });
    await input.press("Enter");
    await sleep(4_000);
    server = await startChatServerProcess({ ...serverEnv, PORT: port });
    log(`chat server back on ${server.url}`);
    // The room list shows a green dot per open connection (what the session waits on too).
    await waitFor(
      () => page.locator(".dot-open").count(),
      (n) => n >= client.joined.length,
      30_000,
      250,
    ).catch(() => log("client had not reconnected every room within 30 s (continuing)"));

    const imported = await importSeedLogs(stack.lokiPush);
    log(`seed 001 JSONL: ${imported} log entries pushed through Loki's push API`);
    // Let a few export intervals pass with the client still running (gauges, process metrics).
    await new Promise((r) => setTimeout(r, 5_000));
    await harness.close();
    harness = undefined;
    return { startedAt, endedAt: Date.now(), client, links: links.map((l) => ({ url: l.url, status: l.status, failureReason: l.failureReason })), pageErrors };
  } finally {
    await harness?.close().catch(() => undefined);
    const code = await server.stop();
    if (code !== 0) log(`chat server exited with ${code}; last output:\n${server.output().slice(-1500)}`);
    await pages.close();
    await gateway.close();
    rmSync(feedDir, { recursive: true, force: true });
  }
}
