import { readFileSync } from "node:fs";
import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";

/**
 * Which of this computer's addresses phones on the classroom network should
 * use, when APP_URL does not say. A laptop often has several: Wi-Fi, a wired
 * port, Docker's bridge, a VPN. The QR code must carry the one the room's
 * phones share, so the candidates are ranked:
 * 1. the interface of the default route (where the laptop's own traffic goes:
 *    the network it is "on"), where the system tells us (Linux);
 * 2. real network cards before virtual ones (containers, VMs, VPNs, tunnels);
 * 3. private LAN ranges (192.168/16, 10/8, 172.16/12) before others;
 * then the order the system lists them in.
 */
export type LanAddress = { interface: string; address: string };

export type NetworkView = {
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** The interface of the default route, when known. */
  defaultRoute: string | null;
};

// Bridges, container and VM networks, VPNs and tunnels: reachable from this machine, rarely from a phone.
const VIRTUAL =
  /^(docker|br-|veth|virbr|vmnet|vboxnet|vnic|lxc|lxd|incus|cni|flannel|cali|weave|podman|kube|tun|tap|utun|ipsec|ppp|wg|tailscale|zt|ham|awdl|llw|anpi|bridge|gif|stf|vethernet|virtualbox|vmware|hyper-v|nordlynx|proton|mullvad)/i;

function ipv4Parts(address: string): number[] {
  return address.split(".").map(Number);
}

function isPrivateLan(address: string): boolean {
  const [a, b] = ipv4Parts(address);
  return a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}

/** 169.254/16 (no DHCP answer: nobody else can reach it) and 100.64/10 (carrier NAT, used by Tailscale). */
function isUnreachableRange(address: string): boolean {
  const [a, b] = ipv4Parts(address);
  return (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

/** Every LAN IPv4 address of this machine, best first (see above). */
export function rankLanAddresses(view: NetworkView): LanAddress[] {
  const found: Array<LanAddress & { score: number; index: number }> = [];
  for (const [name, infos] of Object.entries(view.interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== "IPv4" || info.internal || isUnreachableRange(info.address)) continue;
      const score = (name === view.defaultRoute ? 4 : 0) + (VIRTUAL.test(name) ? 0 : 2) + (isPrivateLan(info.address) ? 1 : 0);
      found.push({ interface: name, address: info.address, score, index: found.length });
    }
  }
  return found.sort((x, y) => y.score - x.score || x.index - y.index).map(({ interface: i, address }) => ({ interface: i, address }));
}

/** The default route's interface from Linux's routing table; null elsewhere or when there is none. */
export function defaultRouteInterface(routeTable?: string): string | null {
  let table = routeTable;
  if (table === undefined) {
    try {
      table = readFileSync("/proc/net/route", "utf8");
    } catch {
      return null;
    }
  }
  let best: { name: string; metric: number } | null = null;
  for (const line of table.split("\n").slice(1)) {
    const [name, destination, , , , , metric, mask] = line.trim().split(/\s+/);
    if (destination !== "00000000" || mask !== "00000000") continue;
    const m = Number(metric);
    if (!best || m < best.metric) best = { name, metric: m };
  }
  return best?.name ?? null;
}

/** This machine's network as it is now. */
export function currentNetwork(): NetworkView {
  return { interfaces: networkInterfaces(), defaultRoute: defaultRouteInterface() };
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0"]);

/** True for an address only this machine can open: what a phone reads as "itself". */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || h.endsWith(".localhost") || /^127\./.test(h);
}
