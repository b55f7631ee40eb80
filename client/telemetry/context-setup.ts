// Async context propagation for the process: without a context manager, context.with() is a
// no-op and spans that IPC handlers start would not be children of the ipc span.
import { context, propagation } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

let installed = false;

/** Installs AsyncLocalStorage context and W3C propagation globally, once per process. */
export function ensureContextManager(): void {
  if (installed) return;
  installed = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}
