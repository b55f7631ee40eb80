// The one wrapper for every ipcMain.handle (seed 000 P1). Order of work per call: size check,
// take the renderer's trace carrier off the payload, schema check, then the handler inside an
// `ipc:<channel>` SERVER span that continues the renderer's trace. A rejected payload never
// reaches the handler; the renderer's invoke rejects with an error naming the field.
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
  INVALID_SPAN_CONTEXT,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { ZodType } from "zod";
import { IPC_CHANNELS, type IpcChannel } from "../../catalog/index.ts";
import {
  ATTR_IPC_CHANNEL,
  ATTR_IPC_KIND,
  ATTR_IPC_ORIGIN,
  ATTR_IPC_PAYLOAD_SIZE,
  ATTR_IPC_REJECTED,
  IPC_OTEL_KEY,
} from "./semconv.ts";
import type { Breadcrumb, ClientInstruments, ErrorContext, IpcHandleOptions, IpcHandler, IpcMainLike } from "./types.ts";

/** Thrown back to the renderer for a payload that failed validation. */
export class IpcPayloadError extends Error {
  override name = "IpcPayloadError";
}

export interface IpcWrapperOptions {
  tracer: Tracer;
  instruments: ClientInstruments;
  isEnabled: () => boolean;
  maxPayloadBytes: number;
  addBreadcrumb: (b: Breadcrumb) => void;
  captureError: (err: unknown, ctx: ErrorContext) => void;
}

const KNOWN: ReadonlySet<string> = new Set(IPC_CHANNELS);
const propagator = new W3CTraceContextPropagator();
const NOOP_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

type Checked<P> = { ok: true; payload: P; carrier: Record<string, string> | null; size: number } | { ok: false; problem: string; size: number };

/**
 * A LOWER bound of a payload's size as JSON, in bytes, counted by walking it and stopping as
 * soon as it passes `limit`: a 64 MB string is rejected after one length read instead of
 * being serialised first (390 ms of blocked main before, issue 11). Only a payload under the
 * bound is serialised, for its exact size. Infinity for what JSON cannot hold (cycles,
 * BigInt, nesting deeper than 64).
 */
