import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { gzipSync } from "node:zlib";

type Page = { raw: Buffer; gzip: Buffer; etag: string };

// What Next sends with a prerendered page, so browsers and caches see no difference.
const VARY = "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch, Accept-Encoding";

/**
 * The whole lecture hall loads /join in the same minute. It is prerendered at
 * build time, yet Next runs its full request pipeline and gzips it again on
 * every request (~1.8 ms of CPU each, a third of the server's work in the
 * benchmark). These pages are read and compressed once, then served from
 * memory; Next still answers its own client-side navigation requests (RSC).
 */
export function loadStaticPages(distDir: string, routes: string[]) {
  const pages = new Map<string, Page>();
  for (const route of routes) {
    const file = path.join(distDir, "server", "app", `${route.replace(/^\//, "")}.html`);
    if (!existsSync(file)) continue;
    const raw = readFileSync(file);
    pages.set(route, { raw, gzip: gzipSync(raw, { level: 9 }), etag: `"${createHash("sha1").update(raw).digest("base64url").slice(0, 16)}"` });
  }

  return function serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (pages.size === 0 || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const page = pages.get(q < 0 ? url : url.slice(0, q));
    if (!page) return false;
    if (req.headers.rsc || req.headers["next-router-prefetch"] || req.headers["next-router-state-tree"] || /[?&]_rsc(=|&|$)/.test(url)) return false;

    const headers: Record<string, string> = {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "s-maxage=31536000",
      etag: page.etag,
      vary: VARY,
      "x-nextjs-prerender": "1",
    };
    if (req.headers["if-none-match"] === page.etag) {
      res.writeHead(304, headers).end();
      return true;
    }
    const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const body = gzip ? page.gzip : page.raw;
    if (gzip) headers["content-encoding"] = "gzip";
    headers["content-length"] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
