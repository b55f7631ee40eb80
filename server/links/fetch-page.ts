// Fetches a page for link processing: each hop (the URL, then every redirect) is checked and
// resolved by link-target.ts and the socket connects to exactly the address that was checked
// (a pinned `lookup`), under one deadline for the whole fetch, reading at most a bounded
// prefix of the body. Every failure is classified with one of the LinkStatus failure reasons.
import type { IncomingMessage } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { resolveLinkTarget } from "./link-target.ts";
import type { ResolvedAddress, TargetPolicy } from "./link-target.ts";

export type FetchFailure = "timeout" | "http_error" | "not_html" | "network" | "blocked" | "invalid_url";

export type FetchResult =
  | { readonly ok: true; readonly status: number; readonly html: string; /** After redirects. */ readonly url: string }
  | { readonly ok: false; readonly reason: FetchFailure; readonly status?: number; readonly detail: string };

export interface FetchOptions {
  /** The whole fetch, DNS and every redirect hop included, in ms. */
  readonly timeoutMs: number;
  /** Body bytes read (after decompression); the rest is not downloaded. */
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly policy: TargetPolicy;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = "BeaconLinkPreview/0.1 (+chat link previews)";
/** The head ends here; title, meta and icon links come before it, so reading stops. */
const HEAD_END = /<\/head[\s>]|<body[\s>]/i;
const DECODERS: Readonly<Record<string, () => NodeJS.ReadWriteStream & Readable>> = {
  gzip: createGunzip,
  "x-gzip": createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

class FetchAborted extends Error {
  override name = "FetchAborted";
}

/** A socket lookup that answers with the address already checked, never asking DNS again. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    // Node asks for every address (all: true) when it races IPv4 and IPv6 (autoSelectFamily).
    if (options.all) (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new FetchAborted("deadline passed"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new FetchAborted("deadline passed"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function get(url: URL, pinned: ResolvedAddress, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: "GET",
        // No shared agent: no pooled socket to some other address, and no proxy from the environment.
        agent: false,
        lookup: pinnedLookup(pinned),
        signal,
        headers: { accept: "text/html,application/xhtml+xml", "accept-encoding": "gzip, deflate, br", "user-agent": USER_AGENT },
      },
      resolve,
    );
    req.once("error", reject);
    req.end();
  });
}

/** The body's first `maxBytes` (decoded), stopping early once the head has ended. */
async function readPrefix(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = (res.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const decoder = DECODERS[encoding]?.();
  if (decoder === undefined && encoding !== "identity" && encoding !== "") throw new Error(`unsupported content-encoding ${encoding}`);
  let body: Readable = res;
  if (decoder !== undefined) {
    res.once("error", (err) => decoder.destroy(err));
    body = res.pipe(decoder);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tail = "";
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) break;
      // Tags are ASCII, so latin1 finds them without decoding UTF-8; the tail covers a tag split across chunks.
      const text = tail + chunk.toString("latin1");
      if (HEAD_END.test(text)) break;
      tail = text.slice(-7);
    }
  } finally {
    res.destroy();
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

async function fetchHops(first: string, opts: FetchOptions, signal: AbortSignal): Promise<FetchResult> {
  let location = first;
  let base: URL | undefined;
  for (let hop = 0; ; hop++) {
    const target = await untilAborted(resolveLinkTarget(location, opts.policy, base), signal);
    if (!target.ok) return { ok: false, reason: target.reason, detail: hop === 0 ? target.detail : `redirect ${hop}: ${target.detail}` };
    const res = await get(target.url, target.pinned, signal);
    const status = res.statusCode ?? 0;
    const next = res.headers.location;
    if (REDIRECTS.has(status) && next !== undefined) {
      res.destroy();
      if (hop >= opts.maxRedirects) return { ok: false, reason: "http_error", status, detail: `more than ${opts.maxRedirects} redirects` };
      base = target.url;
      location = next;
      continue;
    }
    if (status < 200 || status >= 300) {
      res.destroy();
      return { ok: false, reason: "http_error", status, detail: `HTTP ${status}` };
    }
    const type = res.headers["content-type"] ?? "";
    if (!/^\s*(text\/html|application\/xhtml\+xml)\b/i.test(type)) {
      res.destroy();
      return { ok: false, reason: "not_html", status, detail: `content-type ${type || "(none)"}` };
    }
    try {
      const body = await readPrefix(res, opts.maxBytes);
      return { ok: true, status, html: body.toString("utf8"), url: target.url.href };
    } catch (err) {
      if (signal.aborted) throw err;
      return { ok: false, reason: "network", status, detail: `body: ${(err as Error).message}` };
    }
  }
}

export async function fetchPage(url: string, opts: FetchOptions): Promise<FetchResult> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    return await fetchHops(url, opts, signal);
  } catch (err) {
    if (signal.aborted) return { ok: false, reason: "timeout", detail: `not fetched within ${opts.timeoutMs} ms` };
    const code = (err as { code?: string }).code;
    return { ok: false, reason: "network", detail: code ?? (err as Error).message };
  }
}
