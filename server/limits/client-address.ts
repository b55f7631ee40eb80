// Which client a request comes from, for the rate limits' per-address buckets and the server
// span's client.address. By default it is the TCP peer: nothing a client sends can change it.
// Behind the operator's load balancer every peer is the balancer, so an explicit list of trusted
// proxies (CHAT_SERVER_TRUSTED_PROXIES) says whose X-Forwarded-For to believe: only when the peer
// is on the list is the header read, from the right, skipping the addresses of trusted proxies;
// the first address that is not one is the client. Everything left of it was written by the
// client or by proxies we do not know, so a client can prepend what it likes and still lands in
// its own bucket (the rightmost-untrusted rule of MDN's X-Forwarded-For security notes). A header
// that is not a list of addresses where it matters leaves the key at the peer: a malformed or
// oversized header can only put its sender in the proxy's (shared, already busy) bucket, never a
// fresh one.
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import { addressKey } from "./token-bucket.ts";

/**
 * Most X-Forwarded-For entries read, from the right: one per proxy hop we could trust, and
 * then the client. Anything further left is never looked at, however long the header.
 */
export const MAX_FORWARDED_HOPS = 16;
/** Longest text one entry may have: an IPv6 address with a zone id and a port, bracketed. */
const MAX_ENTRY_CHARS = 64;

/**
 * Why a trusted-proxy entry ("203.0.113.7", "10.0.0.0/8", "fd00::/8") is not usable, or
 * undefined when it is. A /0 is refused: it would trust every peer, and any client could pick
 * its own bucket by sending the header.
 */
export function trustedProxyProblem(entry: string): string | undefined {
  const [ip = "", bits, extra] = entry.split("/");
  const family = isIP(ip);
  if (family === 0 || extra !== undefined || ip.includes("%")) return `${JSON.stringify(entry)} is not an IP address or CIDR block`;
  if (bits === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `${JSON.stringify(entry)} has a prefix length outside 1-${max}`;
  if (Number(bits) === 0) return `${JSON.stringify(entry)} trusts every address, so any client could choose its own rate-limit key`;
  return undefined;
}

/** "::ffff:10.0.0.1" → "10.0.0.1"; anything else as it is. */
const unmapped = (ip: string) => (/^::ffff:\d{1,3}(?:\.\d{1,3}){3}$/i.test(ip) ? ip.slice(7) : ip);

/** One X-Forwarded-For entry as an address: bare, "1.2.3.4:port" or "[v6]:port"; else undefined. */
function entryAddress(raw: string): string | undefined {
  const entry = raw.trim();
  if (entry.length > MAX_ENTRY_CHARS) return undefined;
  if (isIP(entry) !== 0) return unmapped(entry);
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(entry);
  if (v4WithPort !== null && isIP(v4WithPort[1] as string) === 4) return v4WithPort[1];
  const bracketed = /^\[([0-9A-Fa-f:.%\w-]+)\](?::\d{1,5})?$/.exec(entry);
  if (bracketed !== null && isIP(bracketed[1] as string) === 6) return unmapped(bracketed[1] as string);
  return undefined;
}

export class ClientAddresses {
  readonly #trusted: BlockList | undefined;

  /** `trustedProxies`: addresses and CIDR blocks, each valid by trustedProxyProblem. */
  constructor(trustedProxies: readonly string[]) {
    if (trustedProxies.length === 0) return;
    const list = new BlockList();
    for (const entry of trustedProxies) {
      const problem = trustedProxyProblem(entry);
      if (problem !== undefined) throw new Error(`trusted proxy ${problem}`);
      const [ip = "", bits] = entry.split("/");
      const type = isIP(ip) === 4 ? "ipv4" : "ipv6";
      if (bits === undefined) list.addAddress(ip, type);
      else list.addSubnet(ip, Number(bits), type);
    }
    this.#trusted = list;
  }

  /** Whether `ip` (a valid address) is one of the trusted proxies. */
  #isTrusted(ip: string): boolean {
    if (this.#trusted === undefined) return false;
    const plain = unmapped(ip.split("%")[0] as string);
    return this.#trusted.check(plain, isIP(plain) === 4 ? "ipv4" : "ipv6");
  }

  /** The client address of a request from `peer` carrying X-Forwarded-For `forwarded`. */
  resolve(peer: string | undefined, forwarded: string | readonly string[] | undefined): string | undefined {
    if (peer === undefined || forwarded === undefined || !this.#isTrusted(peer)) return peer;
    // node joins repeated X-Forwarded-For headers with ", " already; an array is a caller's.
    const header = typeof forwarded === "string" ? forwarded : forwarded.join(",");
    let end = header.length;
    let client: string | undefined;
    for (let hop = 0; hop < MAX_FORWARDED_HOPS && end > 0; hop++) {
      const start = header.lastIndexOf(",", end - 1) + 1;
      // Never slice a long run without commas: it cannot be an address.
      const address = end - start > MAX_ENTRY_CHARS * 2 ? undefined : entryAddress(header.slice(start, end));
      if (address === undefined) return peer;
      client = address;
      if (!this.#isTrusted(address)) return address;
      end = start - 1;
    }
    // Every entry read is a trusted proxy: the leftmost of them is where the request came from.
    return client ?? peer;
  }

  /** The address of the client that sent `req` (undefined once its socket is gone). */
  address(req: IncomingMessage): string | undefined {
    return this.resolve(req.socket.remoteAddress, this.#trusted === undefined ? undefined : req.headers["x-forwarded-for"]);
  }

  /** The rate-limit key of the client that sent `req` (an IPv6 address by its /64). */
  key(req: IncomingMessage): string {
    return addressKey(this.address(req));
  }
}
