// The main window: chatroom tabs on the left, the active chatroom's messages and editor,
// and a status bar. Sign-in first when no user is known.
import { createElement as h, useEffect, useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { useStore } from "zustand";
import type { ChatClient } from "../chat/chat-client.ts";
import { getSetting } from "../settings.ts";
import { MessageInput } from "./message-input.ts";
import { MessageList } from "./message-list.ts";

const STATE_LABEL = { connecting: "connecting", open: "live", reconnecting: "reconnecting", closed: "closed" } as const;

function SignIn({ client, onDone }: { client: ChatClient; onDone: () => void }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();
  // The last username is offered; the password never leaves main's memory, so it is asked each time.
  useEffect(() => {
    getSetting(client.api, "user.username").then(
      (last) => setName((typed) => typed || last || ""),
      () => undefined,
    );
  }, [client]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await client.signIn(name, password);
      setPassword("");
      onDone();
    } catch (err) {
      setError((err as Error).message.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, ""));
    }
  };
  return h(
    "form",
    { className: "sign-in", onSubmit: submit },
    h("h1", null, "KickTalk"),
    h("p", null, "Sign in to chat."),
    h("input", {
      "data-testid": "username",
      value: name,
      placeholder: "username",
      autoComplete: "username",
      onChange: (e: { target: { value: string } }) => setName(e.target.value),
    }),
    h("input", {
      "data-testid": "password",
      type: "password",
      value: password,
      placeholder: "password",
      autoComplete: "current-password",
      onChange: (e: { target: { value: string } }) => setPassword(e.target.value),
    }),
    h("button", { type: "submit", "data-testid": "sign-in", disabled: name === "" || password === "" }, "Sign in"),
    error ? h("div", { className: "composer-error", role: "alert" }, error) : null,
  );
}

function Sidebar({ client, onSwitch }: { client: ChatClient; onSwitch: (id: string) => void }) {
  const order = useStore(client.store, (s) => s.order);
  const rooms = useStore(client.store, (s) => s.rooms);
  const activeId = useStore(client.store, (s) => s.activeId);
  const joinable = client.available.filter((c) => !rooms[c.id]);
  return h(
    "nav",
    { className: "sidebar" },
    h("div", { className: "brand" }, "KickTalk"),
    h("div", { className: "section" }, "Chatrooms"),
    ...order.map((id) => {
      const r = rooms[id];
      if (!r) return null;
      return h(
        "button",
        {
          key: id,
          className: `room-tab ${id === activeId ? "active" : ""}`,
          "data-testid": `room-${r.chatroom.slug}`,
          onClick: () => onSwitch(id),
        },
        h("span", { className: `dot dot-${r.connection}`, title: STATE_LABEL[r.connection] }),
        h("span", { className: "room-name" }, r.chatroom.streamerName),
        h("span", { className: "room-presence" }, String(r.presence)),
      );
    }),
    joinable.length > 0 ? h("div", { className: "section" }, "Join") : null,
    ...joinable.map((c) =>
      h("button", { key: c.id, className: "room-join", "data-testid": `join-${c.slug}`, onClick: () => void client.join(c) }, `+ ${c.streamerName}`),
    ),
  );
}

function StatusBar({ client, telemetryOn }: { client: ChatClient; telemetryOn: boolean }) {
  const user = useStore(client.store, (s) => s.user);
  const rooms = useStore(client.store, (s) => s.rooms);
  const live = Object.values(rooms).filter((r) => r.connection === "open").length;
  return h(
    "footer",
    { className: "status-bar" },
    h("span", null, user ? `Signed in as ${user.username}` : "Not signed in"),
    h("span", null, `${live}/${Object.keys(rooms).length} connections live`),
    h("span", { "data-testid": "telemetry-state" }, `Telemetry ${telemetryOn ? "on" : "off"}`),
  );
}

export function App({ client, telemetryOn }: { client: ChatClient; telemetryOn: boolean }) {
  const user = useStore(client.store, (s) => s.user);
  const activeId = useStore(client.store, (s) => s.activeId);
  const room = useStore(client.store, (s) => (s.activeId ? s.rooms[s.activeId] : undefined));
  const [showTime, setShowTime] = useState(true);
  // Chatroom switch timing (seed 000): a tab clicked → that room's messages committed and painted
  // (the layout effect of the new activeId, then one animation frame).
  const switchStartedAt = useRef<number | undefined>(undefined);
  const switchTo = (id: string) => {
    if (id !== client.store.getState().activeId) switchStartedAt.current = performance.now();
    client.store.getState().setActive(id);
  };
  useLayoutEffect(() => {
    const at = switchStartedAt.current;
    if (at === undefined) return;
    switchStartedAt.current = undefined;
    requestAnimationFrame(() => client.telemetry.metrics.record("inputLatency", (performance.now() - at) / 1000, { interaction: "chatroom_switch" }));
  }, [client, activeId]);
  const [, setLoaded] = useState(0);
  useEffect(() => {
    void getSetting(client.api, "chat.showTimestamps").then(setShowTime);
  }, [client]);
  useEffect(() => {
    if (!user) return;
    void client.loadChatrooms().then(async (rooms) => {
      setLoaded((n) => n + 1);
      const joined = await getSetting(client.api, "chat.joinedChatrooms");
      for (const c of rooms) if (joined.includes(c.id)) await client.join(c);
    });
  }, [client, user]);
  if (!user) return h(SignIn, { client, onDone: () => setLoaded((n) => n + 1) });
  const open = (dialog: "chatters" | "search" | "settings") => () =>
    void client.api.window.openDialog({ dialog, params: activeId ? { chatroomId: activeId } : {} });
  return h(
    "div",
    { className: "app" },
    h(Sidebar, { client, onSwitch: switchTo }),
    h(
      "main",
      { className: "chat" },
      h(
        "header",
        { className: "chat-header" },
        h("h2", null, room ? room.chatroom.streamerName : "No chatroom"),
        room ? h("span", { className: `badge badge-${room.connection}` }, STATE_LABEL[room.connection]) : null,
        h("div", { className: "spacer" }),
        h("button", { onClick: open("chatters"), "data-testid": "open-chatters" }, "Chatters"),
        h("button", { onClick: open("search"), "data-testid": "open-search" }, "Search"),
        h("button", { onClick: open("settings"), "data-testid": "open-settings" }, "Settings"),
      ),
      activeId
        ? h(MessageList, { client, chatroomId: activeId, showTime })
        : h("div", { className: "message-list empty" }, "Join a chatroom on the left."),
      activeId ? h(MessageInput, { key: activeId, client, chatroomId: activeId }) : null,
    ),
    h(StatusBar, { client, telemetryOn: client.telemetry.isEnabled() }),
  );
}
