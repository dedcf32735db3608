import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { request, createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { certificateHosts, selfSignedCertificate } from "./https";

const dir = mkdtempSync(path.join(tmpdir(), "rollcall-https-"));
const servers: Array<ReturnType<typeof createServer>> = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** GET over TLS, trusting only the given certificate: Node checks the chain and the host name like a browser. */
function get(port: number, host: string, ca: string, servername?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: "/", ca, servername, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function serve(pems: { key: string; cert: string }): Promise<number> {
  const server = createServer(pems, (_req, res) => res.end("rollcall over https"));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as AddressInfo).port;
}

describe("self-signed HTTPS for a classroom LAN", () => {
  it("makes a certificate a real TLS server can use for localhost and 127.0.0.1", async () => {
    const pems = await selfSignedCertificate(dir, ["localhost", "127.0.0.1", "::1", "192.168.1.20"]);
    const port = await serve(pems);
    // Hostname verification is on: these pass only if the SAN lists the name.
    expect(await get(port, "localhost", pems.cert)).toEqual({ status: 200, body: "rollcall over https" });
    expect(await get(port, "127.0.0.1", pems.cert)).toEqual({ status: 200, body: "rollcall over https" });
    await expect(get(port, "127.0.0.1", pems.cert, "not-this-machine.example")).rejects.toThrow(/altnames|Hostname/i);
  });

  it("lists every host in the SAN, is valid now and for at most 825 days, and is for TLS servers", async () => {
    const pems = await selfSignedCertificate(dir, ["localhost", "127.0.0.1", "::1", "192.168.1.20"]);
    const cert = new X509Certificate(pems.cert);
    expect(cert.subjectAltName).toContain("DNS:localhost");
    expect(cert.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(cert.subjectAltName).toContain("IP Address:192.168.1.20");
    expect(cert.checkIP("::1")).toBeDefined();
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    expect(from).toBeLessThanOrEqual(Date.now());
    expect(to - from).toBeLessThanOrEqual(825 * 24 * 60 * 60 * 1000);
    expect(to - Date.now()).toBeGreaterThan(365 * 24 * 60 * 60 * 1000);
    // iOS/macOS refuse server certificates without the serverAuth extended key usage.
    expect(cert.keyUsage).toContain("1.3.6.1.5.5.7.3.1");
    expect(cert.ca).toBe(false);
    expect(readFileSync(pems.file, "utf8")).toBe(pems.cert);
  });

  it("keeps the certificate while the addresses are unchanged and renews it when one is new", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "rollcall-https-"));
    const first = await selfSignedCertificate(d, ["localhost", "127.0.0.1"]);
    const again = await selfSignedCertificate(d, ["localhost", "127.0.0.1"]);
    expect(again.cert).toBe(first.cert);
    const moved = await selfSignedCertificate(d, ["localhost", "127.0.0.1", "10.0.0.7"]);
    expect(moved.cert).not.toBe(first.cert);
    expect(new X509Certificate(moved.cert).checkIP("10.0.0.7")).toBe("10.0.0.7");
  });

  it("covers this machine's names and LAN addresses by default", () => {
    const hosts = certificateHosts();
    expect(hosts).toContain("localhost");
    expect(hosts).toContain("127.0.0.1");
    expect(new Set(hosts).size).toBe(hosts.length);
  });
});
