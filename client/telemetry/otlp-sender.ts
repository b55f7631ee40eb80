// Sends journaled entries to the OTLP/HTTP gateway (JSON encoding, optionally gzip) and acks
// them in the journal once accepted. Failures back off exponentially with full jitter;
// 429/503 honour Retry-After. Nothing is dropped for being retried: entries wait in the
// bounded journal, whose bound is the only thing that drops (counted as queue_full).
import { gzipSync } from "node:zlib";
import type { Journal, PendingEntry, ResourceKind } from "./journal.ts";
import type { OtlpKeyValue } from "./redact.ts";
import type { DropReason, TelemetrySignal } from "./types.ts";

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
  fetch: typeof globalThis.fetch;
  now: () => number;
  random: () => number;
  onExported: (sig: TelemetrySignal, items: number, bodyBytes: number) => void;
  onDropped: (sig: TelemetrySignal, items: number, reason: DropReason) => void;
  onRetry: (sig: TelemetrySignal, error: string) => void;
}

export interface SenderState {
  exportRequests: number;
  lastExportBytes: number;
  lastExportError: string | null;
  nextRetryAt: number;
  consecutiveFailures: number;
  lastSuccessAt: number;
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
  };
  #inFlight: Promise<void> | null = null;
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

  /** Aborts in-flight requests (quit with a deadline); their entries stay journaled. */
  abort(): void {
    for (const a of this.#aborts) a.abort();
  }

  async #run(): Promise<void> {
    for (const sig of SIGNALS) {
      // Each pass takes a snapshot; entries appended meanwhile go out on the next flush.
      for (const batch of this.#batches(sig)) {
        if (this.#o.now() < this.state.nextRetryAt) return;
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
      if (batch.length > 0 && size + e.line.length > this.#o.maxExportBytes) {
        yield batch;
        batch = [];
        size = 0;
      }
      batch.push(e);
      size += e.line.length;
    }
    if (batch.length > 0) yield batch;
  }

  /** Builds one OTLP/JSON request: one ResourceX per resource kind, scopes of the same name merged. */
  buildBody(sig: TelemetrySignal, entries: readonly PendingEntry[]): string {
    const byRes = new Map<ResourceKind, Map<string, ScopeEntry>>();
    const itemsKey = SCOPE_ITEMS_KEY[sig];
    for (const e of entries) {
      const scopes = (JSON.parse(e.line) as { s: ScopeEntry[] }).s;
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
    const items = entries.reduce((n, e) => n + e.n, 0);
    const ids = entries.map((e) => e.id);
    const json = this.buildBody(sig, entries);
    const body = this.#o.compression === "gzip" ? gzipSync(json) : Buffer.from(json);
    const headers: Record<string, string> = { ...this.#o.headers, "content-type": "application/json" };
    if (this.#o.compression === "gzip") headers["content-encoding"] = "gzip";
    const abort = new AbortController();
    this.#aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.#o.timeoutMs);
    this.state.exportRequests++;
    this.state.lastExportBytes = body.byteLength;
    let res: Response;
    try {
      res = await this.#o.fetch(`${this.#o.endpoint}${PATHS[sig]}`, { method: "POST", headers, body, signal: abort.signal });
    } catch (err) {
      this.#failed(sig, `network: ${err instanceof Error ? err.message : String(err)}`, null);
      return false;
    } finally {
      clearTimeout(timer);
      this.#aborts.delete(abort);
    }
    const text = await res.text().catch(() => "");
    if (res.ok) {
      this.#o.journal.ack(ids);
      const rejected = rejectedCount(sig, text);
      if (rejected > 0) this.#o.onDropped(sig, rejected, "export_rejected");
      this.#o.onExported(sig, items - rejected, body.byteLength);
      this.state.consecutiveFailures = 0;
      this.state.nextRetryAt = 0;
      this.state.lastExportError = null;
      this.state.lastSuccessAt = this.#o.now();
      return true;
    }
    if (res.status === 429 || res.status === 503 || res.status === 502 || res.status === 504 || res.status === 408) {
      this.#failed(sig, `HTTP ${res.status}`, parseRetryAfter(res.headers.get("retry-after"), this.#o.now()));
      return false;
    }
    // Any other status means the gateway will never take this body: give it up, counted.
    this.#o.journal.ack(ids);
    this.#o.onDropped(sig, items, "export_rejected");
    this.state.lastExportError = `HTTP ${res.status} from ${PATHS[sig]}: ${text.slice(0, 200)}`;
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
