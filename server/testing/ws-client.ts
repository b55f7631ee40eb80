// A test WebSocket client that records every frame and waits for one matching a predicate.
import WebSocket from "ws";
import { EVENTS, ServerFrame, chatroomChannel } from "../../protocol/index.ts";

export interface TestSocket {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[];
  send(frame: unknown): void;
  /** Resolves with the first frame (already received or future) matching; rejects after `ms`. */
  next(event: string, match?: (data: unknown, frame: ServerFrame) => boolean, ms?: number): Promise<{ frame: ServerFrame; data: unknown }>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
}

export async function connect(url: string): Promise<TestSocket> {
  const ws = new WebSocket(url);
  const frames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (raw) => {
    frames.push(ServerFrame.parse(JSON.parse(raw.toString())));
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const consumed = new Set<ServerFrame>();
  return {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    next(event, match = () => true, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const frame of frames) {
            if (consumed.has(frame) || frame.event !== event) continue;
            const data = JSON.parse(frame.data) as unknown;
            if (!match(data, frame)) continue;
            consumed.add(frame);
            waiters.delete(check);
            clearTimeout(timer);
            resolve({ frame, data });
            return;
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${event} frame within ${ms} ms; got ${frames.map((f) => f.event).join(", ")}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Connects and waits for the server's greeting; the socket is added to `opened` for cleanup. */
export async function openSocket(url: string, opened: TestSocket[]): Promise<TestSocket> {
  const s = await connect(url);
  opened.push(s);
  await s.next(EVENTS.connectionEstablished);
  return s;
}

/** Subscribes to a chatroom's channel and waits for the acknowledgement. */
export async function subscribeTo(s: TestSocket, chatroomId: string, auth?: string): Promise<void> {
  const channel = chatroomChannel(chatroomId);
  s.send({ event: EVENTS.subscribe, data: { channel, ...(auth ? { auth } : {}) } });
  await s.next(EVENTS.subscriptionSucceeded, (_d, f) => f.channel === channel);
}

/** 101 when an upgrade to `url` opened (the socket is then closed), else the status it was refused with; -1 on a socket error. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => {
      resolve(101);
      ws.terminate();
    });
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("error", () => resolve(-1));
  });
}
