// Sends journaled entries to the OTLP/HTTP gateway (JSON encoding, optionally gzip) and acks
// them in the journal once accepted. What each answer does follows the OTLP/HTTP spec
// (opentelemetry-proto docs/specification.md, "Failures" and "OTLP/HTTP Throttling"):
// - 2xx: acked; items in partialSuccess are counted as export_rejected.
// - 429, 502, 503, 504 (retryable) and network errors: kept, retried with exponential backoff
//   and full jitter; Retry-After is a floor, capped at maxRetryAfterMs so a bogus value
//   (Retry-After: 99999999999) cannot stop exporting for good.
// - 401, 403: the credentials are wrong, and every request would fail the same way: exporting
//   pauses, the (bounded) journal keeps everything, and resume() (a configuration change, or
//   the next start) lifts the pause. Nothing is dropped for it.
// - 413: the batch is split in halves and each is sent alone; one entry still too large is
//   dropped as payload_too_large.
// - 500 and other 5xx: the spec says not to retry, but a gateway's 500 is as often a passing
//   fault of its own (a restarting exporter) as a verdict on the data, so the batch is retried
//   up to MAX_SERVER_ERROR_ATTEMPTS times and then dropped as retries_exhausted. Deviation from
//   the spec's "MUST NOT be retried", for issue 11 ("no permanent drop on 500").
// - Any other 4xx (400: a malformed body): non-retryable per the spec, dropped as export_rejected.
// One request at a time: at-least-once delivery whose duplicate window is that one request
// (an entry is acked only after its 2xx, so a kill between the gateway's accept and the ack
// re-sends it on the next start; OTLP has no idempotency key to de-duplicate by).
import { gzipSync } from "node:zlib";
import type { Journal, PendingEntry, ResourceKind } from "./journal.ts";
import type { OtlpKeyValue } from "./redact.ts";
import type { HttpAnswer, HttpRequest } from "./http-request.ts";
import type { DropReason, TelemetrySignal } from "./types.ts";

/** Attempts of one batch answered with 500-class errors outside the retryable set before it is dropped. */
export const MAX_SERVER_ERROR_ATTEMPTS = 5;
/** Default cap of a Retry-After (ms): 15 minutes. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 15 * 60_000;

const PATHS: Record<TelemetrySignal, string> = { traces: "/v1/traces", metrics: "/v1/metrics", logs: "/v1/logs" };
const RESOURCE_KEY: Record<TelemetrySignal, string> = { traces: "resourceSpans", metrics: "resourceMetrics", logs: "resourceLogs" };
const SCOPE_ITEMS_KEY: Record<TelemetrySignal, string> = { traces: "spans", metrics: "metrics", logs: "logRecords" };
const REJECTED_KEY: Record<TelemetrySignal, string> = { traces: "rejectedSpans", metrics: "rejectedDataPoints", logs: "rejectedLogRecords" };
const SIGNALS: readonly TelemetrySignal[] = ["traces", "metrics", "logs"];

export interface SenderOptions {
  endpoint: string;
  headers: Record<string, string>;
  compression: "gzip" | "none";
  maxExportBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  journal: Journal;
  resource: (kind: ResourceKind) => OtlpKeyValue[];
  fetch: HttpRequest;
  now: () => number;
  random: () => number;
  onExported: (sig: TelemetrySignal, items: number, bodyBytes: number) => void;
  /** Items of an accepted request the gateway says it rejected (partial success). Whole batches given up on go through journal.discard(). */
  onDropped: (sig: TelemetrySignal, items: number, reason: DropReason) => void;
  onRetry: (sig: TelemetrySignal, error: string) => void;
  /** Cap of a Retry-After, in ms (default DEFAULT_MAX_RETRY_AFTER_MS). */
  maxRetryAfterMs?: number;
}

export interface SenderState {
  exportRequests: number;
  lastExportBytes: number;
  lastExportError: string | null;
  nextRetryAt: number;
  consecutiveFailures: number;
  lastSuccessAt: number;
  /** Set on 401/403: nothing is sent until resume(). */
  paused: "auth" | null;
  /** How long the last answered request took, in ms; null before any answer. */
  lastRoundTripMs: number | null;
}

interface ScopeEntry {
  scope?: { name?: string; version?: string };
  [items: string]: unknown;
}

