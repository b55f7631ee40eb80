// Dialog windows (seed 000 P3): user, chatters, search, settings, reply thread. Each runs
// in its own window with the same bundle (`?window=<name>`) and talks only to main. The
// chatters, search and reply-thread views read one chatroom's recent history through main
// (chat:get-chatters, chat:search-messages, chat:get-reply-thread); a dialog is not
// subscribed to the room, so it shows what was there when it loaded, with a Refresh.
import { createElement as h, useCallback, useEffect, useState, type ReactNode } from "react";
import type { ChatMessage } from "../../../protocol/index.ts";
// A pure module (no Node APIs): the limit main validates is the one the input enforces.
import { MAX_SEARCH_QUERY_LENGTH } from "../../main/chat-queries.ts";
import type { AppApi } from "../../preload/app-api.ts";
import { getSetting } from "../settings.ts";
import type { RendererTelemetry } from "../telemetry/renderer-telemetry.ts";
import { errorText, messageTime } from "./format.ts";

type Props = { api: AppApi; telemetry: RendererTelemetry; params: URLSearchParams };

function Frame({ title, children, onRefresh }: { title: string; children?: ReactNode; onRefresh?: () => void }) {
  return h(
    "div",
    { className: "dialog" },
    h(
      "header",
      { className: "dialog-header" },
      h("h2", null, title),
      h(
        "div",
        { className: "dialog-actions" },
        onRefresh ? h("button", { "data-testid": "dialog-refresh", onClick: onRefresh }, "Refresh") : null,
        h("button", { onClick: () => window.close() }, "Close"),
      ),
    ),
    children,
  );
}

type Loaded<T> = { readonly status: "loading" } | { readonly status: "ok"; readonly data: T } | { readonly status: "error"; readonly message: string };

