// Decides whether one URL (the first, or a redirect hop) may be fetched, and where to: the
// scheme and port are checked, the host is resolved once, and every address it resolves to
// must pass the address policy. The caller connects to the returned address and nowhere else,
// so a second DNS answer (rebinding) cannot swap in an internal address after the check.
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { classifyAddress } from "./address-policy.ts";
import type { AddressPolicy } from "./address-policy.ts";

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Every address a host name resolves to (dns.lookup with all: true), in resolver order. */
export type ResolveHost = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const resolveWithDns: ResolveHost = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export interface TargetPolicy {
  readonly addresses: AddressPolicy;
  /** Ports a URL may name (its scheme's default when it names none). */
  readonly allowedPorts: readonly number[];
  /** Loopback addresses are fetched on any port when the address policy allows them (fixture pages). */
  readonly allowLoopback: boolean;
  readonly resolve: ResolveHost;
}

export type LinkTarget =
  | { readonly ok: true; readonly url: URL; readonly pinned: ResolvedAddress }
  | { readonly ok: false; readonly reason: "invalid_url" | "blocked" | "network"; readonly detail: string };

const LOCALHOST_NAME = /(^|\.)localhost\.?$/i;
const DEFAULT_PORT: Readonly<Record<string, number>> = { "http:": 80, "https:": 443 };

function parseUrl(text: string, base?: URL): URL | undefined {
  try {
    return new URL(text, base);
  } catch {
    return undefined;
  }
}

/**
 * Checks `text` (resolved against `base` for a redirect's Location) and pins its address.
 * The WHATWG URL parser has already normalised `127.1`, `2130706433` and `0x7f.1` to
 * 127.0.0.1 and `[::ffff:127.0.0.1]` to `[::ffff:7f00:1]`, so a literal is judged as the
 * address the socket would use.
 */
export async function resolveLinkTarget(text: string, policy: TargetPolicy, base?: URL): Promise<LinkTarget> {
  const url = parseUrl(text, base);
  if (url === undefined || url.hostname === "") return { ok: false, reason: "invalid_url", detail: `not a URL: ${text}` };
  const defaultPort = DEFAULT_PORT[url.protocol];
  if (defaultPort === undefined) return { ok: false, reason: "blocked", detail: `scheme ${url.protocol} is not fetched (http and https only)` };
  if (url.username !== "" || url.password !== "") return { ok: false, reason: "blocked", detail: "URLs with credentials are not fetched" };
  const port = url.port === "" ? defaultPort : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, "");

  // RFC 6761: localhost and every name under it are loopback, whatever DNS would say.
  if (!policy.allowLoopback && LOCALHOST_NAME.test(host)) return { ok: false, reason: "blocked", detail: `${host} is a loopback name (RFC 6761)` };

  let addresses: readonly ResolvedAddress[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await policy.resolve(host);
    } catch (err) {
      const code = (err as { code?: string }).code;
      return { ok: false, reason: "network", detail: `cannot resolve ${host}: ${code ?? (err as Error).message}` };
    }
    if (addresses.length === 0) return { ok: false, reason: "network", detail: `${host} has no address` };
  }
  // Every address must pass, not just the first: a name that mixes public and internal
  // addresses is refused rather than left to whichever one a connection would try.
  for (const a of addresses) {
    const cls = policy.addresses.blocked(a.address);
    if (cls !== undefined) return { ok: false, reason: "blocked", detail: `${host} resolves to ${a.address}, a ${cls} address` };
  }
  const pinned = addresses[0] as ResolvedAddress;
  const loopbackAnyPort = policy.allowLoopback && classifyAddress(pinned.address) === "loopback";
  if (!loopbackAnyPort && !policy.allowedPorts.includes(port)) {
    return { ok: false, reason: "blocked", detail: `port ${port} is not fetched (allowed: ${policy.allowedPorts.join(", ")})` };
  }
  return { ok: true, url, pinned };
}