/** Parses Retry-After (delta seconds or HTTP date) into ms from now; null when absent or unusable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === "") return null;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return null;
}

export class OtlpSender {
  readonly #o: SenderOptions;
  readonly state: SenderState = {
    exportRequests: 0,
    lastExportBytes: 0,
    lastExportError: null,
    nextRetryAt: 0,
    consecutiveFailures: 0,
    lastSuccessAt: 0,
    paused: null,
    lastRoundTripMs: null,
  };
  /** 5xx attempts per batch (keyed by its first entry's supersede key, else its id). */
  readonly #serverErrors = new Map<string, number>();
  #lastBody: { key: string; body: ReturnType<typeof gzipSync> } | null = null;
  #inFlight: Promise<void> | null = null;
  /** Ids of the entries in the request being sent. */
  readonly #sending = new Set<string>();
  /**
   * Entries whose request may have reached the gateway without an answer (a timeout, an abort,
   * a connection cut after sending): re-sent exactly as they were, so a downstream that keeps
   * each install's stream (the local stack's deltatocumulative) drops the repeat as out of order.
   */
  readonly #maybeDelivered = new Set<string>();
  readonly #aborts = new Set<AbortController>();

  constructor(opts: SenderOptions) {
    this.#o = opts;
  }

  /** Sends what is pending unless a backoff / Retry-After is in force. One run at a time. */
  send(): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    this.#inFlight = this.#run().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  /** The run in flight, if any (quit waits for it rather than starting another). */
  inFlight(): Promise<void> | null {
    return this.#inFlight;
  }

  /** Whether the entry is in the request being sent (its journal line must not change meanwhile). */
  isSending(id: string): boolean {
    return this.#sending.has(id);
  }

  /** Whether new data may be folded into the entry: never sent, or refused for certain. */
  mayChange(id: string): boolean {
    return !this.#sending.has(id) && !this.#maybeDelivered.has(id);
  }

  /** Aborts in-flight requests (quit with a deadline); their entries stay journaled. */
  abort(): void {
    for (const a of this.#aborts) a.abort();
  }

  /** Lifts an auth pause (the endpoint or headers changed); optionally with new ones. */
  resume(update: { endpoint?: string; headers?: Record<string, string> } = {}): void {
    if (update.endpoint !== undefined) this.#o.endpoint = update.endpoint;
    if (update.headers !== undefined) this.#o.headers = update.headers;
    this.state.paused = null;
    this.state.nextRetryAt = 0;
  }

  async #run(): Promise<void> {
    for (const sig of SIGNALS) {
      // Each pass takes a snapshot; entries appended meanwhile go out on the next flush.
      for (const batch of this.#batches(sig)) {
        if (this.state.paused !== null || this.#o.now() < this.state.nextRetryAt) return;
        const ok = await this.#post(sig, batch);
        if (!ok) return;
      }
    }
  }

  /** Groups pending entries of one signal into requests of at most maxExportBytes (a lone larger entry goes alone). */
  *#batches(sig: TelemetrySignal): Generator<PendingEntry[]> {
    let batch: PendingEntry[] = [];
    let size = 0;
    for (const e of this.#o.journal.pending()) {
      if (e.sig !== sig) continue;
      if (batch.length > 0 && size + e.size > this.#o.maxExportBytes) {
        yield batch;
        batch = [];
        size = 0;
      }
      batch.push(e);
      size += e.size;
    }
    if (batch.length > 0) yield batch;
  }

  /** Builds one OTLP/JSON request: one ResourceX per resource kind, scopes of the same name merged. */
  buildBody(sig: TelemetrySignal, entries: readonly PendingEntry[]): string {
    const byRes = new Map<ResourceKind, Map<string, ScopeEntry>>();
    const itemsKey = SCOPE_ITEMS_KEY[sig];
    for (const e of entries) {
      const scopes = this.#o.journal.scopes(e) as ScopeEntry[];
      let merged = byRes.get(e.res);
      if (!merged) byRes.set(e.res, (merged = new Map()));
      for (const s of scopes) {
        const key = `${s.scope?.name ?? ""}@${s.scope?.version ?? ""}`;
        const have = merged.get(key);
        if (have) (have[itemsKey] as unknown[]).push(...((s[itemsKey] as unknown[]) ?? []));
        else merged.set(key, { ...s, [itemsKey]: [...((s[itemsKey] as unknown[]) ?? [])] });
      }
    }
    const resources = [...byRes].map(([kind, scopes]) => ({
      resource: { attributes: this.#o.resource(kind) },
      [sig === "traces" ? "scopeSpans" : sig === "metrics" ? "scopeMetrics" : "scopeLogs"]: [...scopes.values()],
    }));
    return JSON.stringify({ [RESOURCE_KEY[sig]]: resources });
  }

  async #post(sig: TelemetrySignal, entries: PendingEntry[]): Promise<boolean> {
    // The journal may have dropped or superseded some of a batch while an earlier one was in flight.
    const pendingIds = new Set(this.#o.journal.pending().map((e) => e.id));
    entries = entries.filter((e) => pendingIds.has(e.id));
    if (entries.length === 0) return true;
    const items = entries.reduce((n, e) => n + e.n, 0);
    const ids = entries.map((e) => e.id);
    // 5xx attempts count per batch; a folded metrics entry keeps its key while its id changes.
    const attemptsKey = entries[0]!.k ?? entries[0]!.id;
    // A retried batch is the same batch: its encoded body is kept, not rebuilt on each attempt
    // (during an outage that was most of the telemetry's CPU).
    const key = `${sig}:${ids.join(",")}`;
    let body: ReturnType<typeof gzipSync>;
    if (this.#lastBody?.key === key) body = this.#lastBody.body;
    else {
      const json = this.buildBody(sig, entries);
      body = this.#o.compression === "gzip" ? gzipSync(json) : Buffer.from(json);
      this.#lastBody = { key, body };
    }
    const headers: Record<string, string> = { ...this.#o.headers, "content-type": "application/json" };
    if (this.#o.compression === "gzip") headers["content-encoding"] = "gzip";
    const abort = new AbortController();
    this.#aborts.add(abort);
    for (const id of ids) this.#sending.add(id);
    const timer = setTimeout(() => abort.abort(), this.#o.timeoutMs);
    this.state.exportRequests++;
    this.state.lastExportBytes = body.byteLength;
    const t0 = performance.now();
    let res: HttpAnswer;
    let text: string;
    try {
      res = await this.#o.fetch(`${this.#o.endpoint}${PATHS[sig]}`, { method: "POST", headers, body, signal: abort.signal });
      text = await res.text().catch(() => "");
    } catch (err) {
      if (!neverConnected(err)) for (const id of ids) this.#maybeDelivered.add(id);
      this.#failed(sig, `network: ${err instanceof Error ? err.message : String(err)}`, null);
      return false;
    } finally {
      clearTimeout(timer);
      this.#aborts.delete(abort);
      this.#sending.clear();
    }
    this.state.lastRoundTripMs = performance.now() - t0;
    const status = res.status;
    if (res.ok) {
      this.#lastBody = null;
      this.#o.journal.ack(ids);
      for (const id of ids) this.#maybeDelivered.delete(id);
      this.#serverErrors.delete(attemptsKey);
      const rejected = rejectedCount(sig, text);
      if (rejected > 0) this.#o.onDropped(sig, rejected, "export_rejected");
      this.#o.onExported(sig, items - rejected, body.byteLength);
      this.state.consecutiveFailures = 0;
      this.state.nextRetryAt = 0;
      this.state.lastExportError = null;
      this.state.lastSuccessAt = this.#o.now();
      return true;
    }
    const error = `HTTP ${status} from ${PATHS[sig]}: ${text.slice(0, 200)}`;
    if (status === 429 || status === 502 || status === 503 || status === 504 || status === 408) {
      const retryAfter = parseRetryAfter(res.headers.get("retry-after"), this.#o.now());
      const cap = this.#o.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
      this.#failed(sig, `HTTP ${status}`, retryAfter === null ? null : Math.min(retryAfter, cap));
      return false;
    }
    if (status === 401 || status === 403) {
      // Every request would fail alike until the credentials change: pause, keep everything.
      this.state.paused = "auth";
      this.state.lastExportError = error;
      this.#o.onRetry(sig, `HTTP ${status}`);
      return false;
    }
    if (status === 413) {
      if (entries.length === 1) {
        this.#o.journal.discard(ids, "payload_too_large");
        this.state.lastExportError = error;
        return true;
      }
      const half = Math.ceil(entries.length / 2);
      return (await this.#post(sig, entries.slice(0, half))) && (await this.#post(sig, entries.slice(half)));
    }
    if (status >= 500) {
      const attempts = (this.#serverErrors.get(attemptsKey) ?? 0) + 1;
      if (attempts < MAX_SERVER_ERROR_ATTEMPTS) {
        this.#serverErrors.set(attemptsKey, attempts);
        this.#failed(sig, `HTTP ${status}`, null);
        return false;
      }
      this.#serverErrors.delete(attemptsKey);
      this.#o.journal.discard(ids, "retries_exhausted");
      this.state.lastExportError = error;
      return true;
    }
    // Non-retryable per the OTLP spec (400 and the other 4xx): the gateway will never take this body.
    this.#o.journal.discard(ids, "export_rejected");
    this.state.lastExportError = error;
    return true;
  }

  #failed(sig: TelemetrySignal, error: string, retryAfterMs: number | null): void {
    this.state.consecutiveFailures++;
    this.state.lastExportError = error;
    const exp = Math.min(this.#o.retryMaxMs, this.#o.retryBaseMs * 2 ** Math.min(this.state.consecutiveFailures - 1, 20));
    const jittered = this.#o.random() * exp; // full jitter (AWS architecture blog)
    // Retry-After is a floor: never earlier than the gateway asked.
    const delay = retryAfterMs === null ? jittered : Math.max(retryAfterMs, Math.min(jittered, this.#o.retryMaxMs));
    this.state.nextRetryAt = this.#o.now() + delay;
    this.#o.onRetry(sig, error);
  }
}

/** A connection that was never made (refused, no route, no such host): the gateway saw nothing. */
function neverConnected(err: unknown): boolean {
  const code = (err as { cause?: { code?: unknown } })?.cause?.code;
  const text = `${String(code ?? "")} ${err instanceof Error ? err.message : String(err)}`;
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(text);
}

function rejectedCount(sig: TelemetrySignal, text: string): number {
  if (!text.includes("partialSuccess")) return 0;
  try {
    const body = JSON.parse(text) as { partialSuccess?: Record<string, unknown> };
    const n = Number(body.partialSuccess?.[REJECTED_KEY[sig]] ?? 0);
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}
