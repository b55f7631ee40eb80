// Bounds on TCP connections, HTTP and WebSocket alike (an upgraded WebSocket keeps its
// socket): at most `maxConnections` in total (node's own server.maxConnections) and at most
// `maxPerIp` from one address. A connection over a bound is closed before a byte of it is
// parsed; the count is kept for the operator (there is no catalog metric for it yet).
import type { Server } from "node:http";
import type { Socket } from "node:net";

export interface ConnectionLimitOptions {
  readonly maxConnections: number;
  readonly maxPerIp: number;
}

export interface ConnectionLimits {
  /** Connections refused because their address already had maxPerIp open. */
  readonly refusedPerIp: number;
  /** Open connections from `address` (as the socket reports it, e.g. 127.0.0.1 or ::ffff:127.0.0.1). */
  openFrom(address: string): number;
}

export function limitConnections(server: Server, opts: ConnectionLimitOptions): ConnectionLimits {
  // Node refuses (closes) connections past this itself, before "connection" is emitted.
  server.maxConnections = opts.maxConnections;
  const open = new Map<string, number>();
  let refusedPerIp = 0;
  server.on("connection", (socket: Socket) => {
    const ip = socket.remoteAddress ?? "unknown";
    const n = open.get(ip) ?? 0;
    if (n >= opts.maxPerIp) {
      refusedPerIp++;
      socket.destroy();
      return;
    }
    open.set(ip, n + 1);
    socket.once("close", () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left <= 0) open.delete(ip);
      else open.set(ip, left);
    });
  });
  return {
    get refusedPerIp() {
      return refusedPerIp;
    },
    openFrom: (address) => open.get(address) ?? 0,
  };
}
