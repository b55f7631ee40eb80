// Local web pages for the links the e2e session posts (the machine has no internet): one per
// outcome the link-processing dashboard shows (seed 004): completed, slow (> 2 s, for the
// "link processing over 2 s" trace search), http_error and not_html.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Slower than the 2 s of the saved trace search, well under the server's 5 s fetch timeout. */
const SLOW_MS = 2_500;

export interface LinkPages {
  /** URLs by expected outcome. */
  readonly urls: { readonly ok: string; readonly slow: string; readonly httpError: string; readonly notHtml: string };
  close(): Promise<void>;
}

const page = (title: string) =>
  `<!doctype html><html><head><title>${title}</title><meta name="description" content="${title} for the Beacon e2e"></head><body><p>${title}</p></body></html>`;

export async function startLinkPages(): Promise<LinkPages> {
  const server: Server = createServer((req, res) => {
    switch (req.url) {
      case "/article":
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page("Beacon article"));
        return;
      case "/slow":
        setTimeout(() => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page("Slow article")), SLOW_MS);
        return;
      case "/file.bin":
        res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.alloc(64));
        return;
      default:
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urls: { ok: `${base}/article`, slow: `${base}/slow`, httpError: `${base}/missing`, notHtml: `${base}/file.bin` },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
