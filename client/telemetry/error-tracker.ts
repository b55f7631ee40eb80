// Error tracking (seed 003, Sentry-style): fingerprints group occurrences of one error,
// repeats within a window are counted instead of re-sent, the last N breadcrumbs travel
// with each report, and everything is redacted before it leaves.
import { createHash } from "node:crypto";
import type { Redactor } from "./redact.ts";
import type { Breadcrumb, ErrorContext, ErrorSeverity } from "./types.ts";

export interface CapturedError {
  fingerprint: string;
  type: string;
  message: string;
  stack: string;
  area: string;
  severity: ErrorSeverity;
  fatal: boolean;
  chatroomId?: string;
  streamerId?: string;
  breadcrumbs: string;
  occurrences: number;
}

export interface ErrorTrackerOptions {
  maxBreadcrumbs: number;
  dedupWindowMs: number;
  now: () => number;
  redactor: Redactor;
}

const MAX_FINGERPRINTS = 500;

/** Name, message and stack of anything thrown (Error, {name,message,stack} from the renderer, string, ...). */
export function describeError(err: unknown): { type: string; message: string; stack: string } {
  if (err instanceof Error) return { type: err.name || "Error", message: err.message, stack: err.stack ?? "" };
  if (err && typeof err === "object") {
    const o = err as Record<string, unknown>;
    return {
      type: typeof o.name === "string" && o.name ? o.name : "Error",
      message: typeof o.message === "string" ? o.message : safeJson(err),
      stack: typeof o.stack === "string" ? o.stack : "",
    };
  }
  return { type: "Error", message: String(err), stack: "" };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Message with the varying parts (numbers, ids, quoted values) replaced, so occurrences group. */
export function normalizeMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/(["'`]).*?\1/g, "<str>")
    .replace(/\b0x[0-9a-f]+\b/gi, "<hex>")
    .replace(/\d+/g, "<n>")
    .slice(0, 300);
}

/** Top stack frames without line/column numbers (those shift between builds). */
function topFrames(stack: string, n: number): string[] {
  return stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .slice(0, n)
    .map((l) => l.trim().replace(/:\d+:\d+\)?$/, "").replace(/^at\s+/, "").replace(/\(.*[/\\]/, "("));
}

export function fingerprintOf(type: string, message: string, stack: string): string {
  const parts = [type, normalizeMessage(message), ...topFrames(stack, 3)];
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 16);
}

export class ErrorTracker {
  readonly #o: ErrorTrackerOptions;
  readonly #crumbs: Breadcrumb[] = [];
  readonly #seen = new Map<string, { lastEmit: number; suppressed: number }>();

  constructor(o: ErrorTrackerOptions) {
    this.#o = o;
  }

  addBreadcrumb(b: Breadcrumb): void {
    const r = this.#o.redactor;
    this.#crumbs.push({
      category: b.category,
      message: r.text(b.message).slice(0, 200),
      level: b.level ?? "info",
      ...(b.data ? { data: r.attributes(b.data) } : {}),
      timestamp: b.timestamp ?? this.#o.now(),
    });
    if (this.#crumbs.length > this.#o.maxBreadcrumbs) this.#crumbs.splice(0, this.#crumbs.length - this.#o.maxBreadcrumbs);
  }

  breadcrumbs(): readonly Breadcrumb[] {
    return this.#crumbs;
  }

  /** A report to send, or null when this fingerprint was already reported within the window. */
  capture(err: unknown, ctx: ErrorContext): CapturedError | null {
    const { type, message, stack } = describeError(err);
    const fingerprint = fingerprintOf(type, message, stack);
    const fatal = ctx.fatal === true || ctx.severity === "fatal";
    const severity: ErrorSeverity = fatal ? "fatal" : (ctx.severity ?? "error");
    const now = this.#o.now();
    const seen = this.#seen.get(fingerprint);
    if (seen && !fatal && now - seen.lastEmit < this.#o.dedupWindowMs) {
      seen.suppressed++;
      return null;
    }
    const occurrences = 1 + (seen?.suppressed ?? 0);
    this.#seen.delete(fingerprint); // re-insert: the map stays ordered by last emit, oldest evicted
    this.#seen.set(fingerprint, { lastEmit: now, suppressed: 0 });
    if (this.#seen.size > MAX_FINGERPRINTS) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    const r = this.#o.redactor;
    return {
      fingerprint,
      type: r.text(type).slice(0, 100),
      message: r.text(message),
      stack: r.text(stack.slice(0, 8000)),
      area: ctx.area,
      severity,
      fatal,
      ...(ctx.chatroomId !== undefined ? { chatroomId: r.text(ctx.chatroomId) } : {}),
      ...(ctx.streamerId !== undefined ? { streamerId: r.text(ctx.streamerId) } : {}),
      breadcrumbs: JSON.stringify(this.#crumbs),
      occurrences,
    };
  }
}
