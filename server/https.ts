import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import path from "node:path";
import selfsigned from "selfsigned";

/** LAN IPv4 addresses, so phones on the classroom Wi-Fi can reach the laptop. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NonNullable<typeof i> => !!i && i.family === "IPv4" && !i.internal)
    .map((i) => i.address);
}

/**
 * A self-signed certificate for this machine's names and LAN addresses, made
 * once and kept in the data folder. Phones show a warning once; after that the
 * in-page camera works, which browsers allow only on HTTPS.
 */
export async function selfSignedCertificate(dataDir: string): Promise<{ key: string; cert: string; file: string }> {
  const dir = path.join(dataDir, "https");
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  const hosts = ["localhost", "127.0.0.1", ...lanAddresses()];
  const hostsFile = path.join(dir, "hosts.txt");
  if (existsSync(keyFile) && existsSync(certFile) && existsSync(hostsFile) && readFileSync(hostsFile, "utf8") === hosts.join(",")) {
    return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), file: certFile };
  }
  const altNames = hosts.map((h) => (/^\d+\.\d+\.\d+\.\d+$/.test(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h }));
  const pems = await selfsigned.generate([{ name: "commonName", value: "Rollcall (local)" }], {
    keySize: 2048,
    days: 825,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames }],
  } as Parameters<typeof selfsigned.generate>[1]);
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  writeFileSync(hostsFile, hosts.join(","));
  return { key: pems.private, cert: pems.cert, file: certFile };
}
