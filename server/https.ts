import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import path from "node:path";
import selfsigned from "selfsigned";

/** LAN IPv4 addresses, so phones on the classroom Wi-Fi can reach the laptop. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NonNullable<typeof i> => !!i && i.family === "IPv4" && !i.internal)
    .map((i) => i.address);
}

const CERT_DAYS = 825; // Apple's ceiling for a TLS server certificate; longer ones are refused outright.
const RENEW_BEFORE_MS = 7 * 24 * 60 * 60 * 1000;

/** Every name a phone or this laptop may use to reach the server. */
export function certificateHosts(): string[] {
  const name = hostname().toLowerCase();
  // The machine's own name (and its mDNS .local form) when it is a valid DNS name.
  const named = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/.test(name) && name !== "localhost";
  const names = ["localhost", ...(named ? [name, ...(name.includes(".") ? [] : [`${name}.local`])] : [])];
  return [...new Set([...names, "127.0.0.1", "::1", ...lanAddresses()])];
}

function isIp(host: string): boolean {
  return isIP(host) !== 0;
}

function stillGood(certPem: string, hosts: string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    // Node prints IPv6 SANs expanded, so compare hosts by checking each one.
    return hosts.every((h) => (isIp(h) ? cert.checkIP(h) !== undefined : cert.checkHost(h) !== undefined));
  } catch {
    return false;
  }
}

/**
 * A self-signed certificate for this machine's names and LAN addresses, made
 * once and kept in the data folder (renewed when the addresses change or it
 * nears expiry). Phones show a warning once; after that the in-page camera
 * works, which browsers allow only on HTTPS.
 */
export async function selfSignedCertificate(dataDir: string, hosts: string[] = certificateHosts()): Promise<{ key: string; cert: string; file: string }> {
  const dir = path.join(dataDir, "https");
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  if (existsSync(keyFile) && existsSync(certFile)) {
    const cert = readFileSync(certFile, "utf8");
    if (stillGood(cert, hosts)) return { key: readFileSync(keyFile, "utf8"), cert, file: certFile };
  }
  const altNames = hosts.map((h) => (isIp(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h }));
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000); // a phone whose clock runs a little behind
  const notAfterDate = new Date(notBeforeDate.getTime() + CERT_DAYS * 24 * 60 * 60 * 1000);
  const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }, { name: "organizationName", value: "Rollcall (local)" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    // Giving any extension replaces selfsigned's defaults, so all of them are
    // listed: iOS and macOS refuse a server certificate without serverAuth.
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert, file: certFile };
}
