import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { defaultRouteInterface, isLoopbackHost, rankLanAddresses } from "./network";

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, family: "IPv4", internal, netmask: "255.255.255.0", mac: "00:00:00:00:00:00", cidr: `${address}/24` });
const v6 = (address: string): NetworkInterfaceInfo => ({ address, family: "IPv6", internal: false, netmask: "ffff::", mac: "00:00:00:00:00:00", cidr: `${address}/64`, scopeid: 0 });

describe("rankLanAddresses", () => {
  it("puts the Wi-Fi before Docker's bridge, a VPN and Tailscale, and leaves out loopback, IPv6 and link-local", () => {
    const interfaces = {
      lo: [v4("127.0.0.1", true)],
      docker0: [v4("172.17.0.1")],
      tun0: [v4("10.8.0.6")],
      tailscale0: [v4("100.101.102.103")],
      eth1: [v4("169.254.10.20")],
      wlan0: [v4("192.168.1.23"), v6("fe80::1")],
    };
    expect(rankLanAddresses({ interfaces, defaultRoute: null })).toEqual([
      { interface: "wlan0", address: "192.168.1.23" },
      { interface: "docker0", address: "172.17.0.1" },
      { interface: "tun0", address: "10.8.0.6" },
    ]);
  });

  it("prefers the default route's interface, then real cards, then private ranges, then the system's order", () => {
    const interfaces = { en0: [v4("192.168.0.10")], en7: [v4("130.237.1.5")], bridge100: [v4("192.168.2.1")] };
    expect(rankLanAddresses({ interfaces, defaultRoute: "en7" }).map((a) => a.interface)).toEqual(["en7", "en0", "bridge100"]);
    expect(rankLanAddresses({ interfaces, defaultRoute: null }).map((a) => a.interface)).toEqual(["en0", "en7", "bridge100"]);
    // A university network with public addresses on the only card still gets chosen.
    expect(rankLanAddresses({ interfaces: { eth0: [v4("130.237.1.5")] }, defaultRoute: null })).toEqual([{ interface: "eth0", address: "130.237.1.5" }]);
  });

  it("has nothing to offer when the machine is on no network", () => {
    expect(rankLanAddresses({ interfaces: { lo: [v4("127.0.0.1", true)] }, defaultRoute: null })).toEqual([]);
  });
});

describe("defaultRouteInterface", () => {
  it("reads the default route with the lowest metric from Linux's routing table", () => {
    const table = [
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
      "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0",
      "eth0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0",
      "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
      "",
    ].join("\n");
    expect(defaultRouteInterface(table)).toBe("wlan0");
    expect(defaultRouteInterface("Iface\tDestination\n")).toBeNull();
  });
});

describe("isLoopbackHost", () => {
  it("knows the names that mean this machine", () => {
    for (const h of ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "[::1]", "app.localhost"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["192.168.1.23", "rollcall.example.edu", "localhost.example.com"]) expect(isLoopbackHost(h), h).toBe(false);
  });
});
