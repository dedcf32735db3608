import { certificateHosts } from "./https";

/**
 * The browser origins allowed to open a socket: APP_URL's, and the addresses
 * this server itself answers on (its LAN addresses, host name and loopback
 * names, on the port it listens on, with its own scheme). Never anything from
 * the request: a page on `http://evil.example` that rebinds that name to this
 * server sends `Host: evil.example` and must still be refused.
 *
 * Loopback is included in production too: a teacher whose APP_URL is the LAN
 * address may open the console as http://localhost:3000 on the same laptop,
 * and no other site can make a browser send that origin.
 */
export function servedOrigins(appUrl: string, listening: () => { port: number | null; secure: boolean }, refreshMs = 30_000) {
  let cached: { at: number; set: Set<string> } | null = null;
  const build = () => {
    const set = new Set([new URL(appUrl).origin]);
    const { port, secure } = listening();
    if (port !== null) {
      const scheme = secure ? "https" : "http";
      const defaultPort = secure ? 443 : 80;
      for (const host of certificateHosts()) {
        const name = host.includes(":") ? `[${host}]` : host;
        set.add(port === defaultPort ? `${scheme}://${name}` : `${scheme}://${name}:${port}`);
      }
    }
    return set;
  };
  const current = () => {
    const t = Date.now();
    // Interfaces change (a laptop joins another Wi-Fi): look again now and then.
    if (!cached || t - cached.at > refreshMs) cached = { at: t, set: build() };
    return cached.set;
  };
  return {
    has: (origin: string) => current().has(origin),
    list: () => [...current()],
  };
}
