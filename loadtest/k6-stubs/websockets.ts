// Stub of `k6/websockets`: k6's WebSocket follows the browser API, and so does Node's global
// WebSocket; this one also records every frame sent and received, and how many sockets are open.
import { stubState } from "./state.ts";

export class WebSocket extends globalThis.WebSocket {
  constructor(url: string) {
    super(url);
    const s = stubState();
    s.wsOpen++;
    // Before the script's own handlers, which it assigns (onmessage = ...) after construction.
    this.addEventListener("message", (e: MessageEvent) => s.wsReceived.push(String(e.data)));
    this.addEventListener("close", () => s.wsOpen--);
  }

  override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    stubState().wsSent.push(String(data));
    super.send(data);
  }
}
