// The node:http request listener: route, start the request's telemetry (its server span:
// request-telemetry.ts), run the handler inside that span, answer JSON, and turn every failure
// into an ErrorResponse with a status that says whose fault it was.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { context } from "@opentelemetry/api";
import { LOG_EVENTS } from "../../catalog/index.ts";
import type { ServerTelemetry } from "../telemetry/types.ts";
import { ApiError, errorBody } from "./errors.ts";
import { FAULT_DELAY_MS, InjectedFault, requestedFault } from "./fault-injection.ts";
import { HANDLERS } from "./handlers.ts";
import type { ApiDeps } from "./handlers.ts";
import { observeRequest, recordRequestException } from "./request-telemetry.ts";
import { matchRoute } from "./router.ts";
import type { RouteMatch } from "./router.ts";

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) return void res.end();
  if (body === undefined) {
    res.writeHead(status, headers);
    return void res.end();
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function createRequestListener(deps: ApiDeps, telemetry: ServerTelemetry) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    let url: URL | undefined;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      url = undefined;
    }
    const path = url?.pathname ?? "";
    const match = matchRoute(req.method ?? "", path);
    const ctx = observeRequest(req, res, { match, path, search: url?.search ?? "" }, telemetry, deps.limits.clients);
    // Handled inside the request's server span, so child spans and log records belong to it.
    if (ctx === undefined) respond(req, res, match, path, deps, telemetry);
    else context.with(ctx, respond, undefined, req, res, match, path, deps, telemetry);
  };
}

/** Answers a routed request: 404 and 405 at once, else its handler's result or an ErrorResponse. */
function respond(req: IncomingMessage, res: ServerResponse, match: RouteMatch, path: string, deps: ApiDeps, telemetry: ServerTelemetry): void {
  if (match.kind === "unmatched") {
    return sendJson(res, 404, errorBody("route_not_found", `no route for ${req.method} ${path}`));
  }
  if (match.kind === "method_not_allowed") {
    return sendJson(res, 405, errorBody("method_not_allowed", `${req.method} is not allowed on ${match.route}; use ${match.allow.join(", ")}`), {
      allow: match.allow.join(", "),
    });
  }
  void (async () => {
    try {
      const fault = requestedFault(req, deps.faultInjection);
      if (fault === "500") throw new InjectedFault(`fault injected by request header on ${match.key}`);
      const result = await HANDLERS[match.key]({ req, params: match.params, deps });
      if (fault === "delay") await new Promise((r) => setTimeout(r, FAULT_DELAY_MS));
      sendJson(res, result.status, result.body);
    } catch (err) {
      if (err instanceof ApiError) return sendJson(res, err.status, errorBody(err.code, err.message), err.headers);
      recordRequestException(err);
      const e = err instanceof Error ? err : new Error(String(err));
      telemetry.log(LOG_EVENTS.error, "error", `${match.key} failed: ${e.message}`, {
        area: "api",
        error_type: e.name,
        error_fingerprint: createHash("sha256").update(`${e.name}:${e.message}:${match.key}`).digest("hex").slice(0, 16),
        fatal: false,
      });
      sendJson(res, 500, errorBody("internal_error", `internal error while handling ${match.key}; see the server logs`));
    }
  })();
}
