// Renderer entry. The same bundle serves every window: `?window=main` (default) is the
// chat, the others are dialogs. Everything outside the page goes through window.app.
import { createElement as h } from "react";
import { createRoot } from "react-dom/client";
import type { AppApi } from "../preload/app-api.ts";
import { ChatClient } from "./chat/chat-client.ts";
import { getSetting } from "./settings.ts";
import { startRendererTelemetry } from "./telemetry/renderer-telemetry.ts";
import { App } from "./ui/app.ts";
import { DIALOG_VIEWS } from "./ui/dialogs.ts";

declare global {
  interface Window {
    readonly app: AppApi;
    /** Handles for the harness and devtools; nothing here is a secret. */
    __kicktalk?: { client?: ChatClient; telemetry: ReturnType<typeof startRendererTelemetry> };
  }
}

/** How often the renderer re-reads the telemetry switch (it may change in the settings window), in ms. */
const STATUS_POLL_MS = 3_000;

async function boot(): Promise<void> {
  const api = window.app;
  const params = new URLSearchParams(location.search);
  const view = params.get("window") ?? "main";
  const [status, theme] = await Promise.all([api.telemetry.getStatus(), getSetting(api, "appearance.theme")]);
  document.documentElement.dataset.theme = theme;
  const telemetry = startRendererTelemetry(api, { enabled: status.enabled, sampling: status.sampling });
  const root = createRoot(document.getElementById("root") as HTMLElement);

  if (view !== "main") {
    const Dialog = DIALOG_VIEWS[view as keyof typeof DIALOG_VIEWS];
    window.__kicktalk = { telemetry };
    root.render(Dialog ? h(Dialog, { api, telemetry, params }) : h("p", null, `Unknown window "${view}"`));
    return;
  }

  const backoff = Number(params.get("backoffMs"));
  const client = new ChatClient(api, telemetry, Number.isFinite(backoff) && backoff > 0 ? { backoffBaseMs: backoff } : {});
  window.__kicktalk = { client, telemetry };
  const render = () => root.render(h(App, { client, telemetryOn: telemetry.isEnabled() }));
  // No sign-in at start: it takes the password, which is never stored. The form offers the
  // last username (app.ts).
  render();
  setInterval(async () => {
    try {
      const { enabled } = await api.telemetry.getStatus();
      if (enabled !== telemetry.isEnabled()) {
        telemetry.setEnabled(enabled);
        render();
      }
    } catch {
      // main is shutting down
    }
  }, STATUS_POLL_MS);
}

void boot();
