// Span and log processors that redact each finished item and write it to the journal at
// once (write-ahead), instead of holding it in an in-memory batch that a kill would lose.
// Sending is batched separately (otlp-sender.ts). Never throws into the app.
import { diag } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { ALL_SPAN_FAMILIES, LOG_TYPE_ATTRIBUTE } from "../../catalog/index.ts";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { type Priority, PRIORITY, type ResourceKind } from "./journal.ts";
import { logsToScopes, type OtlpLogJson, type OtlpScopeJson, type OtlpSpanJson, spansToScopes } from "./otlp-json.ts";
import type { Redactor } from "./redact.ts";
import { shouldExport } from "./sampler.ts";
import type { TelemetrySignal } from "./types.ts";

const ERROR_LOG_TYPE_KEY = LOG_TYPE_ATTRIBUTE;

export interface EntrySink {
  enabled(): boolean;
  /** `priority` orders drops under the journal bound; `key` makes a newer entry supersede an older one. */
  append(sig: TelemetrySignal, res: ResourceKind, items: number, scopes: OtlpScopeJson[], opts?: { priority?: Priority; key?: string }): void;
}

/** Span names the catalog declares: kept as they are; any other name is free text and redacted. */
const CATALOG_SPAN_NAMES: ReadonlySet<string> = new Set(ALL_SPAN_FAMILIES.flatMap((f) => f.names));
/** Event names of the OTel semantic conventions that carry no data. */
const STANDARD_EVENT_NAMES: ReadonlySet<string> = new Set(["exception"]);

export function redactSpanJson(span: OtlpSpanJson, r: Redactor): void {
  if (!CATALOG_SPAN_NAMES.has(span.name)) span.name = r.text(span.name);
  r.otlpAttributes(span.attributes);
  const events = span.events;
  if (events) {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (!STANDARD_EVENT_NAMES.has(e.name)) e.name = r.text(e.name);
      r.otlpAttributes(e.attributes);
    }
  }
  if (span.status?.message) span.status.message = r.text(span.status.message);
}

export function redactLogJson(log: OtlpLogJson, r: Redactor): void {
  r.otlpAttributes(log.attributes);
  if (typeof log.body?.stringValue === "string") log.body.stringValue = r.text(log.body.stringValue);
}

export class JournalingSpanProcessor implements SpanProcessor {
  readonly #sink: EntrySink;
  readonly #redactor: Redactor;
  readonly #slowMs: number;

  constructor(sink: EntrySink, redactor: Redactor, slowMs: number) {
    this.#sink = sink;
    this.#redactor = redactor;
    this.#slowMs = slowMs;
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    if (!this.#sink.enabled() || !shouldExport(span, this.#slowMs)) return;
    try {
      const scopes = spansToScopes([span]);
      for (const s of scopes) for (const sp of s.spans ?? []) redactSpanJson(sp, this.#redactor);
      this.#sink.append("traces", "main", 1, scopes);
    } catch (err) {
      diag.error("telemetry: could not journal span", err);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export class JournalingLogProcessor implements LogRecordProcessor {
  readonly #sink: EntrySink;
  readonly #redactor: Redactor;
  readonly #res: ResourceKind;

  /** `res`: whose resource the records are exported under (the renderer's relayed records: "renderer"). */
  constructor(sink: EntrySink, redactor: Redactor, res: ResourceKind = "main") {
    this.#sink = sink;
    this.#redactor = redactor;
    this.#res = res;
  }

  onEmit(record: ReadWriteLogRecord): void {
    if (!this.#sink.enabled()) return;
    try {
      const scopes = logsToScopes([record]);
      for (const s of scopes) for (const l of s.logRecords ?? []) redactLogJson(l, this.#redactor);
      // Error records are what a long outage must keep above all (issue 11).
      const isError = record.attributes[ERROR_LOG_TYPE_KEY] === "error" || (record.severityNumber ?? 0) >= SeverityNumber.ERROR;
      this.#sink.append("logs", this.#res, 1, scopes, { priority: isError ? PRIORITY.errors : PRIORITY.logs });
    } catch (err) {
      diag.error("telemetry: could not journal log record", err);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
