// Fetches a page for link processing with a deadline and a size cap, classifying every
// failure with one of the catalog's LINK_FAILURE_REASON values.
export type FetchFailure = "timeout" | "http_error" | "not_html" | "network";

export type FetchResult =
  | { readonly ok: true; readonly status: number; readonly html: string }
  | { readonly ok: false; readonly reason: FetchFailure; readonly status?: number; readonly detail: string };

export interface FetchOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

const isTimeout = (err: unknown) => err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    // The head (title, meta, icon) is at the start; the rest need not be downloaded.
    if (size >= maxBytes) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8");
}

export async function fetchPage(url: string, opts: FetchOptions): Promise<FetchResult> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: "follow", headers: { accept: "text/html,application/xhtml+xml" } });
  } catch (err) {
    if (isTimeout(err)) return { ok: false, reason: "timeout", detail: `no response within ${opts.timeoutMs} ms` };
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, reason: "network", detail: cause?.code ?? cause?.message ?? (err as Error).message };
  }
  if (res.status >= 400) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, reason: "http_error", status: res.status, detail: `HTTP ${res.status}` };
  }
  const type = res.headers.get("content-type") ?? "";
  if (!/^\s*(text\/html|application\/xhtml\+xml)\b/i.test(type)) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, reason: "not_html", status: res.status, detail: `content-type ${type || "(none)"}` };
  }
  try {
    const html = res.body ? await readCapped(res.body, opts.maxBytes) : "";
    return { ok: true, status: res.status, html };
  } catch (err) {
    if (isTimeout(err)) return { ok: false, reason: "timeout", status: res.status, detail: `body not read within ${opts.timeoutMs} ms` };
    return { ok: false, reason: "network", status: res.status, detail: (err as Error).message };
  }
}
