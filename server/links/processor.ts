// Link processing (seed 004): every URL in a posted message becomes a link record that a
// bounded pool of workers fetches and extracts metadata from. Each link gets a `link:process`
// trace of its own (linked to the request that posted it, since it outlives that request),
// its metrics, and one `link_processed` log record carrying the domain — domains go to logs
// and span attributes, never to a metric label.
import { randomUUID } from "node:crypto";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import type { Context, Link, Span, SpanContext } from "@opentelemetry/api";
import { LOG_EVENTS, SPAN_FAMILIES } from "../../catalog/index.ts";
import type { LinkStatus } from "../../protocol/index.ts";
import { ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_LINK_DOMAIN, ATTR_LINK_FAILURE_REASON, ATTR_LINK_ID, ATTR_LINK_STATUS } from "../telemetry/semconv.ts";
import type { ServerTelemetry } from "../telemetry/types.ts";
import { extractMetadata } from "./extract-metadata.ts";
import { fetchPage } from "./fetch-page.ts";

type FailureReason = NonNullable<LinkStatus["failureReason"]>;
const [SPAN_PROCESS, SPAN_FETCH, SPAN_EXTRACT] = SPAN_FAMILIES.link.names;

export interface LinkProcessorOptions {
  readonly telemetry: ServerTelemetry;
  readonly fetchTimeoutMs: number;
  readonly concurrency: number;
  readonly maxBytes: number;
}

interface LinkRecord {
  status: LinkStatus;
  readonly queuedAt: number;
  readonly parent: SpanContext | undefined;
}

/** Finished link records kept for status queries; the oldest finished ones age out. */
const MAX_RECORDS = 10_000;

export class LinkProcessor {
  readonly #opts: LinkProcessorOptions;
  readonly #records = new Map<string, LinkRecord>();
  readonly #queue: LinkRecord[] = [];
  #active = 0;
  #stopped = false;
  #idleWaiters: (() => void)[] = [];

  constructor(opts: LinkProcessorOptions) {
    this.#opts = opts;
  }

  /** Queues each URL; returns the new records' ids in the same order. */
  enqueue(urls: readonly string[], ctx: Context = context.active()): { id: string; url: string }[] {
    const parent = trace.getSpan(ctx)?.spanContext();
    const { instruments } = this.#opts.telemetry;
    return urls.map((url) => {
      const id = randomUUID();
      const record: LinkRecord = { status: { id, url, domain: domainOf(url), status: "pending" }, queuedAt: performance.now(), parent };
      this.#records.set(id, record);
      this.#queue.push(record);
      instruments.linksCreated.record(1, {});
      instruments.linksQueued.record(1, {});
      this.#pump();
      return { id, url };
    });
  }

  get(id: string): LinkStatus | undefined {
    return this.#records.get(id)?.status;
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.#active === 0 && (this.#queue.length === 0 || this.#stopped)) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops starting new work (shutdown); links already in flight finish. */
  stop(): void {
    this.#stopped = true;
    this.#checkIdle();
  }

  #pump(): void {
    while (!this.#stopped && this.#active < this.#opts.concurrency && this.#queue.length > 0) {
      const record = this.#queue.shift() as LinkRecord;
      this.#active++;
      void this.#process(record).finally(() => {
        this.#active--;
        this.#pump();
        this.#checkIdle();
      });
    }
  }

  #checkIdle(): void {
    if (this.#active === 0 && (this.#queue.length === 0 || this.#stopped)) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  async #process(record: LinkRecord): Promise<void> {
    const { tracer } = this.#opts.telemetry;
    const links: Link[] = record.parent ? [{ context: record.parent }] : [];
    const s = record.status;
    record.status = { ...s, status: "processing" };
    await tracer.startActiveSpan(
      SPAN_PROCESS as string,
      { kind: SpanKind.INTERNAL, root: true, links, attributes: { [ATTR_LINK_ID]: s.id, [ATTR_LINK_DOMAIN]: s.domain } },
      async (span) => {
        try {
          const outcome = await this.#fetchAndExtract(s.url);
          if (outcome.ok) this.#finish(record, span, { ...s, status: "completed", ...outcome.metadata }, undefined, "");
          else this.#finish(record, span, { ...s, status: "failed", failureReason: outcome.reason }, outcome.reason, outcome.detail);
        } catch (err) {
          span.recordException(err as Error);
          this.#finish(record, span, { ...s, status: "failed", failureReason: "network" }, "network", (err as Error).message);
        } finally {
          span.end();
        }
      },
    );
  }

  async #fetchAndExtract(
    url: string,
  ): Promise<{ ok: true; metadata: ReturnType<typeof extractMetadata> } | { ok: false; reason: FailureReason; detail: string }> {
    if (!isHttpUrl(url)) return { ok: false, reason: "invalid_url", detail: `not an http(s) URL: ${url}` };
    const { tracer } = this.#opts.telemetry;
    const page = await tracer.startActiveSpan(SPAN_FETCH as string, { kind: SpanKind.INTERNAL }, async (span) => {
      const r = await fetchPage(url, { timeoutMs: this.#opts.fetchTimeoutMs, maxBytes: this.#opts.maxBytes });
      if (r.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, r.status);
      if (!r.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: `${r.reason}: ${r.detail}` });
      span.end();
      return r;
    });
    if (!page.ok) return { ok: false, reason: page.reason, detail: page.detail };
    const metadata = tracer.startActiveSpan(SPAN_EXTRACT as string, { kind: SpanKind.INTERNAL }, (span) => {
      try {
        return extractMetadata(page.html, url);
      } finally {
        span.end();
      }
    });
    return { ok: true, metadata };
  }

  #finish(record: LinkRecord, span: Span, status: LinkStatus, reason: FailureReason | undefined, detail: string): void {
    const { instruments, log } = this.#opts.telemetry;
    record.status = status;
    const durationS = (performance.now() - record.queuedAt) / 1000;
    const outcome = reason === undefined ? "completed" : "failed";
    span.setAttributes({ [ATTR_LINK_STATUS]: outcome, [ATTR_LINK_FAILURE_REASON]: reason ?? "none" });
    if (reason !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: `${reason}: ${detail}` });
    instruments.linksProcessed.record(1, { status: outcome, reason: reason ?? "none" });
    instruments.linkProcessingDuration.record(durationS, { status: outcome });
    instruments.linksQueued.record(-1, {});
    const attrs = {
      link_id: status.id,
      link_domain: status.domain,
      link_status: outcome,
      link_failure_reason: reason ?? "none",
      duration_ms: Math.round(durationS * 1e4) / 10,
      ...(status.title !== undefined ? { link_title: status.title } : {}),
    };
    const body = reason === undefined ? `link processed: ${status.domain}` : `link failed (${reason}): ${status.domain}: ${detail}`;
    log(LOG_EVENTS.linkProcessed, reason === undefined ? "info" : "warn", body, attrs, trace.setSpan(context.active(), span));
    this.#trim();
  }

  #trim(): void {
    if (this.#records.size <= MAX_RECORDS) return;
    for (const [id, r] of this.#records) {
      if (this.#records.size <= MAX_RECORDS) break;
      if (r.status.status === "completed" || r.status.status === "failed") this.#records.delete(id);
    }
  }
}

function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** Host of the URL, or "invalid" when it does not parse (the record still exists and fails). */
function domainOf(url: string): string {
  try {
    return new URL(url).hostname || "invalid";
  } catch {
    return "invalid";
  }
}
