// Which IP addresses link processing may connect to: only globally reachable unicast. The
// ranges are IANA's IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and updates),
// plus multicast, and the IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64,
// 6to4) are judged by the IPv4 address inside them, so `::ffff:127.0.0.1` is loopback.
import { isIPv4, isIPv6 } from "node:net";

/** Why an address is not fetched; `undefined` from classifyAddress means globally reachable. */
export type BlockedAddressClass = "loopback" | "private" | "link_local" | "multicast" | "unspecified" | "broadcast" | "reserved";

interface Cidr4 {
  readonly base: number;
  readonly bits: number;
  readonly class: BlockedAddressClass;
}

const cidr4 = (text: string, cls: BlockedAddressClass): Cidr4 => {
  const [ip, bits] = text.split("/") as [string, string];
  return { base: parseIpv4(ip) as number, bits: Number(bits), class: cls };
};

/** Most specific first: 255.255.255.255 is named broadcast before 240/4 calls it reserved. */
const IPV4_BLOCKED: readonly Cidr4[] = [
  cidr4("255.255.255.255/32", "broadcast"),
  cidr4("0.0.0.0/8", "unspecified"),
  cidr4("10.0.0.0/8", "private"),
  cidr4("100.64.0.0/10", "private"), // shared address space (carrier-grade NAT), RFC 6598
  cidr4("127.0.0.0/8", "loopback"),
  cidr4("169.254.0.0/16", "link_local"), // includes the cloud metadata service 169.254.169.254
  cidr4("172.16.0.0/12", "private"),
  cidr4("192.0.0.0/24", "reserved"), // IETF protocol assignments
  cidr4("192.0.2.0/24", "reserved"), // TEST-NET-1
  cidr4("192.88.99.0/24", "reserved"), // deprecated 6to4 relay anycast
  cidr4("192.168.0.0/16", "private"),
  cidr4("198.18.0.0/15", "reserved"), // benchmarking
  cidr4("198.51.100.0/24", "reserved"), // TEST-NET-2
  cidr4("203.0.113.0/24", "reserved"), // TEST-NET-3
  cidr4("224.0.0.0/4", "multicast"),
  cidr4("240.0.0.0/4", "reserved"),
];

/** Dotted quad → unsigned 32-bit number; undefined if not a canonical IPv4 address. */
function parseIpv4(text: string): number | undefined {
  if (!isIPv4(text)) return undefined;
  return text.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** IPv6 text (optionally with a zone or a trailing dotted quad) → 16 bytes. */
function parseIpv6(text: string): Uint8Array | undefined {
  let s = text.split("%")[0] as string;
  if (!isIPv6(s)) return undefined;
  const lastColon = s.lastIndexOf(":");
  const tail = s.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseIpv4(tail) as number;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, rest] = s.split("::") as [string, string | undefined];
  const groups = (part: string | undefined) => (part === undefined || part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = groups(rest);
  const all = rest === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

function classifyIpv4(v4: number): BlockedAddressClass | undefined {
  for (const c of IPV4_BLOCKED) {
    const mask = c.bits === 0 ? 0 : (0xffffffff << (32 - c.bits)) >>> 0;
    if (((v4 & mask) >>> 0) === ((c.base & mask) >>> 0)) return c.class;
  }
  return undefined;
}

const v4At = (b: Uint8Array, offset: number) => (((b[offset] as number) << 24) | ((b[offset + 1] as number) << 16) | ((b[offset + 2] as number) << 8) | (b[offset + 3] as number)) >>> 0;
const zeroes = (b: Uint8Array, from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
const startsWith = (b: Uint8Array, prefix: readonly number[]) => prefix.every((x, i) => b[i] === x);

function classifyIpv6(b: Uint8Array): BlockedAddressClass | undefined {
  if (zeroes(b, 0, 10)) {
    // ::ffff:a.b.c.d (IPv4-mapped): the socket connects to the IPv4 address itself.
    if (b[10] === 0xff && b[11] === 0xff) return classifyIpv4(v4At(b, 12));
    if (zeroes(b, 10, 12)) {
      if (zeroes(b, 12, 15) && b[15] === 0) return "unspecified";
      if (zeroes(b, 12, 15) && b[15] === 1) return "loopback";
      // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291): never routed, whatever it embeds.
      return classifyIpv4(v4At(b, 12)) ?? "reserved";
    }
  }
  // 64:ff9b::/96, NAT64's well-known prefix: a translator connects to the embedded IPv4.
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b]) && zeroes(b, 4, 12)) return classifyIpv4(v4At(b, 12));
  // 2002::/16, 6to4: the tunnel ends at the IPv4 address in bits 16-47.
  if (b[0] === 0x20 && b[1] === 0x02) return classifyIpv4(v4At(b, 2));
  if (b[0] === 0xff) return "multicast";
  if (b[0] === 0xfe && ((b[1] as number) & 0xc0) === 0x80) return "link_local"; // fe80::/10
  if (b[0] === 0xfe && ((b[1] as number) & 0xc0) === 0xc0) return "private"; // fec0::/10, deprecated site-local
  if (((b[0] as number) & 0xfe) === 0xfc) return "private"; // fc00::/7, unique local
  // Everything else outside 2000::/3 (global unicast) is unassigned or special: 64:ff9b:1::/48, 100::/64, ...
  if (((b[0] as number) & 0xe0) !== 0x20) return "reserved";
  if (b[0] === 0x20 && b[1] === 0x01 && ((b[2] as number) & 0xfe) === 0) return "reserved"; // 2001::/23: Teredo, benchmarking, ORCHID
  if (startsWith(b, [0x20, 0x01, 0x0d, 0xb8])) return "reserved"; // 2001:db8::/32, documentation
  if (b[0] === 0x3f && b[1] === 0xff && ((b[2] as number) & 0xf0) === 0) return "reserved"; // 3fff::/20, documentation
  if (b[0] === 0x5f && b[1] === 0x00) return "reserved"; // 5f00::/16, SRv6 SIDs
  return undefined;
}

/**
 * The class of an address that must not be fetched, or undefined for a globally reachable
 * unicast address. Text that is not an IP address is "reserved": refuse what we cannot judge.
 */
export function classifyAddress(address: string): BlockedAddressClass | undefined {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return classifyIpv4(v4);
  const v6 = parseIpv6(address.replace(/^\[|\]$/g, ""));
  if (v6 !== undefined) return classifyIpv6(v6);
  return "reserved";
}

export interface AddressPolicy {
  /** Why `address` must not be connected to, or undefined when it may be. */
  blocked(address: string): BlockedAddressClass | undefined;
}

/** Globally reachable unicast only; loopback as well when `allowLoopback` (tests and e2e). */
export function addressPolicy(opts: { readonly allowLoopback: boolean }): AddressPolicy {
  return {
    blocked(address) {
      const cls = classifyAddress(address);
      return cls === "loopback" && opts.allowLoopback ? undefined : cls;
    },
  };
}
