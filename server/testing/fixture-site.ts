// A local web site for link-processing tests (the internet is not reachable from tests):
// an HTML page, a page with Open Graph tags, a non-HTML resource, a 500 and slow pages.
import { createServer } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";

export interface FixtureSite {
  readonly url: string;
  /** A URL whose server cuts the connection before answering (a network failure). */
  readonly deadUrl: string;
  close(): Promise<void>;
}

export const FIXTURE_PAGES = {
  "/article": `<!doctype html><html><head><title>  Beacon &amp; friends </title>
<meta name="description" content="A page about observability">
<link rel="shortcut icon" href="/static/icon.png"></head><body><p>hello</p></body></html>`,
  "/og": `<html><head><meta property="og:title" content="OG &quot;title&quot;"><title>ignored</title>
<meta property='og:description' content='From Open Graph'></head></html>`,
} as const;

/** How long /slow waits before answering, in ms: longer than the tests' fetch timeout. */
export const SLOW_MS = 3000;

/**
 * A loopback port that cuts every connection at once. It stays bound while the site lives: a port
 * merely found free could be taken by another test's server before the fetch (seen under load).
 */
async function cuttingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const s = createNetServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/gone`, close: () => new Promise((resolve) => s.close(() => resolve())) };
}

export async function startFixtureSite(): Promise<FixtureSite> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path in FIXTURE_PAGES) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(FIXTURE_PAGES[path as keyof typeof FIXTURE_PAGES]);
    }
    switch (path) {
      case "/data.json":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end('{"not":"html"}');
      case "/error":
        res.writeHead(500, { "content-type": "text/html" });
        return res.end("<title>boom</title>");
      case "/slow": {
        const t = setTimeout(() => {
          timers.delete(t);
          res.writeHead(200, { "content-type": "text/html" });
          res.end("<title>too late</title>");
        }, SLOW_MS);
        timers.add(t);
        return;
      }
      default:
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const dead = await cuttingServer();
  return {
    url: `http://127.0.0.1:${port}`,
    deadUrl: dead.url,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dead.close();
    },
  };
}
