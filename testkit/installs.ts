// Simulated desktop installs for the gateway tests: OTLP/JSON export requests shaped like the
// client's (resource with service.name, install id as service.instance.id), metrics in delta
// temporality, sent with the install's gateway key, from its own loopback address (127.0.0.0/8),
// so the gateway's per-client limit sees distinct clients. Retries honour Retry-After and 5xx,
// as client/telemetry/otlp-sender.ts does, within a bounded number of attempts.
import { request } from "node:http";
import { CLIENT_SERVICE } from "../catalog/index.ts";

export type Attr = Record<string, string | number | boolean>;

const kv = (attrs: Attr) =>
  Object.entries(attrs).map(([key, v]) => ({
    key,
    value: typeof v === "string" ? { stringValue: v } : typeof v === "boolean" ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
  }));

export interface SumPoint {
  name: string;
  attributes: Attr;
  value: number;
  /** Default true (a counter). */
  monotonic?: boolean;
  temporality?: "delta" | "cumulative";
}

const nowNs = () => `${BigInt(Date.now()) * 1_000_000n}`;

export function resourceOf(installId: string, extra: Attr = {}, service = CLIENT_SERVICE): Attr {
  return { "service.name": service, "service.version": "1.4.2", "process.type": "electron-main", "service.instance.id": installId, "kicktalk.install.id": installId, ...extra };
}

export function metricsBody(resource: Attr, points: readonly SumPoint[], startNs = nowNs()): string {
  const end = nowNs();
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: kv(resource) },
        scopeMetrics: [
          {
            scope: { name: "kicktalk", version: "1.4.2" },
            metrics: points.map((p) => ({
              name: p.name,
              sum: {
                aggregationTemporality: p.temporality === "cumulative" ? 2 : 1,
                isMonotonic: p.monotonic ?? true,
                dataPoints: [{ attributes: kv(p.attributes), startTimeUnixNano: startNs, timeUnixNano: end, asDouble: p.value }],
              },
            })),
          },
        ],
      },
    ],
  });
}

export function logsBody(resource: Attr, records: readonly { body: string; attributes: Attr }[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: kv(resource) },
        scopeLogs: [
          {
            scope: { name: "kicktalk" },
            logRecords: records.map((r) => ({ timeUnixNano: nowNs(), severityNumber: 9, severityText: "INFO", body: { stringValue: r.body }, attributes: kv(r.attributes) })),
          },
        ],
      },
    ],
  });
}

export function tracesBody(resource: Attr, spans: readonly { name: string; traceId: string; spanId: string; attributes?: Attr }[]): string {
  const t = nowNs();
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: kv(resource) },
        scopeSpans: [
          {
            scope: { name: "kicktalk" },
            spans: spans.map((s) => ({ traceId: s.traceId, spanId: s.spanId, name: s.name, kind: 1, startTimeUnixNano: t, endTimeUnixNano: t, attributes: kv(s.attributes ?? {}) })),
          },
        ],
      },
    ],
  });
}

export interface PostResult {
  status: number;
  retryAfter: string | undefined;
}

/** One POST from `localAddress` (a 127.x address): the raw answer, no retry. */
export function post(url: string, body: string, opts: { key?: string; localAddress?: string } = {}): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        localAddress: opts.localAddress,
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(opts.key !== undefined ? { authorization: `Bearer ${opts.key}` } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined }));
      },
    );
    req.on("error", reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`POST ${url} timed out`)));
    req.end(body);
  });
}

export interface SendStats {
  attempts: number;
  throttled: number;
  retried: number;
}

/** POSTs until 2xx, retrying 429/5xx/connection errors after Retry-After (or 200 ms), at most `maxAttempts` times. */
export async function sendWithRetry(url: string, body: string, opts: { key: string; localAddress?: string; maxAttempts?: number }, stats?: SendStats): Promise<number> {
  const max = opts.maxAttempts ?? 60;
  let last = 0;
  for (let attempt = 1; attempt <= max; attempt++) {
    if (stats) stats.attempts++;
    let res: PostResult;
    try {
      res = await post(url, body, opts);
    } catch {
      res = { status: 0, retryAfter: undefined };
    }
    last = res.status;
    if (res.status >= 200 && res.status < 300) return res.status;
    if (res.status !== 0 && res.status !== 429 && res.status < 500) return res.status; // 400, 401: final
    if (stats) {
      stats.retried++;
      if (res.status === 429) stats.throttled++;
    }
    const waitMs = res.retryAfter !== undefined ? Number(res.retryAfter) * 1000 : 200;
    await new Promise((r) => setTimeout(r, waitMs));
  }
  return last;
}

/** The loopback address of install `i` (127.0.<hi>.<lo>, never 127.0.0.0/127.0.0.1). */
export const installAddress = (i: number) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 2}`;
