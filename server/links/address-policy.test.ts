// The address policy over the IANA special-purpose ranges, including the IPv6 forms that
// carry an IPv4 address inside them.
import { describe, expect, it } from "vitest";
import { addressPolicy, classifyAddress } from "./address-policy.ts";

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["100.127.255.255", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fec0::1", "private"],
    ["169.254.169.254", "link_local"],
    ["fe80::1", "link_local"],
    ["fe80::1%eth0", "link_local"],
    ["::ffff:169.254.169.254", "link_local"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["2001::1", "reserved"],
    ["100::1", "reserved"],
    ["::8.8.8.8", "reserved"],
    ["not an address", "reserved"],
    // IPv4 inside IPv6: judged by the IPv4 address the packets end up at.
    ["::ffff:10.0.0.1", "private"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "link_local"],
    ["64:ff9b::127.0.0.1", "loopback"],
    ["2002:c0a8:0101::1", "private"],
    ["2002:7f00:0001::", "loopback"],
  ])("%s is %s", (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(["8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:0808:0808::1"])(
    "%s is globally reachable",
    (address) => {
      expect(classifyAddress(address)).toBeUndefined();
    },
  );
});

describe("addressPolicy", () => {
  it("refuses loopback unless allowed, and nothing else internal either way", () => {
    const strict = addressPolicy({ allowLoopback: false });
    const dev = addressPolicy({ allowLoopback: true });
    expect([strict.blocked("127.0.0.1"), strict.blocked("::1"), strict.blocked("8.8.8.8")]).toEqual(["loopback", "loopback", undefined]);
    expect([dev.blocked("127.0.0.1"), dev.blocked("::ffff:127.0.0.1"), dev.blocked("::1")]).toEqual([undefined, undefined, undefined]);
    expect([dev.blocked("10.0.0.1"), dev.blocked("169.254.169.254"), dev.blocked("0.0.0.0")]).toEqual(["private", "link_local", "unspecified"]);
  });
});
