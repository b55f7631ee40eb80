// Per-request telemetry: names the auto-instrumented server span after the route template
// ("<METHOD> <route>", http.route), records the catalog's RED metrics and writes one access
// log record carrying the request's trace and span ids. Metrics and logs cover every request,
// sampled or not.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SpanStatusCode, context, trace } from "@opentelemetry/api";
import { RPCType, getRPCMetadata } from "@opentelemetry/core";
import { LABELS, LOG_EVENTS } from "../../catalog/index.ts";
import { ATTR_ERROR_TYPE } from "../telemetry/semconv.ts";
import type { ServerTelemetry } from "../telemetry/types.ts";
import type { RouteMatch } from "./router.ts";

const METHODS: ReadonlySet<string> = new Set(LABELS.HTTP_METHOD.values);
const methodLabel = (m: string | undefined) => (m !== undefined && METHODS.has(m) ? m : "_OTHER");

export function observeRequest(req: IncomingMessage, res: ServerResponse, match: RouteMatch, telemetry: ServerTelemetry): void {
  const start = performance.now();
  const ctx = context.active();
  const route = match.kind === "unmatched" ? "unmatched" : match.route;
  if (match.kind !== "unmatched") {
    // instrumentation-http reads the route from here when the response ends: it sets
    // http.route and renames the span to "<METHOD> <route>".
    const rpc = getRPCMetadata(ctx);
    if (rpc?.type === RPCType.HTTP) rpc.route = route;
  }
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    // A response that never completed (client went away) has no status: label value "0".
    const status = res.writableFinished ? res.statusCode : 0;
    const durationS = (performance.now() - start) / 1000;
    const labels = { route, method: methodLabel(req.method), status_code: String(status) };
    telemetry.instruments.httpRequests.record(1, labels);
    telemetry.instruments.httpRequestDuration.record(durationS, { route, status_code: labels.status_code });
    if (match.kind === "matched" && match.key === "POST /api/chatrooms/:id/messages") {
      telemetry.instruments.messagesPosted.record(1, { outcome: status === 201 ? "accepted" : "rejected" });
    }
    const severity = status >= 500 || status === 0 ? "error" : status >= 400 ? "warn" : "info";
    telemetry.log(
      LOG_EVENTS.access,
      severity,
      `${req.method ?? "?"} ${route} ${status}`,
      { http_route: route, http_method: req.method ?? "", http_status: status, duration_ms: Math.round(durationS * 1e5) / 100 },
      ctx,
    );
  };
  res.once("finish", finish);
  res.once("close", finish);
}

/** Marks the request's span failed by an unexpected exception (5xx). */
export function recordRequestException(err: unknown): void {
  const span = trace.getActiveSpan();
  if (span === undefined) return;
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  // instrumentation-http resets the status from the 500 when the response ends (dropping the
  // message), so the exception class also goes into the semconv error.type attribute.
  span.setAttribute(ATTR_ERROR_TYPE, e.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}
