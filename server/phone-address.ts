import type { Env } from "@/lib/env";

/**
 * What the start says about the address phones get (the QR code and "go to …/join"): which one, why, the
 * others this computer has, and how to choose another. A teacher reads this once, before the first class.
 */
export function describePhoneAddress(env: Pick<Env, "APP_URL" | "APP_URL_SOURCE" | "LAN_ADDRESSES">, scheme: string, port: number): string[] {
  const url = (address: string) => `${scheme}://${address}:${port}`;
  switch (env.APP_URL_SOURCE) {
    case "setting":
      return [`  phones use ${env.APP_URL} (APP_URL)`];
    case "lan": {
      const [chosen, ...others] = env.LAN_ADDRESSES;
      return [
        `  phones use ${env.APP_URL} (this computer on ${chosen.interface}; QR codes point there)`,
        ...others.map((o) => `  also on ${o.interface}: ${url(o.address)}`),
        `  to give phones another address, start with APP_URL set, e.g. APP_URL=${others.length ? url(others[0].address) : "https://rollcall.example.edu"} npm start`,
      ];
    }
    case "loopback":
      return [
        `  no network address: phones cannot reach this computer, and QR codes point to ${env.APP_URL}, which means "this phone" on a phone.`,
        `  connect to the classroom network and restart, or start with APP_URL set to an address phones can reach.`,
      ];
  }
}
