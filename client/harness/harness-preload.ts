// The harness's stand-in for client/preload/preload.ts: the same createAppApi(), with
// invoke forwarded to the Node process through the binding the harness exposes
// (page.exposeBinding), i.e. across the real browser ↔ Node process boundary.
import { createAppApi } from "../preload/app-api.ts";
import { HARNESS_BINDING } from "./binding-name.ts";

declare global {
  interface Window {
    [HARNESS_BINDING]?: (channel: string, payload: unknown, encoding?: "json") => Promise<unknown>;
  }
}

/**
 * The payload as a JSON string when JSON carries it unchanged, else undefined. Playwright
 * serialises a binding's arguments as a tree of typed nodes and validates that tree twice in
 * Node: ~20 KB allocated in main per chat message under bench/client-flood-overhead.ts with
 * telemetry on, which Electron's structured clone does not cost. What JSON would change
 * (undefined, NaN, ±Infinity, -0, BigInt, Date and other class instances, toJSON, holes,
 * cycles) still goes as a tree, so main sees what Electron's IPC would hand it.
 */
function losslessJson(payload: unknown): string | undefined {
  let lossless = true;
  let json: string | undefined;
  try {
    json = JSON.stringify(payload, function (this: Record<string, unknown>, key: string, value: unknown) {
      const o = this[key];
      if (o === undefined || typeof o === "function" || typeof o === "symbol") lossless = false;
      else if (typeof o === "number" && (!Number.isFinite(o) || Object.is(o, -0))) lossless = false;
      else if (o !== null && typeof o === "object" && !Array.isArray(o)) {
        const proto: unknown = Object.getPrototypeOf(o);
        if ((proto !== Object.prototype && proto !== null) || typeof (o as { toJSON?: unknown }).toJSON === "function") lossless = false;
      }
      return value;
    });
  } catch {
    return undefined; // BigInt, a cycle
  }
  return lossless ? json : undefined;
}

Object.defineProperty(window, "app", {
  value: createAppApi((channel, payload) => {
    const invoke = window[HARNESS_BINDING];
    if (!invoke) return Promise.reject(new Error("harness binding missing"));
    const json = losslessJson(payload);
    return json === undefined ? invoke(channel, payload) : invoke(channel, json, "json");
  }),
  enumerable: true,
});
