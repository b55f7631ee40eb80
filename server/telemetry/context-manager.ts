// The context manager the server registers: AsyncLocalStorage, as NodeSDK's, except that it
// does not bind EventEmitters. instrumentation-http binds every request and response to the
// request's context (context.bind(ctx, emitter)), and the async-hooks manager does that by
// replacing nine listener methods on each emitter with closures and keeping a map per event:
// measured, ~8 KB of allocation per request, a third of what telemetry added per request.
// AsyncLocalStorage already carries the context through every callback and promise the
// handlers create; the server's code never reads the active context from a req/res listener
// (request-telemetry.ts captures it when the request starts and passes it explicitly), so the
// binding buys nothing here. Functions are still bound as the API specifies.
// With nothing active it answers LEAN_ROOT_CONTEXT rather than the API's ROOT_CONTEXT, so the
// contexts code derives from it are LeanContexts too (lean-context.ts says why).
import { ROOT_CONTEXT } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { EventEmitter } from "node:events";
import { LEAN_ROOT_CONTEXT } from "./lean-context.ts";

export class UnboundEmitterContextManager extends AsyncLocalStorageContextManager {
  override active(): Context {
    const active = super.active();
    return active === ROOT_CONTEXT ? LEAN_ROOT_CONTEXT : active;
  }

  override bind<T>(context: Context, target: T): T {
    if (target instanceof EventEmitter) return target;
    return super.bind(context, target);
  }
}
