// An OpenTelemetry Context without per-instance closures, and the root every context of a request
// derives from: the request listener extracts the caller's trace context onto LEAN_ROOT_CONTEXT
// (http/request-telemetry.ts), and the context manager answers it when nothing is active
// (context-manager.ts).
//
// Why: the API's own Context (BaseContext, @opentelemetry/api 1.9) gives every instance its own
// getValue/setValue/deleteValue closures, assigned as properties in the constructor. On Node 24
// (V8 13.6) an object that gets a capturing closure assigned as a new property outlives the
// young-generation collections (scavenges) that should free it, and is promoted to old space,
// until the next full GC: in a micro-benchmark, V8's --no-script-context-mutable-heap-number
// makes that go away, which points at V8, not at anything holding the objects (a heap snapshot,
// taken after a full GC, finds none of them). Every context holds the request's span, and the
// span its attributes, so each request's telemetry was promoted. bench/server-overhead.ts, 45 s:
// 2.1 KB per request survived a scavenge with telemetry on against 0.4 KB off, and V8 grew its
// young generation to 64 MB (+38 MB resident); with these contexts 0.66 KB, and 32 MB.
import type { Context } from "@opentelemetry/api";

/**
 * Immutable, like the API's: setValue and deleteValue return a new context. Entries are a flat
 * [key, value, key, value, ...] array copied on write: a context holds a handful of keys (the
 * span, baggage, the suppress-tracing flag), so a linear scan is as fast as a Map and allocates
 * less.
 */
export class LeanContext implements Context {
  readonly #entries: readonly unknown[];

  constructor(entries: readonly unknown[] = []) {
    this.#entries = entries;
  }

  getValue(key: symbol): unknown {
    const e = this.#entries;
    for (let i = 0; i < e.length; i += 2) if (e[i] === key) return e[i + 1];
    return undefined;
  }

  setValue(key: symbol, value: unknown): Context {
    const e = this.#entries;
    for (let i = 0; i < e.length; i += 2) {
      if (e[i] === key) {
        const copy = e.slice();
        copy[i + 1] = value;
        return new LeanContext(copy);
      }
    }
    return new LeanContext([...e, key, value]);
  }

  deleteValue(key: symbol): Context {
    const e = this.#entries;
    for (let i = 0; i < e.length; i += 2) if (e[i] === key) return new LeanContext([...e.slice(0, i), ...e.slice(i + 2)]);
    return this;
  }
}

/** The empty context every request's contexts derive from, in place of the API's ROOT_CONTEXT. */
export const LEAN_ROOT_CONTEXT: Context = new LeanContext();
