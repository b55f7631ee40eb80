// Span and log processors that redact each finished item and write it to the journal at
// once (write-ahead), instead of holding it in an in-memory batch that a kill would lose.
// Sending is batched separately (otlp-sender.ts). Never throws into the app.
import { diag } from "@opentelemetry/api";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ResourceKind } from "./journal.ts";
import { logsToScopes, type OtlpLogJson, type OtlpScopeJson, type OtlpSpanJson, spansToScopes } from "./otlp-json.ts";
import type { Redactor } from "./redact.ts";
import { shouldExport } from "./sampler.ts";
import type { TelemetrySignal } from "./types.ts";

export interface EntrySink {
  enabled(): boolean;
  append(sig: TelemetrySignal, res: ResourceKind, items: number, scopes: OtlpScopeJson[]): void;
}

export function redactSpanJson(span: OtlpSpanJson, r: Redactor): void {
  r.otlpAttributes(span.attributes);
  for (const e of span.events ?? []) r.otlpAttributes(e.attributes);
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

  constructor(sink: EntrySink, redactor: Redactor) {
    this.#sink = sink;
    this.#redactor = redactor;
  }

  onEmit(record: ReadWriteLogRecord): void {
    if (!this.#sink.enabled()) return;
    try {
      const scopes = logsToScopes([record]);
      for (const s of scopes) for (const l of s.logRecords ?? []) redactLogJson(l, this.#redactor);
      this.#sink.append("logs", "main", 1, scopes);
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
