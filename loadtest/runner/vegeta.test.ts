// The vegeta driver against a loopback server: exactly the requests asked for, each target as
// built (method, path, headers, body), every result read back, and falling behind reported.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attack, percentile, trendValues, type Hit, type HttpTarget } from "./vegeta.ts";

interface Seen {
  method: string;
  url: string;
  k: string;
  contentType: string;
  body: string;
}

describe("vegeta driver", () => {
  let server: Server;
  let base: string;
  let dir: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const k = String(req.headers["x-k"] ?? "");
        seen.push({ method: req.method ?? "", url: req.url ?? "", k, contentType: String(req.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString() });
        const delay = Number(req.headers["x-delay-ms"] ?? 0);
        setTimeout(() => res.writeHead(Number(k) % 4 === 0 ? 201 : 200).end("ok"), delay);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), "beacon-vegeta-"));
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("sends exactly the requests asked for, each target as built, at the rate asked for", async () => {
    seen.length = 0;
    const hits: Hit[] = [];
    const result = await attack({
      name: "exact",
      workDir: dir,
      requests: 60,
      seconds: 2,
      target: (k): HttpTarget =>
        k % 2 === 0
          ? { method: "POST", url: `${base}/post/${k % 3}`, headers: { "x-k": String(k), "content-type": "application/json" }, body: JSON.stringify({ k, text: "ünïcode" }) }
          : { method: "GET", url: `${base}/get?k=${k}`, headers: { "x-k": String(k) }, body: null },
      concurrency: { initial: 2, max: 10 },
      onHit: (h) => hits.push(h),
    });
    expect(result).toMatchObject({ planned: 60, sent: 60 });
    expect(result.achievedRate).toBeGreaterThan(27);
    expect(result.achievedRate).toBeLessThan(33);
    expect(result.lastMs - result.firstMs).toBeGreaterThan(1_800);

    expect(seen).toHaveLength(60);
    const byK = new Map(seen.map((s) => [Number(s.k), s]));
    expect([...byK.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, k) => k));
    expect(byK.get(4)).toEqual({ method: "POST", url: "/post/1", k: "4", contentType: "application/json", body: JSON.stringify({ k: 4, text: "ünïcode" }) });
    expect(byK.get(7)).toMatchObject({ method: "GET", url: "/get?k=7", body: "" });

    expect(hits).toHaveLength(60);
    expect(hits.filter((h) => h.code === 201)).toHaveLength(15);
    expect(hits.filter((h) => h.code === 200)).toHaveLength(45);
    expect(new Set(hits.map((h) => h.url))).toContain(`${base}/get?k=7`);
    expect(hits.every((h) => h.latencyMs > 0 && h.latencyMs < 5_000 && h.error === "")).toBe(true);
    expect(Buffer.from(hits[0]?.body ?? "", "base64").toString()).toBe("ok");
    expect(Object.keys(result.latencyMs)).toEqual(["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"]);
  });

  it("reports what it could not send when all its workers are busy (k6's dropped iterations)", async () => {
    seen.length = 0;
    const result = await attack({
      name: "behind",
      workDir: dir,
      requests: 20,
      seconds: 1,
      target: (k) => ({ method: "GET", url: `${base}/slow`, headers: { "x-k": String(k), "x-delay-ms": "250" }, body: null }),
      concurrency: { initial: 1, max: 1 },
    });
    expect(result.planned).toBe(20);
    expect(result.sent).toBeLessThan(10);
    expect(result.sent).toBeGreaterThan(0);
    // In order: the ones sent are the first targets.
    expect(seen.map((s) => Number(s.k))).toEqual(Array.from({ length: seen.length }, (_, k) => k));
  });

  it("refuses a fractional or empty attack", async () => {
    const target = () => ({ method: "GET", url: base, headers: {}, body: null });
    await expect(attack({ name: "x", workDir: dir, requests: 0, seconds: 1, target, concurrency: { initial: 1, max: 1 } })).rejects.toThrow(/positive integer/);
    await expect(attack({ name: "x", workDir: dir, requests: 10, seconds: 1.5, target, concurrency: { initial: 1, max: 1 } })).rejects.toThrow(/positive integer/);
  });
});

describe("latency statistics", () => {
  it("interpolate percentiles between closest ranks", () => {
    expect(percentile([], 95)).toBe(0);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile(Array.from({ length: 101 }, (_, i) => i), 95)).toBe(95);
    expect(percentile([10, 20], 90)).toBeCloseTo(19);
  });

  it("carry every trend statistic of the summaries", () => {
    const t = trendValues([4, 1, 3, 2]);
    expect(Object.keys(t)).toEqual(["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"]);
    expect(t).toMatchObject({ avg: 2.5, min: 1, med: 2.5, max: 4 });
    expect(t["p(90)"]).toBeCloseTo(3.7);
    expect(t["p(95)"]).toBeCloseTo(3.85);
    expect(t["p(99)"]).toBeCloseTo(3.97);
    expect(trendValues([])).toEqual({ avg: 0, min: 0, med: 0, max: 0, "p(90)": 0, "p(95)": 0, "p(99)": 0 });
  });
});
