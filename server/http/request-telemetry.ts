// Per-request telemetry: the server span ("<METHOD> <route>", http.route), the catalog's RED
// metrics and one access log record carrying the request's trace and span ids. Metrics and logs
// cover every request, sampled or not.
//
// The server span is the server's own, started by its one request listener, rather than
// @opentelemetry/instrumentation-http's: measured, that instrumentation allocated ~6 KB per
// request (old and new semconv attributes, emitters bound to the context, header parsing) and
// its modules held ~0.8 MB of heap from start-up, against seed 002's < 10 MB for all telemetry.
// This span has the stable HTTP server semconv attributes the dashboards and tests use, and no
// more. WebSocket upgrades do not reach the listener and get no HTTP span, as before.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { SpanKind, SpanStatusCode, propagation, trace } from "@opentelemetry/api";
import type { Attributes, Context, Span, SpanStatus, Tracer } from "@opentelemetry/api";
import { LABELS, LOG_EVENTS } from "../../catalog/index.ts";
import type { ClientAddresses } from "../limits/client-address.ts";
import { LEAN_ROOT_CONTEXT } from "../telemetry/lean-context.ts";
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  HTTP_KNOWN_METHODS,
} from "../telemetry/semconv.ts";
import type { ServerTelemetry } from "../telemetry/types.ts";
import type { RouteMatch } from "./router.ts";

const METHODS: ReadonlySet<string> = new Set(LABELS.HTTP_METHOD.values);
const methodLabel = (m: string | undefined) => (m !== undefined && METHODS.has(m) ? m : "_OTHER");

const SERVER_ERROR: SpanStatus = Object.freeze({ code: SpanStatusCode.ERROR });
const ABORTED: SpanStatus = Object.freeze({ code: SpanStatusCode.ERROR, message: "the connection closed before the response completed" });
/** error.type of a response that never completed: semconv asks for a low-cardinality id of our own. */
const ABORTED_ERROR_TYPE = "aborted";

/** Server spans an exception already marked failed: their 5xx must not replace its error.type and message. */
const failedByException = new WeakSet<Span>();

/** What the listener made of the request line: the route matched, the path and the query ("?…" or ""). */
export interface RequestTarget {
  readonly match: RouteMatch;
  readonly path: string;
  readonly search: string;
}

/**
 * Starts the request's server span (when telemetry is on) and records the rest when the response
 * ends. Returns the context to handle the request in: the span, under the trace context the
 * caller sent; undefined when telemetry is off.
 */
export function observeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: RequestTarget,
  telemetry: ServerTelemetry,
  clients: ClientAddresses,
): Context | undefined {
  const start = performance.now();
  const { match } = target;
  const route = match.kind === "unmatched" ? "unmatched" : match.route;
  const ctx = telemetry.enabled ? startServerSpan(req, target, telemetry.tracer, clients) : undefined;
  const span = ctx === undefined ? undefined : trace.getSpan(ctx);
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
    if (span !== undefined) endServerSpan(span, status);
  };
  res.once("finish", finish);
  res.once("close", finish);
  return ctx;
}

/** The context the request is handled in: its server span, under the trace context the caller sent. */
function startServerSpan(req: IncomingMessage, target: RequestTarget, tracer: Tracer, clients: ClientAddresses): Context {
  // Onto the lean root, not the API's ROOT_CONTEXT (lean-context.ts says why).
  const parent = propagation.extract(LEAN_ROOT_CONTEXT, req.headers);
  const method = req.method !== undefined && HTTP_KNOWN_METHODS.has(req.method) ? req.method : "_OTHER";
  // semconv: "{method} {http.route}", with "HTTP" for a method it does not know.
  const name = method === "_OTHER" ? "HTTP" : method;
  const attributes = startAttributes(req, method, target, clients);
  const span = tracer.startSpan(target.match.kind === "unmatched" ? name : `${name} ${target.match.route}`, { kind: SpanKind.SERVER, attributes }, parent);
  return trace.setSpan(parent, span);
}

/** Stable HTTP server semconv attributes, given at start because the sampler reads url.path. */
function startAttributes(req: IncomingMessage, method: string, target: RequestTarget, clients: ClientAddresses): Attributes {
  const socket = req.socket;
  const tls = (socket as Partial<TLSSocket>).encrypted === true;
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_SCHEME]: tls ? "https" : "http",
    [ATTR_URL_PATH]: target.path,
    [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
  };
  if (method === "_OTHER" && req.method !== undefined) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = req.method;
  if (target.search !== "") attributes[ATTR_URL_QUERY] = target.search.slice(1);
  if (target.match.kind !== "unmatched") attributes[ATTR_HTTP_ROUTE] = target.match.route;
  setServerAddress(attributes, req.headers.host, socket, tls);
  // The trusted-proxy rule of the rate limits: X-Forwarded-For from anyone else is ignored.
  const client = clients.address(req);
  if (client !== undefined) attributes[ATTR_CLIENT_ADDRESS] = client;
  if (socket.remoteAddress !== undefined) attributes[ATTR_NETWORK_PEER_ADDRESS] = socket.remoteAddress;
  if (socket.remotePort !== undefined) attributes[ATTR_NETWORK_PEER_PORT] = socket.remotePort;
  const userAgent = req.headers["user-agent"];
  if (userAgent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
  return attributes;
}

/** server.address and server.port from the Host header ("name", "name:port", "[v6]:port"), else the local socket. */
function setServerAddress(attributes: Attributes, host: string | undefined, socket: Socket, tls: boolean): void {
  if (host) {
    const v6End = host.lastIndexOf("]");
    const colon = host.indexOf(":", v6End + 1);
    const name = colon < 0 ? host : host.slice(0, colon);
    if (name !== "") {
      attributes[ATTR_SERVER_ADDRESS] = name.startsWith("[") && v6End === name.length - 1 ? name.slice(1, -1) : name;
      const port = colon < 0 ? (tls ? 443 : 80) : Number(host.slice(colon + 1));
      if (Number.isInteger(port) && port > 0 && port < 65536) attributes[ATTR_SERVER_PORT] = port;
      return;
    }
  }
  if (socket.localAddress !== undefined) attributes[ATTR_SERVER_ADDRESS] = socket.localAddress;
  if (socket.localPort !== undefined) attributes[ATTR_SERVER_PORT] = socket.localPort;
}

/**
 * Ends the server span with its response: the status code, and for a 5xx or a response that
 * never completed (status 0) an error status and error.type (semconv: the status code as a
 * string), unless an exception set them first.
 */
function endServerSpan(span: Span, status: number): void {
  if (status !== 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if ((status === 0 || status >= 500) && !failedByException.has(span)) {
    span.setAttribute(ATTR_ERROR_TYPE, status === 0 ? ABORTED_ERROR_TYPE : String(status));
    span.setStatus(status === 0 ? ABORTED : SERVER_ERROR);
  }
  span.end();
}

/** Marks the request's span failed by an unexpected exception (the response will be a 5xx). */
export function recordRequestException(err: unknown): void {
  const span = trace.getActiveSpan();
  if (span === undefined) return;
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  span.setAttribute(ATTR_ERROR_TYPE, e.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
  failedByException.add(span);
}
