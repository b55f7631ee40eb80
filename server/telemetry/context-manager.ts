// The context manager the server registers: NodeSDK's AsyncLocalStorage manager, except that
// with nothing active it answers LEAN_ROOT_CONTEXT rather than the API's ROOT_CONTEXT, so the
// contexts code derives from it (WebSocket and link-processing spans) are LeanContexts too
// (lean-context.ts says why). Requests start from LEAN_ROOT_CONTEXT themselves
// (http/request-telemetry.ts).
import { ROOT_CONTEXT } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import { LEAN_ROOT_CONTEXT } from "./lean-context.ts";
import { otel } from "./otel.ts";

export class LeanRootContextManager extends otel.AsyncLocalStorageContextManager {
  override active(): Context {
    const active = super.active();
    return active === ROOT_CONTEXT ? LEAN_ROOT_CONTEXT : active;
  }
}
