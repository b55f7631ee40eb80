// The link fetcher against loopback fixture servers, with the address policy and the DNS
// resolver injected: the test policy lets 127.0.0.1 through (the stand-in for a public
// address) and judges everything else as production does, so 127.0.0.2 (also loopback, also
// listening) plays the internal service a redirect or a DNS answer must not reach.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAddress } from "./address-policy.ts";
import { fetchPage } from "./fetch-page.ts";
import type { FetchOptions } from "./fetch-page.ts";
import type { ResolveHost, ResolvedAddress, TargetPolicy } from "./link-target.ts";

const PAGE = "<html><head><title>Public page</title></head><body>hi</body></html>";

let site: Server;
let internal: Server;
let sitePort: number;
let internalPort: number;
let internalHits = 0;
let siteHits = 0;
/** Bytes /endless managed to send before the fetcher hung up. */
let endlessSent = 0;

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  internal = createServer((_req, res) => {
    internalHits++;
    res.writeHead(200, { "content-type": "text/html" }).end("<title>internal admin</title>");
  });
  internalPort = await listen(internal, "127.0.0.2");
  site = createServer((req, res) => {
    siteHits++;
    const html = { "content-type": "text/html; charset=utf-8" };
    switch (req.url) {
      case "/page":
        return void res.writeHead(200, html).end(PAGE);
      case "/to-internal":
        return void res.writeHead(302, { location: `http://127.0.0.2:${internalPort}/admin` }).end();
      case "/to-page":
        return void res.writeHead(301, { location: "/page" }).end();
      case "/to-ftp":
        return void res.writeHead(302, { location: "ftp://127.0.0.1/file" }).end();
      case "/loop":
        return void res.writeHead(302, { location: "/loop" }).end();
      case "/gzip":
        return void res.writeHead(200, { ...html, "content-encoding": "gzip" }).end(gzipSync(PAGE));
      case "/gzip-bomb":
        // 64 MiB of spaces inflate from ~64 KiB: only the first maxBytes may be inflated.
        return void res.writeHead(200, { ...html, "content-encoding": "gzip" }).end(gzipSync(Buffer.alloc(64 * 1_048_576, " ")));
      case "/no-head-end":
        return void res.writeHead(200, html).end(`<html><head>${"<meta name=x content=y>".repeat(200_000)}`);
      case "/endless": {
        // The head, then a body that never ends: reading must stop at </head>.
        res.writeHead(200, html);
        res.write(PAGE.slice(0, PAGE.indexOf("<body>") + 6));
        const timer = setInterval(() => {
          endlessSent += 1024;
          res.write("x".repeat(1024));
        }, 5);
        res.once("close", () => clearInterval(timer));
        return;
      }
      default:
        return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  sitePort = await listen(site, "127.0.0.1");
});
afterAll(async () => {
  for (const s of [site, internal]) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** A fixed DNS table that counts the questions it is asked. */
function table(entries: Record<string, readonly ResolvedAddress[] | (() => readonly ResolvedAddress[])>): ResolveHost & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const e = entries[host];
    if (e === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return typeof e === "function" ? e() : e;
  };
  return Object.assign(resolve, { asked });
}

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });

/** 127.0.0.1 counts as public here; every other address is judged as in production. */
function options(over: Partial<TargetPolicy> = {}, fetch: Partial<Omit<FetchOptions, "policy">> = {}): FetchOptions {
  return {
    timeoutMs: 2000,
    maxBytes: 64 * 1024,
    maxRedirects: 3,
    ...fetch,
    policy: {
      addresses: { blocked: (a) => (a === "127.0.0.1" ? undefined : classifyAddress(a)) },
      allowedPorts: [sitePort],
      allowLoopback: false,
      resolve: table({}),
      ...over,
    },
  };
}