export function jsonSizeLowerBound(value: unknown, limit: number): number {
  let size = 0;
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): boolean => {
    if (size > limit) return false;
    switch (typeof v) {
      case "string":
        size += v.length + 2; // each UTF-16 unit is at least one byte of UTF-8
        return true;
      case "number":
      case "boolean":
        size += 1;
        return true;
      case "undefined":
      case "function":
      case "symbol":
        return true;
      case "bigint":
        size = Infinity;
        return false;
    }
    if (v === null) {
      size += 4;
      return true;
    }
    if (depth > 64 || seen.has(v as object)) {
      size = Infinity;
      return false;
    }
    seen.add(v as object);
    if (ArrayBuffer.isView(v)) size += v.byteLength;
    else if (Array.isArray(v)) {
      size += 2;
      for (const item of v) if (!walk(item, depth + 1)) return false;
    } else {
      size += 2;
      for (const key in v as Record<string, unknown>) {
        size += key.length + 3;
        if (!walk((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
    }
    seen.delete(v as object);
    return size <= limit;
  };
  walk(value, 0);
  return size;
}

/** Size, carrier and schema checks. Never throws. */
export function checkPayload<P>(channel: string, raw: unknown, schema: ZodType<P>, maxBytes: number): Checked<P> {
  const bound = raw === undefined ? 0 : jsonSizeLowerBound(raw, maxBytes);
  if (bound === Infinity) return { ok: false, problem: `ipc "${channel}": payload is not JSON-serializable (cycle, BigInt or nested deeper than 64)`, size: 0 };
  if (bound > maxBytes) return { ok: false, problem: `ipc "${channel}": payload is over ${maxBytes} bytes, the limit (not serialised)`, size: bound };
  let size: number;
  try {
    size = raw === undefined ? 0 : Buffer.byteLength(JSON.stringify(raw) ?? "");
  } catch (err) {
    return { ok: false, problem: `ipc "${channel}": payload is not JSON-serializable (${err instanceof Error ? err.message : String(err)})`, size: 0 };
  }
  if (size > maxBytes) return { ok: false, problem: `ipc "${channel}": payload is ${size} bytes, over the limit of ${maxBytes}`, size };
  let body: unknown = raw === undefined ? {} : raw;
  let carrier: Record<string, string> | null = null;
  if (body !== null && typeof body === "object" && !Array.isArray(body) && IPC_OTEL_KEY in body) {
    const { [IPC_OTEL_KEY]: otel, ...rest } = body as Record<string, unknown>;
    body = rest;
    if (otel !== null && typeof otel === "object") {
      carrier = {};
      for (const [k, v] of Object.entries(otel)) if (typeof v === "string" && v.length <= 512) carrier[k] = v;
    }
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `payload.${issue.path.join(".")}` : "payload";
    return { ok: false, problem: `ipc "${channel}": ${where}: ${issue?.message ?? "invalid"}`, size };
  }
  return { ok: true, payload: parsed.data, carrier, size };
}

export class IpcWrapper {
  readonly #o: IpcWrapperOptions;
  readonly #registered: IpcChannel[] = [];

  constructor(o: IpcWrapperOptions) {
    this.#o = o;
  }

  registeredChannels(): readonly IpcChannel[] {
    return this.#registered;
  }

  handle<C extends IpcChannel, P>(ipcMain: IpcMainLike, channel: C, schema: ZodType<P>, handler: IpcHandler<P>, options: IpcHandleOptions = {}): void {
    // A programming error, caught by the "100 % migrated" test long before users see it.
    if (!KNOWN.has(channel)) throw new Error(`telemetry.handleIpc: "${channel}" is not in catalog IPC_CHANNELS`);
    if (this.#registered.includes(channel)) throw new Error(`telemetry.handleIpc: "${channel}" is already registered`);
    this.#registered.push(channel);
    ipcMain.handle(channel, (event, raw) => {
      // Checklist item 17: the sender is checked before the payload is even looked at.
      const problem = options.checkSender?.(event) ?? null;
      if (problem !== null) {
        if (this.#o.isEnabled()) this.#o.instruments.ipcRejected.record(1, { channel });
        return Promise.reject(new IpcPayloadError(`ipc "${channel}": ${problem}`));
      }
      return this.#invoke(channel, schema, handler, raw);
    });
  }

  async #invoke<P>(channel: IpcChannel, schema: ZodType<P>, handler: IpcHandler<P>, raw: unknown): Promise<unknown> {
    const o = this.#o;
    const checked = checkPayload(channel, raw, schema, o.maxPayloadBytes);
    if (!o.isEnabled()) {
      // Off: validation still protects main, but no span, no metric, no breadcrumb.
      if (!checked.ok) throw new IpcPayloadError(checked.problem);
      return handler(checked.payload, NOOP_SPAN);
    }
    const t0 = performance.now();
    const parent = checked.ok && checked.carrier ? propagator.extract(ROOT_CONTEXT, checked.carrier, defaultTextMapGetter) : ROOT_CONTEXT;
    const span = o.tracer.startSpan(
      `ipc:${channel}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_IPC_CHANNEL]: channel,
          [ATTR_IPC_KIND]: "invoke",
          [ATTR_IPC_ORIGIN]: "renderer",
          [ATTR_IPC_PAYLOAD_SIZE]: checked.size,
          [ATTR_IPC_REJECTED]: !checked.ok,
        },
      },
      parent,
    );
    o.addBreadcrumb({ category: "ipc", message: channel, level: checked.ok ? "info" : "warning" });
    if (!checked.ok) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: checked.problem });
      span.end();
      this.#count(channel, "rejected", t0);
      o.instruments.ipcRejected.record(1, { channel });
      throw new IpcPayloadError(checked.problem);
    }
    try {
      const result = await context.with(trace.setSpan(parent, span), () => handler(checked.payload, span));
      span.setStatus({ code: SpanStatusCode.OK });
      this.#count(channel, "ok", t0);
      return result;
    } catch (err) {
      recordFailure(span, err);
      this.#count(channel, "error", t0);
      o.captureError(err, { area: "ipc", severity: "error" });
      throw err;
    } finally {
      span.end();
    }
  }

  #count(channel: IpcChannel, outcome: "ok" | "error" | "rejected", t0: number): void {
    this.#o.instruments.ipcCalls.record(1, { channel, outcome });
    this.#o.instruments.ipcDuration.record((performance.now() - t0) / 1000, { channel });
  }
}

function recordFailure(span: Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}
