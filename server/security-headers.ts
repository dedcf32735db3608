import { randomBytes, createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { isApiPath } from "./request-guard";

/**
 * What every response tells the browser it may do (issue 11, item 6).
 *
 * Content-Security-Policy, the Next 16 way: dynamically rendered pages get a
 * fresh nonce per request, which Next reads from the request's own
 * Content-Security-Policy header and puts on every script it renders.
 * Prerendered pages (/join, the 404 page) are built once and carry no
 * nonce, so the policy also lists the SHA-256 hashes of their inline scripts,
 * read from the build when the server starts (/join is served from memory by
 * server/static-pages.ts and never sees Next). Script files come from 'self'
 * only; there is no 'unsafe-inline' or 'unsafe-eval' for scripts in
 * production. Styles allow inline attributes (React's style props, charts).
 */
export type SecurityOptions = {
  dev: boolean;
  /** Where the build's prerendered HTML lives (Next's `server` folder: app/ and pages/); none in development. */
  prerenderedDir: string | null;
  /** The origins the socket accepts (server/origins.ts), for connect-src on browsers that do not map 'self' to ws:. */
  socketOrigins: () => string[];
  /** APP_URL: HSTS only when it is https on a real host name. */
  appUrl: string;
  /** Serving a self-signed certificate on the LAN (`--https`): never HSTS, which would make its warning unbypassable. */
  selfSigned: boolean;
};

const PERMISSIONS_BASE = ["microphone=()", "geolocation=()", "payment=()", "usb=()", "serial=()", "bluetooth=()", "display-capture=()"];
/** The camera is for the scanner on /join only. */
const CAMERA_PAGES = new Set(["/join"]);

/** Hashes of every inline script in the prerendered pages, in a stable order. */
export function inlineScriptHashes(dir: string | null): string[] {
  if (!dir || !existsSync(dir)) return [];
  const hashes = new Set<string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith(".html")) {
        const html = readFileSync(file, "utf8");
        for (const m of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
          const [, attrs, body] = m;
          // External files are 'self'; data blocks (the Pages Router's __NEXT_DATA__ JSON) never run.
          if (body.length === 0 || /\ssrc=/.test(attrs) || /\stype="(?!text\/javascript|module)/.test(attrs)) continue;
          hashes.add(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
        }
      }
    }
  };
  walk(dir);
  return [...hashes].sort();
}

const isRealHost = (host: string) => isIP(host.replace(/^\[|\]$/g, "")) === 0 && host !== "localhost" && !host.endsWith(".local") && host.includes(".");

export function securityHeaders(options: SecurityOptions) {
  const hashes = inlineScriptHashes(options.prerenderedDir);
  const app = new URL(options.appUrl);
  const hsts = !options.dev && !options.selfSigned && app.protocol === "https:" && isRealHost(app.hostname);

  function pagePolicy(nonce: string): string {
    // CSP's host-source grammar has no IPv6 literals ([::1]); 'self' covers the page's own origin anyway.
    const sockets = options.socketOrigins().filter((o) => !o.includes("[")).map((o) => o.replace(/^http/, "ws"));
    const script = options.dev ? ["'self'", "'unsafe-inline'", "'unsafe-eval'"] : ["'self'", `'nonce-${nonce}'`, ...hashes];
    return [
      "default-src 'self'",
      `script-src ${script.join(" ")}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      `connect-src 'self' ${sockets.join(" ")}`.trim(),
      "media-src 'self' blob:",
      "worker-src 'self' blob:",
      "manifest-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      // Violations are logged (lib/api/csp-reports.ts); the e2e suite fails a test whose pages caused one.
      "report-uri /api/csp-report",
    ].join("; ");
  }

  /** Sets the headers on the response, and the nonce'd policy on the request for Next to read. */
  return function apply(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "/";
    const q = url.search(/[?#]/);
    const pathname = q < 0 ? url : url.slice(0, q);
    // Next's development server answers one script it loads (_clientMiddlewareManifest.js) as JSON: under nosniff
    // the browser refuses it. Production build files are served with their real types (server/static-files.ts).
    if (!(options.dev && pathname.startsWith("/_next/"))) res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", [CAMERA_PAGES.has(pathname) ? "camera=(self)" : "camera=()", ...PERMISSIONS_BASE].join(", "));
    if (hsts && isSecure(req)) res.setHeader("Strict-Transport-Security", "max-age=31536000");
    // Script and style files need no policy of their own; documents and API answers do.
    if (pathname.startsWith("/_next/")) return;
    if (isApiPath(url)) {
      res.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      return;
    }
    const policy = pagePolicy(randomBytes(16).toString("base64"));
    res.setHeader("Content-Security-Policy", policy);
    // Next takes the nonce from the request's policy (app-render: getScriptNonceFromHeader).
    req.headers["content-security-policy"] = policy;
  };
}

function isSecure(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || (getEnv().TRUST_PROXY && req.headers["x-forwarded-proto"] === "https");
}
