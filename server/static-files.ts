import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

/**
 * Every file a phone needs for /join, answered from memory without Next's
 * request pipeline: the build's `/_next/static` files, `public/` (icons,
 * favicon, service worker), the web app manifest and the prerendered pages.
 * Each is compressed once at start (brotli and gzip, in the thread pool), so a
 * request costs a map lookup and a write. Next ran its whole pipeline for each
 * of these and gzipped it again per request: ~20 ms of CPU per cold phone.
 * Anything not found here (and every non-GET/HEAD request) falls through to Next.
 */

export type StaticKind = "page" | "asset" | "public" | "manifest";

export type StaticFilesOptions = {
  /** Next's build folder (`.next`). */
  distDir: string;
  /** The project's `public/` folder. */
  publicDir: string;
  /** Prerendered routes to serve from memory (their HTML must exist in the build). */
  pages: string[];
  /** Headers a response of this path carries besides content and caching (security headers…), decided once per file. */
  extraHeaders?: (pathname: string, kind: StaticKind) => Record<string, string>;
};

export type StaticFiles = {
  /** Answers the request and returns true, or returns false for Next to answer it. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  paths(): string[];
};

type Encoding = "br" | "gzip";
type Variant = { body: Buffer; headers: OutgoingHttpHeaders };
type Entry = {
  kind: StaticKind;
  etag: string;
  identity: Variant;
  br: Variant | null;
  gzip: Variant | null;
  notModified: OutgoingHttpHeaders;
};

/** Immutable: the build names these files by their content. */
const ASSET_CACHE = "public, max-age=31536000, immutable";
/** Icons and the manifest keep their names across deploys: a day fresh, then revalidated (ETag). */
const PUBLIC_CACHE = "public, max-age=86400";
/** Browsers check the service worker on every navigation anyway; it must never be stale after a deploy. */
const REVALIDATE = "no-cache";
/** What Next sends with a prerendered page, so browsers and caches see no difference. */
const PAGE_CACHE = "s-maxage=31536000";
const PAGE_VARY = "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch, Accept-Encoding";

const TYPES: Record<string, string> = {
  ".js": "application/javascript; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".wasm": "application/wasm",
};
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|manifest\+json|wasm)|image\/(svg\+xml|x-icon))/;

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The encoding to send for an `Accept-Encoding` header, among those we have:
 * the highest q-value wins, brotli on a tie (it is smaller); `q=0` refuses;
 * `*` stands for any coding not named. No header means identity.
 */
export function chooseEncoding(acceptEncoding: string | string[] | undefined, available: { br: boolean; gzip: boolean }): Encoding | null {
  if (!acceptEncoding) return null;
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(",") : acceptEncoding;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    if (Number.isFinite(weight)) q.set(name.trim(), weight);
  }
  const weightOf = (coding: Encoding) => q.get(coding) ?? (coding === "gzip" ? q.get("x-gzip") : undefined) ?? q.get("*") ?? 0;
  const br = available.br ? weightOf("br") : 0;
  const gz = available.gzip ? weightOf("gzip") : 0;
  if (br <= 0 && gz <= 0) return null;
  return br >= gz ? "br" : "gzip";
}

/** Weak comparison (RFC 9110 §13.1.2): does `If-None-Match` name this entity tag (or `*`)? */
export function etagMatches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const header = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(",") : ifNoneMatch;
  const opaque = etag.replace(/^W\//, "");
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag.replace(/^W\//, "") === opaque;
  });
}

function walk(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith(".")) return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, base) : e.isFile() ? [full] : [];
  });
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

type Source = { pathname: string; kind: StaticKind; body: Buffer; type: string; cacheControl: string; vary?: string; extra?: Record<string, string> };

async function compressed(body: Buffer, type: string): Promise<{ br: Buffer | null; gzip: Buffer | null }> {
  if (!COMPRESSIBLE.test(type) || body.length < 256) return { br: null, gzip: null };
  const [br, gz] = await Promise.all([
    brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzipAsync(body, { level: 9 }),
  ]);
  // Only worth sending when it saves something.
  return { br: br.length < body.length * 0.95 ? br : null, gzip: gz.length < body.length * 0.95 ? gz : null };
}

