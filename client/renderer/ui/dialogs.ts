// Dialog windows (seed 000 P3): user, chatters, search, settings, reply thread. Each runs
// in its own window with the same bundle (`?window=<name>`) and talks only to main.
import { createElement as h, useEffect, useState, type ReactNode } from "react";
import type { AppApi } from "../../preload/app-api.ts";
import { getSetting } from "../settings.ts";
import type { RendererTelemetry } from "../telemetry/renderer-telemetry.ts";

type Props = { api: AppApi; telemetry: RendererTelemetry; params: URLSearchParams };

function Frame({ title, children }: { title: string; children?: ReactNode }) {
  return h("div", { className: "dialog" }, h("header", { className: "dialog-header" }, h("h2", null, title), h("button", { onClick: () => window.close() }, "Close")), children);
}

export function SettingsDialog({ api, telemetry }: Props) {
  const [telemetryOn, setTelemetryOn] = useState<boolean | undefined>();
  const [timestamps, setTimestamps] = useState(true);
  const [theme, setTheme] = useState<"dark" | "light">("dark");
  const [note, setNote] = useState("");
  useEffect(() => {
    void getSetting(api, "telemetry.enabled").then(setTelemetryOn);
    void getSetting(api, "chat.showTimestamps").then(setTimestamps);
    void getSetting(api, "appearance.theme").then(setTheme);
  }, [api]);
  const toggleTelemetry = async (enabled: boolean) => {
    const status = await api.telemetry.setEnabled({ enabled });
    telemetry.setEnabled(status.enabled);
    setTelemetryOn(status.enabled);
  };
  return h(
    Frame,
    { title: "Settings" },
    h(
      "label",
      { className: "setting" },
      h("input", { type: "checkbox", "data-testid": "telemetry-toggle", checked: telemetryOn ?? false, disabled: telemetryOn === undefined, onChange: (e: { target: { checked: boolean } }) => void toggleTelemetry(e.target.checked) }),
      " Share anonymous telemetry (off by default)",
    ),
    h(
      "label",
      { className: "setting" },
      h("input", {
        type: "checkbox",
        "data-testid": "timestamps-toggle",
        checked: timestamps,
        onChange: (e: { target: { checked: boolean } }) => {
          setTimestamps(e.target.checked);
          void api.store.set({ key: "chat.showTimestamps", value: e.target.checked });
        },
      }),
      " Show timestamps",
    ),
    h(
      "label",
      { className: "setting" },
      "Theme ",
      h(
        "select",
        {
          value: theme,
          "data-testid": "theme-select",
          onChange: (e: { target: { value: string } }) => {
            const value = e.target.value === "light" ? "light" : "dark";
            setTheme(value);
            void api.store.set({ key: "appearance.theme", value });
          },
        },
        h("option", { value: "dark" }, "Dark"),
        h("option", { value: "light" }, "Light"),
      ),
    ),
    h(
      "div",
      { className: "setting-actions" },
      h("button", { "data-testid": "export-data", onClick: async () => setNote(`${(await api.telemetry.exportMyData()).jsonl.split("\n").filter(Boolean).length} queued records exported`) }, "Export my data"),
      h("button", { "data-testid": "delete-data", onClick: async () => { await api.telemetry.deleteMyData(); setNote("Queued telemetry deleted"); } }, "Delete my data"),
    ),
    note ? h("p", { className: "note" }, note) : null,
  );
}

export function UserDialog({ api, params }: Props) {
  const userId = params.get("userId") ?? "";
  const [user, setUser] = useState<{ username: string; createdAt: string } | undefined>();
  const [error, setError] = useState("");
  useEffect(() => {
    if (userId) api.chat.getUser({ userId }).then(setUser, (e: Error) => setError(e.message));
  }, [api, userId]);
  return h(Frame, { title: "User" }, user ? h("div", null, h("h3", null, user.username), h("p", null, `Joined ${new Date(user.createdAt).toLocaleDateString()}`)) : h("p", null, error || "Loading…"));
}

export function ChattersDialog({ params }: Props) {
  return h(Frame, { title: "Chatters" }, h("p", null, `Chatroom ${params.get("chatroomId") ?? "?"}`));
}

export function SearchDialog({ params }: Props) {
  const [q, setQ] = useState("");
  return h(Frame, { title: "Search" }, h("input", { value: q, placeholder: `Search chatroom ${params.get("chatroomId") ?? ""}`, onChange: (e: { target: { value: string } }) => setQ(e.target.value) }));
}

export function ReplyThreadDialog({ params }: Props) {
  return h(Frame, { title: "Reply thread" }, h("p", null, `Replies to message ${params.get("messageId") ?? "?"}`));
}

export const DIALOG_VIEWS = {
  settings: SettingsDialog,
  user: UserDialog,
  chatters: ChattersDialog,
  search: SearchDialog,
  reply_thread: ReplyThreadDialog,
} as const;