/** Runs `load` now and on reload(); a result that arrives after a newer call started is dropped. */
function useLoad<T>(load: (() => Promise<T>) | undefined, deps: readonly unknown[]): [Loaded<T> | undefined, () => void] {
  const [state, setState] = useState<Loaded<T> | undefined>(load ? { status: "loading" } : undefined);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (!load) return;
    let current = true;
    setState((s) => (s?.status === "ok" ? s : { status: "loading" }));
    load().then(
      (data) => current && setState({ status: "ok", data }),
      (err: unknown) => current && setState({ status: "error", message: errorText(err) }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  return [state, useCallback(() => setGeneration((g) => g + 1), [])];
}

function openUser(api: AppApi, userId: string) {
  void api.window.openDialog({ dialog: "user", params: { userId } });
}

/** Marks the case-insensitive occurrences of `needle` in `text` (a regex, so indices stay those of `text`). */
function highlight(text: string, needle: string): ReactNode[] {
  if (!needle) return [text];
  const parts = text.split(new RegExp(`(${needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})`, "giu"));
  // split with one capture group: odd indices are the matches.
  return parts.map((part, i) => (i % 2 === 1 ? h("mark", { key: i }, part) : part)).filter((p) => p !== "");
}

/** One message in a dialog: time, author (opens the User dialog), text. */
function MessageLine({ api, message, needle = "", className = "dialog-message", testId }: { api: AppApi; message: ChatMessage; needle?: string; className?: string; testId?: string }) {
  return h(
    "li",
    { className, "data-message-id": message.id, ...(testId ? { "data-testid": testId } : {}) },
    h("time", { className: "message-time", dateTime: message.createdAt }, messageTime(message.createdAt)),
    h("button", { className: "message-user", "data-testid": "message-author", onClick: () => openUser(api, message.sender.id) }, message.sender.username),
    h("span", { className: "message-sep" }, ": "),
    h("span", { className: "message-content" }, ...highlight(message.content, needle)),
  );
}

const noRoom = (what: string) => h("p", { className: "note" }, `No chatroom given; open ${what} from a chatroom.`);

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
      " Share pseudonymous telemetry (off by default)",
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
      h("button", { "data-testid": "export-data", onClick: async () => {
        const r = await api.telemetry.exportMyData();
        setNote(r.path === null ? "Export cancelled" : `Saved to ${r.path}: settings, install id and ${r.queuedRecords} queued records`);
      } }, "Export my data"),
      h("button", { "data-testid": "delete-data", onClick: async () => { await api.telemetry.deleteMyData(); setNote("Queued telemetry deleted, install id renewed"); } }, "Delete my data"),
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

export function ChattersDialog({ api, params }: Props) {
  const chatroomId = params.get("chatroomId") ?? "";
  const [state, reload] = useLoad(chatroomId ? () => api.chat.getChatters({ chatroomId }) : undefined, [api, chatroomId]);
  let body: ReactNode;
  if (!chatroomId) body = noRoom("Chatters");
  else if (!state || state.status === "loading") body = h("p", { className: "note" }, "Loading…");
  else if (state.status === "error") body = h("p", { className: "dialog-error", role: "alert" }, state.message);
  else if (state.data.chatters.length === 0) body = h("p", { className: "note", "data-testid": "chatters-empty" }, "Nobody has talked here yet.");
  else {
    const { chatters, scanned } = state.data;
    body = h(
      "div",
      null,
      h("p", { className: "note", "data-testid": "chatters-summary" }, `${chatters.length} ${chatters.length === 1 ? "chatter" : "chatters"} in the last ${scanned} messages`),
      h(
        "ul",
        { className: "dialog-list", "data-testid": "chatters-list" },
        ...chatters.map((c) =>
          h(
            "li",
            { key: c.id, className: "chatter", "data-testid": "chatter" },
            h("button", { className: "message-user chatter-name", onClick: () => openUser(api, c.id) }, c.username),
            h("span", { className: "chatter-count" }, `${c.messages} ${c.messages === 1 ? "message" : "messages"}`),
            h("time", { className: "message-time", dateTime: c.lastMessageAt }, `last ${messageTime(c.lastMessageAt)}`),
          ),
        ),
      ),
    );
  }
  return h(Frame, { title: "Chatters", onRefresh: chatroomId ? reload : undefined }, body);
}

/** Quiet time after the last keystroke before a search goes out, in ms. */
export const SEARCH_DEBOUNCE_MS = 250;

type SearchResult = Awaited<ReturnType<AppApi["chat"]["searchMessages"]>>;

export function SearchDialog({ api, params }: Props) {
  const chatroomId = params.get("chatroomId") ?? "";
  const [q, setQ] = useState("");
  const [state, setState] = useState<Loaded<SearchResult> | undefined>();
  const query = q.trim();
  useEffect(() => {
    if (!chatroomId || !query) {
      setState(undefined);
      return;
    }
    // The cleanup both cancels a pending debounce and drops a stale answer to an older query.
    let current = true;
    const timer = setTimeout(() => {
      setState({ status: "loading" });
      api.chat.searchMessages({ chatroomId, query }).then(
        (data) => current && setState({ status: "ok", data }),
        (err: unknown) => current && setState({ status: "error", message: errorText(err) }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, chatroomId, query]);

  let body: ReactNode;
  if (!chatroomId) body = noRoom("Search");
  else if (!query) body = h("p", { className: "note", "data-testid": "search-hint" }, "Type to search this chatroom's recent messages.");
  else if (!state || state.status === "loading") body = h("p", { className: "note" }, "Searching…");
  else if (state.status === "error") body = h("p", { className: "dialog-error", role: "alert" }, state.message);
  else if (state.data.total === 0)
    body = h("p", { className: "note", "data-testid": "search-empty" }, `No messages match “${state.data.query}” in the last ${state.data.scanned} messages.`);
  else {
    const { total, messages, query: searched } = state.data;
    body = h(
      "div",
      null,
      h(
        "p",
        { className: "note", "data-testid": "search-summary" },
        `${total} ${total === 1 ? "match" : "matches"}${total > messages.length ? `, the newest ${messages.length} shown` : ""}`,
      ),
      h("ul", { className: "dialog-list" }, ...messages.map((m) => h(MessageLine, { key: m.id, api, message: m, needle: searched, testId: "search-result" }))),
    );
  }
  return h(
    Frame,
    { title: "Search" },
    h("input", {
      className: "dialog-search",
      "data-testid": "search-input",
      type: "search",
      autoFocus: true,
      value: q,
      maxLength: MAX_SEARCH_QUERY_LENGTH,
      placeholder: "Search messages",
      disabled: !chatroomId,
      onChange: (e: { target: { value: string } }) => setQ(e.target.value),
    }),
    body,
  );
}

export function ReplyThreadDialog({ api, params }: Props) {
  const chatroomId = params.get("chatroomId") ?? "";
  const messageId = params.get("messageId") ?? "";
  const ready = chatroomId !== "" && messageId !== "";
  const [state, reload] = useLoad(ready ? () => api.chat.getReplyThread({ chatroomId, messageId }) : undefined, [api, chatroomId, messageId]);
  let body: ReactNode;
  if (!ready) body = h("p", { className: "note" }, "No message given; open a thread from a message in a chatroom.");
  else if (!state || state.status === "loading") body = h("p", { className: "note" }, "Loading…");
  else if (state.status === "error") body = h("p", { className: "dialog-error", role: "alert" }, state.message);
  else {
    const { message, replies } = state.data;
    body = h(
      "div",
      null,
      message
        ? h("ul", { className: "dialog-list thread-root" }, h(MessageLine, { api, message, testId: "thread-message" }))
        : h("p", { className: "note", "data-testid": "thread-message-gone" }, "The original message is no longer in this chatroom's recent history."),
      h("p", { className: "note", "data-testid": "thread-summary" }, replies.length === 0 ? "No replies yet." : `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`),
      replies.length > 0 ? h("ul", { className: "dialog-list thread-replies" }, ...replies.map((m) => h(MessageLine, { key: m.id, api, message: m, testId: "thread-reply" }))) : null,
    );
  }
  return h(Frame, { title: "Reply thread", onRefresh: ready ? reload : undefined }, body);
}

export const DIALOG_VIEWS = {
  settings: SettingsDialog,
  user: UserDialog,
  chatters: ChattersDialog,
  search: SearchDialog,
  reply_thread: ReplyThreadDialog,
} as const;
