// Coalesces a chatroom's presence events: the first change goes out at once, and the changes
// within the next `intervalMs` become one event carrying the latest change, sent when the
// interval ends. So a burst of joins (or a client re-joining in a loop) costs each watcher at
// most one frame per room per interval, and the viewer count in it is current.

export interface PresenceChange {
  readonly action: "join" | "leave";
  readonly username: string | null;
}

export class PresenceCoalescer {
  readonly #intervalMs: number;
  readonly #emit: (chatroomId: string, change: PresenceChange) => void;
  /** Rooms inside an interval, with the change waiting for its end (if any). */
  readonly #open = new Map<string, { readonly timer: NodeJS.Timeout; pending: PresenceChange | undefined }>();

  constructor(intervalMs: number, emit: (chatroomId: string, change: PresenceChange) => void) {
    this.#intervalMs = intervalMs;
    this.#emit = emit;
  }

  note(chatroomId: string, change: PresenceChange): void {
    if (this.#intervalMs === 0) return this.#emit(chatroomId, change);
    const room = this.#open.get(chatroomId);
    if (room !== undefined) {
      room.pending = change;
      return;
    }
    this.#emit(chatroomId, change);
    this.#startInterval(chatroomId);
  }

  /** Drops pending changes and timers (shutdown). */
  close(): void {
    for (const room of this.#open.values()) clearTimeout(room.timer);
    this.#open.clear();
  }

  #startInterval(chatroomId: string): void {
    const timer = setTimeout(() => {
      const room = this.#open.get(chatroomId);
      this.#open.delete(chatroomId);
      if (room?.pending === undefined) return;
      this.#emit(chatroomId, room.pending);
      this.#startInterval(chatroomId);
    }, this.#intervalMs);
    timer.unref();
    this.#open.set(chatroomId, { timer, pending: undefined });
  }
}
