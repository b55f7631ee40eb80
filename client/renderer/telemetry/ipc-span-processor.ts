// A batching span processor whose "exporter" is an IPC call to main: the renderer makes no
// network requests of its own (seed 000: renderer spans are relayed to main). Spans are
// sent when a batch is full, after a short delay, or when the page is hidden or unloads.
// The buffer is bounded; what it has to drop is counted (main can read it in status).
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { RendererSpan } from "../../telemetry/types.ts";
import { toRendererSpan } from "./span-wire.ts";

export interface IpcSpanProcessorOptions {
  readonly send: (spans: RendererSpan[]) => Promise<unknown>;
  /** Whether an ended span is sent (sampled, or unsampled but an error or slow); default all. */
  readonly keep?: (span: ReadableSpan) => boolean;
  /** Most spans per IPC call; main's schema accepts at most MAX_SPANS_PER_BATCH (256). */
  readonly maxBatch?: number;
  /** Spans kept while waiting; past it new spans are dropped and counted. */
  readonly maxQueue?: number;
  /** Delay before a partial batch is sent, in ms. */
  readonly delayMs?: number;
}

export class IpcSpanProcessor implements SpanProcessor {
  readonly #send: IpcSpanProcessorOptions["send"];
  readonly #keep: NonNullable<IpcSpanProcessorOptions["keep"]>;
  readonly #maxBatch: number;
  readonly #maxQueue: number;
  readonly #delayMs: number;
  #queue: RendererSpan[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  dropped = 0;
  sendFailures = 0;

  constructor(options: IpcSpanProcessorOptions) {
    this.#send = options.send;
    this.#keep = options.keep ?? (() => true);
    this.#maxBatch = options.maxBatch ?? 128;
    this.#maxQueue = options.maxQueue ?? 2048;
    this.#delayMs = options.delayMs ?? 1000;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (!this.#keep(span)) return;
    if (this.#queue.length >= this.#maxQueue) {
      this.dropped++;
      return;
    }
    this.#queue.push(toRendererSpan(span));
    if (this.#queue.length >= this.#maxBatch) void this.forceFlush();
    else this.#timer ??= setTimeout(() => void this.forceFlush(), this.#delayMs);
  }

  /** Sends everything queued, one batch after another. Never rejects. */
  forceFlush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batches: RendererSpan[][] = [];
    while (this.#queue.length > 0) batches.push(this.#queue.splice(0, this.#maxBatch));
    this.#inFlight = this.#inFlight.then(async () => {
      for (const batch of batches) {
        try {
          await this.#send(batch);
        } catch {
          this.sendFailures++; // main rejected or is gone; telemetry never breaks the page
          this.dropped += batch.length;
        }
      }
    });
    return this.#inFlight;
  }

  /** Drops what is queued without sending (telemetry switched off). */
  clear(): void {
    this.#queue = [];
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}
