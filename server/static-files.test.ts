import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseEncoding, etagMatches, loadStaticFiles } from "./static-files";

const HTML = `<!DOCTYPE html><html><body>${"join page ".repeat(60)}</body></html>`;
const JS = `console.log(${JSON.stringify("a chunk of the app ".repeat(200))});`;
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const MANIFEST = JSON.stringify({ name: "Rollcall", short_name: "Rollcall", start_url: "/join", icons: Array.from({ length: 8 }, (_, i) => ({ src: `/icons/${i}.png` })) });

let server: Server;
let base = "";
const passedOn: string[] = [];

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** A raw request: no client-side decompression, so the test sees the bytes on the wire. */
function raw(pathname: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${pathname}`, { method: init.method ?? "GET", headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  const root = mkdtempSync(path.join(tmpdir(), "rollcall-static-"));
  const dist = path.join(root, ".next");
  mkdirSync(path.join(dist, "server", "app"), { recursive: true });
  mkdirSync(path.join(dist, "static", "chunks"), { recursive: true });
  mkdirSync(path.join(root, "public", "icons"), { recursive: true });
  writeFileSync(path.join(dist, "server", "app", "join.html"), HTML);
  writeFileSync(path.join(dist, "server", "app", "manifest.webmanifest.body"), MANIFEST);
  writeFileSync(path.join(dist, "server", "app", "manifest.webmanifest.meta"), JSON.stringify({ headers: { "content-type": "application/manifest+json" } }));
  writeFileSync(path.join(dist, "static", "chunks", "app-1a2b.js"), JS);
  writeFileSync(path.join(root, "public", "icons", "icon-192.png"), PNG);
  writeFileSync(path.join(root, "public", "sw.js"), JS);
  writeFileSync(path.join(root, "public", ".hidden"), "not served");
  const files = await loadStaticFiles({
    distDir: dist,
    publicDir: path.join(root, "public"),
    pages: ["/join", "/missing"],
    extraHeaders: (_pathname, kind): Record<string, string> => (kind === "page" ? { "x-frame-options": "DENY" } : { "x-content-type-options": "nosniff" }),
  });
  server = createServer((req, res) => {
    if (files.serve(req, res)) return;
    passedOn.push(`${req.method} ${req.url}`);
    res.writeHead(418).end("next");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("choosing the encoding", () => {
  const both = { br: true, gzip: true };
  it("prefers brotli when the browser takes both, as Chromium and Safari do", () => {
    expect(chooseEncoding("gzip, deflate, br, zstd", both)).toBe("br");
    expect(chooseEncoding("br;q=1.0, gzip;q=0.8, *;q=0.1", both)).toBe("br");
  });
  it("honours q-values and refusals", () => {
    expect(chooseEncoding("gzip;q=1, br;q=0.5", both)).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip", both)).toBe("gzip");
    expect(chooseEncoding("gzip;q=0, br;q=0", both)).toBeNull();
    expect(chooseEncoding("*", both)).toBe("br");
    expect(chooseEncoding("*;q=0, gzip", both)).toBe("gzip");
    expect(chooseEncoding("x-gzip", both)).toBe("gzip");
  });
  it("sends identity without a header, for unknown codings, or when no compressed copy exists", () => {
    expect(chooseEncoding(undefined, both)).toBeNull();
    expect(chooseEncoding("", both)).toBeNull();
    expect(chooseEncoding("identity", both)).toBeNull();
    expect(chooseEncoding("deflate, zstd", both)).toBeNull();
    expect(chooseEncoding("br", { br: false, gzip: true })).toBeNull();
    expect(chooseEncoding("gzip, br", { br: false, gzip: false })).toBeNull();
  });
});

describe("entity tags", () => {
  it("compares weakly, in lists and with a wildcard", () => {
    expect(etagMatches('W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches("*", 'W/"abc"')).toBe(true);
    expect(etagMatches('"abcd"', 'W/"abc"')).toBe(false);
    expect(etagMatches(undefined, 'W/"abc"')).toBe(false);
  });
});

describe("static files served from memory", () => {
  it("serves a build file in brotli, gzip or as is, with immutable caching and one ETag for all three", async () => {
    const br = await raw("/_next/static/chunks/app-1a2b.js", { headers: { "accept-encoding": "gzip, deflate, br, zstd" } });
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["content-type"]).toBe("application/javascript; charset=utf-8");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers.vary).toBe("Accept-Encoding");
    expect(br.headers["x-content-type-options"]).toBe("nosniff");
    expect(Number(br.headers["content-length"])).toBe(br.body.length);
    expect(brotliDecompressSync(br.body).toString()).toBe(JS);

    const gz = await raw("/_next/static/chunks/app-1a2b.js", { headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe(JS);

    const plain = await raw("/_next/static/chunks/app-1a2b.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(JS);
    expect(br.body.length).toBeLessThan(gz.body.length);
    expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(1);
  });

  it("answers 304 to a matching If-None-Match, whatever the encoding", async () => {
    const first = await raw("/_next/static/chunks/app-1a2b.js", { headers: { "accept-encoding": "br" } });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await raw("/_next/static/chunks/app-1a2b.js", { headers: { "if-none-match": etag, "accept-encoding": "gzip" } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const stale = await raw("/_next/static/chunks/app-1a2b.js", { headers: { "if-none-match": 'W/"something-else"' } });
    expect(stale.status).toBe(200);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const head = await raw("/_next/static/chunks/app-1a2b.js", { method: "HEAD", headers: { "accept-encoding": "gzip" } });
    const get = await raw("/_next/static/chunks/app-1a2b.js", { headers: { "accept-encoding": "gzip" } });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers["content-length"]).toBe(get.headers["content-length"]);
    expect(head.headers["content-encoding"]).toBe("gzip");
  });

  it("serves public files, leaving images uncompressed, and the service worker always revalidated", async () => {
    const icon = await raw("/icons/icon-192.png", { headers: { "accept-encoding": "br, gzip" } });
    expect(icon.status).toBe(200);
    expect(icon.headers["content-type"]).toBe("image/png");
    expect(icon.headers["content-encoding"]).toBeUndefined();
    expect(icon.headers.vary).toBeUndefined();
    expect(icon.headers["cache-control"]).toBe("public, max-age=86400");
    expect(icon.body.equals(PNG)).toBe(true);
    const sw = await raw("/sw.js", { headers: { "accept-encoding": "br" } });
    expect(sw.headers["cache-control"]).toBe("no-cache");
    expect(brotliDecompressSync(sw.body).toString()).toBe(JS);
  });

  it("serves the prebuilt manifest with its content type", async () => {
    const m = await raw("/manifest.webmanifest", { headers: { "accept-encoding": "gzip" } });
    expect(m.status).toBe(200);
    expect(m.headers["content-type"]).toBe("application/manifest+json");
    expect(JSON.parse(gunzipSync(m.body).toString())).toMatchObject({ start_url: "/join" });
  });

  it("serves a prerendered page with or without a query, as Next would, with the page's own headers", async () => {
    const page = await raw("/join?t=abc.0.1.xyz", { headers: { "accept-encoding": "gzip, br" } });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["x-nextjs-prerender"]).toBe("1");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    expect(page.headers.vary).toContain("Accept-Encoding");
    expect(brotliDecompressSync(page.body).toString()).toBe(HTML);
    expect((await raw("/join", { headers: { "if-none-match": page.headers.etag as string } })).status).toBe(304);
  });

  it("leaves unknown paths, other methods, hidden files, unbuilt pages and Next's client navigations to Next", async () => {
    passedOn.length = 0;
    expect((await raw("/_next/static/chunks/unknown.js")).status).toBe(418);
    expect((await raw("/icons/icon-192.png/x")).status).toBe(418);
    expect((await raw("/.hidden")).status).toBe(418);
    expect((await raw("/missing")).status).toBe(418);
    expect((await raw("/join/extra")).status).toBe(418);
    expect((await raw("/join", { method: "POST" })).status).toBe(418);
    expect((await raw("/join", { headers: { rsc: "1" } })).status).toBe(418);
    expect((await raw("/join?_rsc=1x2")).status).toBe(418);
    expect((await raw("/api/checkin")).status).toBe(418);
    expect(passedOn).toEqual([
      "GET /_next/static/chunks/unknown.js",
      "GET /icons/icon-192.png/x",
      "GET /.hidden",
      "GET /missing",
      "GET /join/extra",
      "POST /join",
      "GET /join",
      "GET /join?_rsc=1x2",
      "GET /api/checkin",
    ]);
  });
});
