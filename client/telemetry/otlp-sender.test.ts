import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { httpRequest } from "./http-request.ts";
import { Journal } from "./journal.ts";
import { DEFAULT_MAX_RETRY_AFTER_MS, MAX_SERVER_ERROR_ATTEMPTS, OtlpSender, parseRetryAfter } from "./otlp-sender.ts";
import { type FakeGateway, startFakeGateway } from "./testing/fake-gateway.ts";

describe("parseRetryAfter", () => {
  it("reads delta seconds and HTTP dates", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter("soon", 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });
});

describe("OtlpSender (against a fake gateway)", () => {
  let gw: FakeGateway;
  let dir: string;
  afterEach(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function setup(opts: { maxExportBytes?: number; maxRetryAfterMs?: number } = {}) {
    gw = await startFakeGateway();
    dir = mkdtempSync(join(tmpdir(), "beacon-sender-"));
    const events: string[] = [];
    const journal = new Journal({ file: join(dir, "j.jsonl"), maxItems: 1000, maxBytes: 1 << 20, onDrop: (s, n, r) => events.push(`drop ${s} ${n} ${r}`) });
    journal.load();
    let clock = 1_000_000;
    const sender = new OtlpSender({
      endpoint: gw.endpoint,
      headers: { authorization: "Basic abc" },
      compression: "none",
      maxExportBytes: opts.maxExportBytes ?? 64 * 1024,
      retryBaseMs: 1000,
      retryMaxMs: 8000,
      timeoutMs: 5000,
      journal,
      resource: (kind) => [{ key: "process.type", value: { stringValue: kind } }],
      fetch: httpRequest,
      now: () => clock,
      random: () => 0.5,
      onExported: (s, n, bytes) => events.push(`exported ${s} ${n} ${bytes > 0}`),
      onDropped: (s, n, r) => events.push(`drop ${s} ${n} ${r}`),
      onRetry: (s, e) => events.push(`retry ${s} ${e}`),
      ...(opts.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: opts.maxRetryAfterMs } : {}),
    });
    const add = (id: string, name = id) => journal.append({ t: "e", id, sig: "traces", res: "main", n: 1, s: [{ scope: { name: "kicktalk-main" }, spans: [{ name }] }] });
    return { journal, sender, events, add, tick: (ms: number) => (clock += ms), now: () => clock };
  }

  it("merges entries of one scope into one request per resource and acks them", async () => {
    const { sender, journal, events, add } = await setup();
    add("a");
    add("b");
    await sender.send();
    expect(gw.requests.map((r) => [r.path, r.headers.authorization, r.body])).toEqual([
      [
        "/v1/traces",
        "Basic abc",
        { resourceSpans: [{ resource: { attributes: [{ key: "process.type", value: { stringValue: "main" } }] }, scopeSpans: [{ scope: { name: "kicktalk-main" }, spans: [{ name: "a" }, { name: "b" }] }] }] },
      ],
    ]);
    expect(journal.items).toBe(0);
    expect(events).toEqual(["exported traces 2 true"]);
  });

  it("splits requests at maxExportBytes", async () => {
    const { sender, add } = await setup({ maxExportBytes: 200 });
    for (let i = 0; i < 6; i++) add(`id-${i}`, "x".repeat(60));
    await sender.send();
    expect(gw.requests.length).toBeGreaterThan(1);
    expect(gw.requests.flatMap((r) => (r.body.resourceSpans as { scopeSpans: { spans: unknown[] }[] }[])[0]?.scopeSpans[0]?.spans ?? [])).toHaveLength(6);
  });

  it("honours Retry-After on 429, keeps the entries, and sends them once allowed", async () => {
    const { sender, journal, events, add, tick } = await setup();
    gw.script([{ status: 429, headers: { "retry-after": "30" } }]);
    add("a");
    await sender.send();
    expect(sender.state.nextRetryAt - 1_000_000).toBe(30_000); // the floor beats the 500 ms jittered backoff
    await sender.send(); // too early: nothing goes out
    expect(gw.requests).toHaveLength(1);
    tick(30_000);
    await sender.send();
    expect(gw.requests).toHaveLength(2);
    expect(journal.items).toBe(0);
    expect(events).toEqual(["retry traces HTTP 429", "exported traces 1 true"]);
  });

  it("backs off exponentially with jitter on 503 and network errors, never dropping", async () => {
    const { sender, journal, add, tick, now } = await setup();
    gw.script([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
    add("a");
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await sender.send();
      delays.push(sender.state.nextRetryAt - now());
      tick(sender.state.nextRetryAt - now());
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]); // random()=0.5 × min(8000, 1000·2^k)
    expect(journal.items).toBe(1);
    await sender.send();
    expect(journal.items).toBe(0);
  });

  it("gives up on a 400 (non-retryable per the OTLP spec) and counts it", async () => {
    const { sender, journal, events, add } = await setup();
    gw.script([{ status: 400, body: '{"message":"bad"}' }]);
    add("a");
    await sender.send();
    expect(journal.items).toBe(0);
    expect(events).toEqual(["drop traces 1 export_rejected"]);
  });

  it.each([401, 403])("pauses on %i, keeps the queue, sends nothing more until the configuration changes", async (status) => {
    const { sender, journal, events, add, tick } = await setup();
    gw.script([{ status }]);
    add("a");
    add("b");
    await sender.send();
    expect(sender.state.paused).toBe("auth");
    tick(24 * 3600_000);
    await sender.send();
    expect(gw.requests).toHaveLength(1);
    expect(journal.items).toBe(2);
    sender.resume({ headers: { authorization: "Basic fresh" } });
    await sender.send();
    expect(gw.requests.map((r) => r.headers.authorization)).toEqual(["Basic abc", "Basic fresh"]);
    expect(journal.items).toBe(0);
    expect(events).toEqual([`retry traces HTTP ${status}`, "exported traces 2 true"]);
  });

  it("splits the batch on 413 until it fits, dropping only a lone entry that never fits", async () => {
    const { sender, journal, events, add } = await setup();
    for (const id of ["a", "b", "c", "d"]) add(id);
    gw.script([{ status: 413 }, { status: 200 }, { status: 413 }, { status: 200 }, { status: 413 }]);
    await sender.send();
    const names = gw.requests.map((r) => (r.body.resourceSpans as { scopeSpans: { spans: { name: string }[] }[] }[])[0]!.scopeSpans[0]!.spans.map((s) => s.name).join(""));
    expect(names).toEqual(["abcd", "ab", "cd", "c", "d"]);
    expect(journal.items).toBe(0);
    expect(events).toEqual(["exported traces 2 true", "exported traces 1 true", "drop traces 1 payload_too_large"]);
  });

  it("retries a 500 a bounded number of times before dropping it as retries_exhausted", async () => {
    const { sender, journal, events, add, tick } = await setup();
    gw.script(Array.from({ length: MAX_SERVER_ERROR_ATTEMPTS }, () => ({ status: 500 })));
    add("a");
    for (let i = 0; i < MAX_SERVER_ERROR_ATTEMPTS; i++) {
      expect(journal.items).toBe(1);
      await sender.send();
      tick(sender.state.nextRetryAt - 1_000_000 + 60_000);
    }
    expect(journal.items).toBe(0);
    expect(events.at(-1)).toBe("drop traces 1 retries_exhausted");
    expect(events.filter((e) => e.startsWith("retry"))).toHaveLength(MAX_SERVER_ERROR_ATTEMPTS - 1);
  });

  it("caps Retry-After: 99999999999 s does not stop exporting for good", async () => {
    const { sender, journal, add, tick, now } = await setup({ maxRetryAfterMs: 600_000 });
    gw.script([{ status: 503, headers: { "retry-after": "99999999999" } }]);
    add("a");
    await sender.send();
    expect(sender.state.nextRetryAt - now()).toBe(600_000);
    tick(600_000);
    await sender.send();
    expect(journal.items).toBe(0);
    expect(DEFAULT_MAX_RETRY_AFTER_MS).toBe(15 * 60_000);
  });

  it("counts items the gateway rejected in a partial success", async () => {
    const { sender, events, add } = await setup();
    gw.script([{ status: 200, body: '{"partialSuccess":{"rejectedSpans":1,"errorMessage":"x"}}' }]);
    add("a");
    add("b");
    await sender.send();
    expect(events).toEqual(["drop traces 1 export_rejected", "exported traces 1 true"]);
  });
});
