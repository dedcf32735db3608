import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStaticPages } from "./static-pages";

const HTML = "<!DOCTYPE html><html><body>join page</body></html>";
let server: Server;
let base = "";
const passedOn: string[] = [];

beforeAll(async () => {
  const dist = mkdtempSync(path.join(tmpdir(), "rollcall-dist-"));
  mkdirSync(path.join(dist, "server", "app"), { recursive: true });
  writeFileSync(path.join(dist, "server", "app", "join.html"), HTML);
  const serve = loadStaticPages(dist, ["/join", "/missing"]);
  server = createServer((req, res) => {
    if (serve(req, res)) return;
    passedOn.push(req.url ?? "");
    res.writeHead(418).end("next");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("prerendered pages served from memory", () => {
  it("serves /join with or without a query, gzipped when asked, with an ETag that answers 304", async () => {
    const plain = await fetch(`${base}/join?t=abc.0.1.xyz`, { headers: { "accept-encoding": "identity" } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await plain.text()).toBe(HTML);

    const raw = await new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve) => {
      const req = get(`${base}/join`, { headers: { "accept-encoding": "gzip, br" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.end();
    });
    expect(raw.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(raw.body).toString()).toBe(HTML);

    const etag = plain.headers.get("etag")!;
    const again = await fetch(`${base}/join`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });

  it("leaves Next's client navigations, other paths, other methods and unbuilt pages to Next", async () => {
    passedOn.length = 0;
    expect((await fetch(`${base}/join`, { headers: { rsc: "1" } })).status).toBe(418);
    expect((await fetch(`${base}/join?_rsc=1x2`)).status).toBe(418);
    expect((await fetch(`${base}/join/extra`)).status).toBe(418);
    expect((await fetch(`${base}/missing`)).status).toBe(418);
    expect((await fetch(`${base}/join`, { method: "POST" })).status).toBe(418);
    expect(passedOn).toEqual(["/join", "/join?_rsc=1x2", "/join/extra", "/missing", "/join"]);
  });
});