async function entryOf(s: Source, extraHeaders: StaticFilesOptions["extraHeaders"]): Promise<Entry> {
  const etag = `W/"${createHash("sha1").update(s.body).digest("base64url").slice(0, 22)}"`;
  const { br, gzip: gz } = await compressed(s.body, s.type);
  const vary = s.vary ?? (br || gz ? "Accept-Encoding" : undefined);
  const common: OutgoingHttpHeaders = {
    ...extraHeaders?.(s.pathname, s.kind),
    ...s.extra,
    "cache-control": s.cacheControl,
    etag,
    ...(vary ? { vary } : {}),
  };
  const variant = (body: Buffer, encoding: Encoding | null): Variant => ({
    body,
    headers: { ...common, "content-type": s.type, ...(encoding ? { "content-encoding": encoding } : {}), "content-length": body.length },
  });
  return {
    kind: s.kind,
    etag,
    identity: variant(s.body, null),
    br: br ? variant(br, "br") : null,
    gzip: gz ? variant(gz, "gzip") : null,
    notModified: common,
  };
}

function pageFile(distDir: string, route: string): string | null {
  const name = route === "/" ? "index" : route.replace(/^\//, "");
  for (const router of ["app", "pages"]) {
    const file = path.join(distDir, "server", router, `${name}.html`);
    if (existsSync(file)) return file;
  }
  return null;
}

/** The manifest app/manifest.ts prerenders at build time, with the content type Next recorded for it. */
function manifestSource(distDir: string): Source | null {
  const body = path.join(distDir, "server", "app", "manifest.webmanifest.body");
  if (!existsSync(body)) return null;
  let type = "application/manifest+json";
  try {
    const meta = JSON.parse(readFileSync(path.join(distDir, "server", "app", "manifest.webmanifest.meta"), "utf8")) as { headers?: Record<string, string> };
    type = meta.headers?.["content-type"] ?? type;
  } catch {
    // The default type is right for a manifest.
  }
  return { pathname: "/manifest.webmanifest", kind: "manifest", body: readFileSync(body), type, cacheControl: PUBLIC_CACHE };
}

function sources(opts: StaticFilesOptions): Source[] {
  const out: Source[] = [];
  const staticDir = path.join(opts.distDir, "static");
  for (const file of walk(staticDir)) {
    const rel = path.relative(staticDir, file).split(path.sep).join("/");
    out.push({ pathname: `/_next/static/${rel}`, kind: "asset", body: readFileSync(file), type: contentType(file), cacheControl: ASSET_CACHE });
  }
  for (const file of walk(opts.publicDir)) {
    const rel = path.relative(opts.publicDir, file).split(path.sep).join("/");
    const pathname = `/${rel}`;
    out.push({ pathname, kind: "public", body: readFileSync(file), type: contentType(file), cacheControl: pathname === "/sw.js" ? REVALIDATE : PUBLIC_CACHE });
  }
  const manifest = manifestSource(opts.distDir);
  if (manifest) out.push(manifest);
  for (const route of opts.pages) {
    const file = pageFile(opts.distDir, route);
    if (!file) continue;
    out.push({
      pathname: route,
      kind: "page",
      body: readFileSync(file),
      type: "text/html; charset=utf-8",
      cacheControl: PAGE_CACHE,
      vary: PAGE_VARY,
      extra: { "x-nextjs-prerender": "1" },
    });
  }
  return out;
}

/** Next's own client navigations ask a page for its RSC payload: those stay Next's. */
function isRscRequest(req: IncomingMessage, url: string): boolean {
  return !!(req.headers.rsc || req.headers["next-router-prefetch"] || req.headers["next-router-state-tree"] || /[?&]_rsc(=|&|$)/.test(url));
}

/** Reads and compresses every file once (compression runs in the thread pool, files in parallel). */
export async function loadStaticFiles(opts: StaticFilesOptions): Promise<StaticFiles> {
  const files = new Map<string, Entry>();
  const all = sources(opts);
  const entries = await Promise.all(all.map((s) => entryOf(s, opts.extraHeaders)));
  all.forEach((s, i) => files.set(s.pathname, entries[i]));

  function serve(req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.method;
    if (method !== "GET" && method !== "HEAD") return false;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const entry = files.get(q < 0 ? url : url.slice(0, q));
    if (!entry) return false;
    if (entry.kind === "page" && isRscRequest(req, url)) return false;

    if (etagMatches(req.headers["if-none-match"], entry.etag)) {
      res.writeHead(304, entry.notModified).end();
      return true;
    }
    const encoding = chooseEncoding(req.headers["accept-encoding"], { br: !!entry.br, gzip: !!entry.gzip });
    const variant = (encoding === "br" ? entry.br : encoding === "gzip" ? entry.gzip : null) ?? entry.identity;
    res.writeHead(200, variant.headers);
    res.end(method === "HEAD" ? undefined : variant.body);
    return true;
  }

  return { serve, paths: () => [...files.keys()] };
}

