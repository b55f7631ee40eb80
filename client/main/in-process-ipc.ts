// InProcessIpcMain: Electron's ipcMain.handle / ipcRenderer.invoke semantics in plain Node,
// for tests and the Chromium harness (which forwards the page's calls to invoke()). One
// handler per channel; invoking an unknown channel or a throwing handler rejects with
// Electron's message shape, "Error invoking remote method '<channel>': <error>".
import type { IpcMainLike } from "../telemetry/index.ts";

type Listener = (event: unknown, ...args: unknown[]) => unknown;

/** What a handler sees as its event: the sender window, as Electron's IpcMainInvokeEvent.sender. */
export interface InProcessInvokeEvent {
  readonly sender: { readonly id: number };
}

export class InProcessIpcMain implements IpcMainLike {
  readonly #handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.#handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.#handlers.set(channel, listener);
  }

  channels(): string[] {
    return [...this.#handlers.keys()];
  }

  async invoke(channel: string, payload: unknown, senderId = 1): Promise<unknown> {
    const listener = this.#handlers.get(channel);
    if (!listener) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const event: InProcessInvokeEvent = { sender: { id: senderId } };
    try {
      // Structured clone both ways, as Electron's IPC serializes arguments and results.
      return structuredClone(await listener(event, structuredClone(payload)));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      throw new Error(`Error invoking remote method '${channel}': ${e.name}: ${e.message}`);
    }
  }
}
