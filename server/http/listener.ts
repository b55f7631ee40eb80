// The node:http request listener: route, run the handler, answer JSON, and turn every
// failure into an ErrorResponse with a status that says whose fault it was.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LOG_EVENTS } from "../../catalog/index.ts";
import type { ServerTelemetry } from "../telemetry/types.ts";
import { ApiError, errorBody } from "./errors.ts";
import { FAULT_DELAY_MS, InjectedFault, requestedFault } from "./fault-injection.ts";
import { HANDLERS } from "./handlers.ts";
import type { ApiDeps } from "./handlers.ts";
import { observeRequest, recordRequestException } from "./request-telemetry.ts";
import { matchRoute } from "./router.ts";

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
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname;
    } catch {
      path = "";
    }
    const match = matchRoute(req.method ?? "", path);
    observeRequest(req, res, match, telemetry);
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
  };
}
