// The context manager the server registers: AsyncLocalStorage, as NodeSDK's, except that it
// does not bind EventEmitters. instrumentation-http binds every request and response to the
// request's context (context.bind(ctx, emitter)), and the async-hooks manager does that by
// replacing nine listener methods on each emitter with closures and keeping a map per event:
// measured, ~8 KB of allocation per request, a third of what telemetry added per request.
// AsyncLocalStorage already carries the context through every callback and promise the
// handlers create; the server's code never reads the active context from a req/res listener
// (request-telemetry.ts captures it when the request starts and passes it explicitly), so the
// binding buys nothing here. Functions are still bound as the API specifies.
import type { Context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { EventEmitter } from "node:events";

export class UnboundEmitterContextManager extends AsyncLocalStorageContextManager {
  override bind<T>(context: Context, target: T): T {
    if (target instanceof EventEmitter) return target;
    return super.bind(context, target);
  }
}