describe("fetchPage: where it connects", () => {
  it("connects to the address it checked: a name only the injected resolver knows is fetched, asked once", async () => {
    const resolve = table({ "public.test": [v4("127.0.0.1")] });
    const r = await fetchPage(`http://public.test:${sitePort}/page`, options({ resolve }));
    expect(r).toMatchObject({ ok: true, status: 200, url: `http://public.test:${sitePort}/page` });
    expect(resolve.asked).toEqual(["public.test"]);
  });

  it("cannot be rebound: a resolver that answers differently the second time is asked only once", async () => {
    let answers = 0;
    const resolve = table({ "rebind.test": () => (answers++ === 0 ? [v4("127.0.0.1")] : [v4("127.0.0.2")]) });
    const before = internalHits;
    const r = await fetchPage(`http://rebind.test:${sitePort}/page`, options({ resolve }));
    expect(r.ok).toBe(true);
    expect(resolve.asked).toHaveLength(1);
    expect(internalHits).toBe(before);
  });

  it("refuses a name with any internal address among its answers", async () => {
    const resolve = table({ "mixed.test": [v4("127.0.0.1"), v4("10.0.0.7")] });
    expect(await fetchPage(`http://mixed.test:${sitePort}/page`, options({ resolve }))).toEqual({
      ok: false,
      reason: "blocked",
      detail: "mixed.test resolves to 10.0.0.7, a private address",
    });
  });

  it("checks every redirect hop: a 302 to an internal address is not followed", async () => {
    const before = internalHits;
    const r = await fetchPage(`http://127.0.0.1:${sitePort}/to-internal`, options());
    expect(r).toEqual({ ok: false, reason: "blocked", detail: "redirect 1: 127.0.0.2 resolves to 127.0.0.2, a loopback address" });
    expect(internalHits).toBe(before);
  });

  it("follows a redirect that passes the checks, and reports the final URL", async () => {
    expect(await fetchPage(`http://127.0.0.1:${sitePort}/to-page`, options())).toMatchObject({ ok: true, url: `http://127.0.0.1:${sitePort}/page` });
  });

  it("bounds redirects, and refuses other schemes and ports", async () => {
    expect(await fetchPage(`http://127.0.0.1:${sitePort}/loop`, options())).toEqual({ ok: false, reason: "http_error", status: 302, detail: "more than 3 redirects" });
    expect(await fetchPage(`http://127.0.0.1:${sitePort}/to-ftp`, options())).toMatchObject({ ok: false, reason: "blocked" });
    const otherPort = await fetchPage(`http://127.0.0.1:${internalPort}/page`, options());
    expect(otherPort).toEqual({ ok: false, reason: "blocked", detail: `port ${internalPort} is not fetched (allowed: ${sitePort})` });
  });

  it("tells nobody whether an internal port is open: open and closed get the same answer, and nothing connects", async () => {
    const strict = options({ addresses: { blocked: classifyAddress }, allowLoopback: false });
    const before = siteHits;
    const open = await fetchPage(`http://127.0.0.1:${sitePort}/page`, strict);
    const closed = await fetchPage("http://127.0.0.1:1/page", strict);
    expect(open).toEqual({ ok: false, reason: "blocked", detail: "127.0.0.1 resolves to 127.0.0.1, a loopback address" });
    expect(closed).toEqual(open);
    expect(siteHits).toBe(before);
  });
});

describe("fetchPage: what it reads", () => {
  it("decodes gzip", async () => {
    const r = await fetchPage(`http://127.0.0.1:${sitePort}/gzip`, options());
    expect(r.ok && r.html).toBe(PAGE);
  });

  it("inflates at most maxBytes of a gzip bomb", async () => {
    const r = await fetchPage(`http://127.0.0.1:${sitePort}/gzip-bomb`, options());
    expect(r.ok && r.html.length).toBe(64 * 1024);
  });

  it("reads at most maxBytes of a page whose head never ends", async () => {
    const r = await fetchPage(`http://127.0.0.1:${sitePort}/no-head-end`, options());
    expect(r.ok && r.html.length).toBe(64 * 1024);
  });

  it("stops reading once the head has ended, even if the body never does", async () => {
    const t0 = performance.now();
    const r = await fetchPage(`http://127.0.0.1:${sitePort}/endless`, options({}, { timeoutMs: 1500 }));
    expect(r.ok && r.html).toMatch(/<title>Public page<\/title><\/head><body>/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(endlessSent).toBeLessThan(64 * 1024);
  });
});
