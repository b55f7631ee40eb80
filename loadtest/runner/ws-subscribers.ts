// WebSocket subscribers of the validation run, in Node (`ws`), doing what the k6 script's
// `subscriber` does (loadtest/lib/validation-plan.ts): connect, send the subscribe frame, count
// the confirmation and every chat message pushed, count errors; close normally at the end (the
// server counts that as reason client_close).
import WebSocket from "ws";
import { classifyFrame, subscribeFrame, type SubscriberContext } from "../lib/validation-plan.ts";

export interface Subscribers {
  /** Subscriptions confirmed by the server. */
  subscribed(): number;
  /** Chat messages received, all subscribers together. */
  received(): number;
  errors(): number;
  /** Closes every socket with 1000 (normal) and waits until each is closed. */
  close(): Promise<void>;
}

/** Opens `count` subscribers and resolves once every one is confirmed (or throws after `timeoutMs`). */
export async function openSubscribers(wsUrl: string, ctx: SubscriberContext, count: number, timeoutMs = 10_000): Promise<Subscribers> {
  let subscribed = 0;
  let received = 0;
  let errors = 0;
  const sockets = Array.from({ length: count }, () => {
    const ws = new WebSocket(wsUrl);
    ws.on("open", () => ws.send(subscribeFrame(ctx)));
    ws.on("message", (data: WebSocket.RawData) => {
      const kind = classifyFrame(ctx, data.toString());
      if (kind === "subscribed") subscribed++;
      else if (kind === "chat") received++;
    });
    ws.on("error", () => errors++);
    return ws;
  });
  const subscribers: Subscribers = {
    subscribed: () => subscribed,
    received: () => received,
    errors: () => errors,
    async close() {
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              ws.once("close", () => resolve());
              ws.close(1000);
            }),
        ),
      );
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (subscribed < count) {
    if (Date.now() > deadline) {
      await subscribers.close();
      throw new Error(`only ${subscribed} of ${count} WebSocket subscribers to ${ctx.channel} confirmed within ${timeoutMs} ms (${errors} errors) at ${wsUrl}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return subscribers;
}
