// The harness's stand-in for client/preload/preload.ts: the same createAppApi(), with
// invoke forwarded to the Node process through the binding the harness exposes
// (page.exposeBinding), i.e. across the real browser ↔ Node process boundary.
import { createAppApi } from "../preload/app-api.ts";
import { HARNESS_BINDING } from "./binding-name.ts";

declare global {
  interface Window {
    [HARNESS_BINDING]?: (channel: string, payload: unknown) => Promise<unknown>;
  }
}

Object.defineProperty(window, "app", {
  value: createAppApi((channel, payload) => {
    const invoke = window[HARNESS_BINDING];
    if (!invoke) return Promise.reject(new Error("harness binding missing"));
    return invoke(channel, payload);
  }),
  enumerable: true,
});
