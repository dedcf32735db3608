import { logLimited, suppressedNote } from "../log";
import { processSingleton } from "../process-store";

/**
 * What browsers tell us when the Content-Security-Policy blocked something
 * (`report-uri /api/csp-report`). A violation on our own pages is a bug —
 * a script the policy does not know — or someone injecting one, so each kind
 * is logged (once per ten minutes) and the last few are kept for the e2e
 * suite, which fails a test whose pages caused any.
 */
export type CspViolation = { directive: string; blocked: string; page: string; at: number };

const MAX_KEPT = 100;
const kept = () => processSingleton("security.cspViolations", () => [] as CspViolation[]);

/** Fetch directives a browser may name in a report; anything else is logged as one kind. */
const DIRECTIVES = new Set(
  ["default-src", "script-src", "script-src-elem", "script-src-attr", "style-src", "style-src-elem", "style-src-attr", "img-src", "font-src", "connect-src", "media-src", "object-src", "frame-src", "child-src", "worker-src", "manifest-src", "base-uri", "form-action", "frame-ancestors", "require-trusted-types-for", "trusted-types"],
);

const text = (v: unknown, max = 200) => (typeof v === "string" ? v.slice(0, max) : "");

/** The page's path only: a QR link's token must not end up in a log. */
function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return "";
  }
}

/** A blocked URL as origin and path (where it pointed, not what it carried); keywords such as `inline` as they are. */
function withoutQuery(uri: string): string {
  try {
    const u = new URL(uri);
    return u.origin !== "null" ? `${u.origin}${u.pathname}` : u.protocol.replace(/:$/, "");
  } catch {
    return uri;
  }
}

/** Reads a report in either format browsers send (report-uri's `csp-report`, or the Reporting API's list). */
export function parseCspReports(body: unknown, t = Date.now()): CspViolation[] {
  const items = Array.isArray(body) ? body.map((r) => (r as { body?: unknown })?.body) : [(body as { "csp-report"?: unknown })?.["csp-report"]];
  const out: CspViolation[] = [];
  for (const item of items.slice(0, 20)) {
    if (typeof item !== "object" || item === null) continue;
    const r = item as Record<string, unknown>;
    const directive = text(r["effective-directive"] ?? r.effectiveDirective ?? r["violated-directive"], 60);
    const blocked = text(r["blocked-uri"] ?? r.blockedURL);
    const page = pathOf(text(r["document-uri"] ?? r.documentURL, 2000));
    if (directive) out.push({ directive, blocked: withoutQuery(blocked), page, at: t });
  }
  return out;
}

export function recordCspViolations(violations: CspViolation[]): void {
  const list = kept();
  for (const v of violations) {
    list.push(v);
    if (list.length > MAX_KEPT) list.shift();
    // One line per directive and ten minutes: anyone can post reports, and a key of their own words would let them
    // write a line per request.
    logLimited(`csp:${DIRECTIVES.has(v.directive) ? v.directive : "other"}`, (n) =>
      console.warn(`[rollcall] Content-Security-Policy blocked ${v.blocked || "an inline resource"} (${v.directive}) on ${v.page || "a page"}${suppressedNote(n)}`),
    );
  }
}

/** The violations reported since the last `clear` (the e2e server's /__e2e/csp-reports). */
export function cspViolations(clear = false): CspViolation[] {
  const list = kept();
  const copy = [...list];
  if (clear) list.length = 0;
  return copy;
}
