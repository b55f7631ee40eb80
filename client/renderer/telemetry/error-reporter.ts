// Seed 000 P11: errors reported with one context shape (area, chatroom, fatal) through
// `telemetry:record-error`. Uncaught errors and unhandled rejections are reported as area
// "renderer". Reporting never throws; a report that fails is dropped and counted.
import { SpanStatusCode, trace } from "@opentelemetry/api";
import type { ERROR_AREA } from "../../../catalog/labels.ts";
import type { AppApi } from "../../preload/app-api.ts";

export type ErrorArea = (typeof ERROR_AREA.values)[number];

export interface ErrorContext {
  readonly area: ErrorArea;
  readonly chatroomId?: string;
  readonly streamerId?: string;
  readonly fatal?: boolean;
}

export class ErrorReporter {
  readonly #api: AppApi;
  readonly #enabled: () => boolean;
  failed = 0;

  constructor(api: AppApi, enabled: () => boolean) {
    this.#api = api;
    this.#enabled = enabled;
  }

  async report(err: unknown, ctx: ErrorContext): Promise<void> {
    const error = err instanceof Error ? err : new Error(typeof err === "string" ? err : JSON.stringify(err));
    // Mark the active span too, so the trace shows where it happened.
    const active = trace.getActiveSpan();
    active?.recordException(error);
    active?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    if (!this.#enabled()) return;
    try {
      await this.#api.telemetry.recordError({
        error: { name: error.name.slice(0, 200), message: error.message.slice(0, 4000), ...(error.stack ? { stack: error.stack.slice(0, 16_000) } : {}) },
        context: {
          area: ctx.area,
          fatal: ctx.fatal ?? false,
          ...(ctx.chatroomId ? { chatroomId: ctx.chatroomId } : {}),
          ...(ctx.streamerId ? { streamerId: ctx.streamerId } : {}),
        },
      });
    } catch {
      this.failed++;
    }
  }

  installGlobalHandlers(target: Window): void {
    target.addEventListener("error", (e) => void this.report(e.error ?? e.message, { area: "renderer", fatal: false }));
    target.addEventListener("unhandledrejection", (e) => void this.report(e.reason, { area: "renderer", fatal: false }));
  }
}
