// Link processing (seed 004): every URL in a posted message becomes a link record that a
// bounded pool of workers fetches and extracts metadata from. Each link gets a `link:process`
// trace of its own (linked to the request that posted it, since it outlives that request),
// its metrics, and one `link_processed` log record carrying the domain — domains go to logs
// and span attributes, never to a metric label.
//
// Work is bounded: a message contributes at most maxPerMessage links, a user at most
// maxPendingPerUser waiting or in flight, everyone together at most maxPending; links past a
// bound are shed (not queued, not in the message's links) and counted as failed/"shed".
// Workers serve users in turn (fair-queue.ts), so one user's flood does not delay others.
import { createHash, randomUUID } from "node:crypto";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import type { Context, Link, Span, SpanContext } from "@opentelemetry/api";
import { LOG_EVENTS, SPAN_FAMILIES } from "../../catalog/index.ts";
import type { LinkStatus } from "../../protocol/index.ts";
import { ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_LINK_DOMAIN, ATTR_LINK_FAILURE_REASON, ATTR_LINK_ID, ATTR_LINK_STATUS } from "../telemetry/semconv.ts";
import type { LinkConfig } from "../config.ts";
import type { ServerTelemetry } from "../telemetry/types.ts";
import { addressPolicy } from "./address-policy.ts";
import { extractMetadata } from "./extract-metadata.ts";
import { FairQueue } from "./fair-queue.ts";
import { fetchPage } from "./fetch-page.ts";
import type { LinkStore } from "./link-store.ts";
import { resolveWithDns } from "./link-target.ts";
import type { ResolveHost, TargetPolicy } from "./link-target.ts";

type FailureReason = NonNullable<LinkStatus["failureReason"]>;
/**
 * The LINK_FAILURE_REASON metric label of a link shed by a bound. Not a LinkStatus reason:
 * a shed link gets no record. (Needs "shed" and "blocked" in catalog/labels.ts's enum.)
 */
const SHED = "shed";
const [SPAN_PROCESS, SPAN_FETCH, SPAN_EXTRACT] = SPAN_FAMILIES.link.names;

/** The server's link settings (server/config.ts), plus what the processor is wired to. */
export interface LinkProcessorOptions extends LinkConfig {
  readonly telemetry: ServerTelemetry;
  /** Where statuses are kept (and read back by `get`). */
  readonly store: LinkStore;
  /** DNS for link hosts; tests give a fixed table. */
  readonly resolve?: ResolveHost;
}

/** Who posted a message's links, and where: the owner for fairness, the room for reading. */
export interface LinkOrigin {
  readonly userId: string;
  readonly chatroomId: string;
}

interface LinkRecord {
  status: LinkStatus;
  readonly chatroomId: string;
  readonly queuedAt: number;
  readonly parent: SpanContext | undefined;
}

export class LinkProcessor {
  readonly #opts: LinkProcessorOptions;
  readonly #policy: TargetPolicy;
  readonly #queue: FairQueue<LinkRecord>;
  #active = 0;
  #stopped = false;
  #idleWaiters: (() => void)[] = [];

  constructor(opts: LinkProcessorOptions) {
    this.#opts = opts;
    this.#queue = new FairQueue({ perOwner: opts.maxPendingPerUser, total: opts.maxPending });
    this.#policy = {
      addresses: addressPolicy({ allowLoopback: opts.allowLoopback }),
      allowedPorts: opts.allowedPorts,
      allowLoopback: opts.allowLoopback,
      resolve: opts.resolve ?? resolveWithDns,
    };
  }

  /**
   * Queues the URLs of one message, as far as the bounds allow; returns the queued ones'
   * ids in order. The rest are shed: counted, and left as plain text in the message.
   */
  enqueue(urls: readonly string[], origin: LinkOrigin, ctx: Context = context.active()): { id: string; url: string }[] {
    const parent = trace.getSpan(ctx)?.spanContext();
    const { instruments } = this.#opts.telemetry;
    const queued: { id: string; url: string }[] = [];
    let shed = 0;
    for (const [i, url] of urls.entries()) {
      if (i >= this.#opts.maxPerMessage) {
        shed++;
        continue;
      }
      if (this.#queue.refusal(origin.userId) !== undefined) {
        shed++;
        continue;
      }
      const id = randomUUID();
      const record: LinkRecord = { status: { id, url, domain: domainOf(url), status: "pending" }, chatroomId: origin.chatroomId, queuedAt: performance.now(), parent };
      // Stored before queued: a link a worker picks up always has its row.
      this.#opts.store.insert(record.status, origin.chatroomId);
      this.#queue.push(origin.userId, record);
      instruments.linksCreated.record(1, {});
      instruments.linksQueued.record(1, {});
      queued.push({ id, url });
    }
    if (shed > 0) {
      // Found and finished at once, so created and processed still add up on the dashboard.
      // No log record per shed link: a flood would become a log flood.
      instruments.linksCreated.record(shed, {});
      instruments.linksProcessed.record(shed, { status: "failed", reason: SHED });
    }
    this.#pump();
    return queued;
  }

  /** A link's status, with the chatroom whose message carried it (for access checks). */
  get(id: string): { readonly status: LinkStatus; readonly chatroomId: string } | undefined {
    return this.#opts.store.get(id);
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops starting new work (shutdown); links already in flight finish. */
  stop(): void {
    this.#stopped = true;
    this.#checkIdle();
  }

  #isIdle(): boolean {
    return this.#active === 0 && (this.#queue.queued === 0 || this.#stopped);
  }

  #pump(): void {
    while (!this.#stopped && this.#active < this.#opts.concurrency) {
      const next = this.#queue.take();
      if (next === undefined) break;
      this.#active++;
      void this.#process(next.item)
        .catch((err: unknown) => this.#logFailure(err))
        .finally(() => {
          this.#active--;
          this.#queue.done(next.owner);
          this.#pump();
          this.#checkIdle();
        });
    }
  }

  /** A failure outside a link's own handling (its status could not be stored): logged, not thrown. */
  #logFailure(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.#opts.telemetry.log(LOG_EVENTS.error, "error", `link processing failed: ${e.message}`, {
      area: "links",
      error_type: e.name,
      error_fingerprint: createHash("sha256").update(`${e.name}:${e.message}:links`).digest("hex").slice(0, 16),
      fatal: false,
    });
  }

  #checkIdle(): void {
    if (this.#isIdle()) {
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
    this.#opts.store.update(record.status);
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
      const { fetchTimeoutMs: timeoutMs, maxBytes, maxRedirects } = this.#opts;
      const r = await fetchPage(url, { timeoutMs, maxBytes, maxRedirects, policy: this.#policy });
      if (r.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, r.status);
      if (!r.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: `${r.reason}: ${r.detail}` });
      span.end();
      return r;
    });
    if (!page.ok) return { ok: false, reason: page.reason, detail: page.detail };
    const metadata = tracer.startActiveSpan(SPAN_EXTRACT as string, { kind: SpanKind.INTERNAL }, (span) => {
      try {
        // Relative icon links resolve against the page actually read, after redirects.
        return extractMetadata(page.html, page.url);
      } finally {
        span.end();
      }
    });
    return { ok: true, metadata };
  }

  #finish(record: LinkRecord, span: Span, status: LinkStatus, reason: FailureReason | undefined, detail: string): void {
    const { instruments, log } = this.#opts.telemetry;
    record.status = status;
    this.#opts.store.update(status);
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
