import { readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/**
 * The page as Rollcall served it — /join and every file the plan fetches, with
 * the status and cache headers Rollcall gave them — written to disk by the
 * bench and served from memory by the floor, so both servers send a phone the
 * same bytes.
 */
export type BundleFile = { path: string; status: number; headers: Record<string, string>; bodyFile: string };
export type PageBundle = { sessionCookie: string; files: BundleFile[] };

/** What the floor repeats of Rollcall's response headers: what decides a browser's caching and how it reads the body. */
const KEPT = ["content-type", "cache-control", "etag", "last-modified"];

export function writeBundle(dir: string, sessionCookie: string, files: Array<{ path: string; status: number; headers: Record<string, string>; body: Buffer }>): string {
  const out: PageBundle = { sessionCookie, files: [] };
  files.forEach((f, i) => {
    const bodyFile = path.join(dir, `page-file-${i}`);
    writeFileSync(bodyFile, f.body);
    const headers = Object.fromEntries(KEPT.filter((k) => f.headers[k]).map((k) => [k, f.headers[k]]));
    out.files.push({ path: f.path.split("?")[0], status: f.status, headers, bodyFile });
  });
  const file = path.join(dir, "page-bundle.json");
  writeFileSync(file, JSON.stringify(out, null, 2));
  return file;
}

type Served = { status: number; headers: Record<string, string>; identity: Buffer; gzip: Buffer | null; br: Buffer | null };

const compressible = (type: string | undefined) => /^(text\/|application\/(javascript|json|manifest\+json|xml)|image\/svg)/.test(type ?? "");

export function loadBundle(file: string): { sessionCookie: string; files: Map<string, Served> } {
  const bundle = JSON.parse(readFileSync(file, "utf8")) as PageBundle;
  const files = new Map<string, Served>();
  for (const f of bundle.files) {
    const identity = readFileSync(f.bodyFile);
    const squeeze = compressible(f.headers["content-type"]);
    files.set(f.path, {
      status: f.status,
      headers: f.headers,
      identity,
      gzip: squeeze ? gzipSync(identity, { level: 9 }) : null,
      br: squeeze ? brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }) : null,
    });
  }
  return { sessionCookie: bundle.sessionCookie, files };
}

/**
 * What a good static server does: every file compressed once (brotli and gzip),
 * the encoding chosen by Accept-Encoding, a 304 for a matching validator. Query
 * strings are ignored (the deep link's token does not change the page).
 */
export function staticServer(bundle: { files: Map<string, Served> }) {
  return function serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const f = bundle.files.get(q < 0 ? url : url.slice(0, q));
    if (!f) return false;
    const headers: Record<string, string> = { ...f.headers };
    if (f.gzip) headers.vary = "Accept-Encoding";
    const inm = req.headers["if-none-match"];
    const ims = req.headers["if-modified-since"];
    if (f.status === 200 && ((inm && inm === f.headers.etag) || (!inm && ims && ims === f.headers["last-modified"]))) {
      res.writeHead(304, headers).end();
      return true;
    }
    const accept = String(req.headers["accept-encoding"] ?? "");
    let body = f.identity;
    if (f.br && /\bbr\b/.test(accept)) {
      body = f.br;
      headers["content-encoding"] = "br";
    } else if (f.gzip && /\bgzip\b/.test(accept)) {
      body = f.gzip;
      headers["content-encoding"] = "gzip";
    }
    headers["content-length"] = String(body.length);
    res.writeHead(f.status, headers);
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
