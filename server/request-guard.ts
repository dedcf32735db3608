import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@/lib/errors";

/**
 * Requests Next must never see. Its router decodes every dynamic path segment
 * with decodeURIComponent and answers a malformed escape (`%FF`, `%`, `%C0%AE`)
 * with a bare 500 before any route or auth runs. The path is checked here,
 * where every request enters: API paths get SPEC §4's envelope, pages the
 * app's own 404 page.
 */
export function malformedPath(url: string | undefined): boolean {
  const raw = url ?? "/";
  const end = raw.search(/[?#]/);
  const path = end < 0 ? raw : raw.slice(0, end);
  if (!path.includes("%")) return false;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

export const isApiPath = (url: string | undefined) => /^\/api(\/|\?|$)/.test(url ?? "");

/** A path no route matches: Next renders the app's not-found page for it, with status 404. */
export const NOT_FOUND_PATH = "/_rollcall-not-found";

export function writeError(res: ServerResponse, error: AppError, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: error.toJSON() });
  res.writeHead(error.status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

/**
 * Answers a request with a malformed path: true when it was answered here.
 * For a page, rewrites the URL so Next renders the 404 page instead (false).
 */
export function guardPath(req: IncomingMessage, res: ServerResponse): boolean {
  if (!malformedPath(req.url)) return false;
  if (isApiPath(req.url)) {
    writeError(res, new AppError("invalid_input", "The address contains a malformed %-escape."));
    return true;
  }
  req.url = NOT_FOUND_PATH;
  return false;
}
