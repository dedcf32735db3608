import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServedRequest } from "./page-plan";

export type { ServedRequest };

/**
 * What reached a bench server, in order, while the page is recorded in
 * Chromium: the browser's own view cannot tell a request that went out from
 * one its HTTP cache or the page's service worker answered, and the worker's
 * requests (and the browser's update checks of the worker) are partly hidden
 * from it. `/__bench/requests?start` starts a log, `/__bench/requests` returns
 * it and stops. Bench servers only.
 */
export const REQUESTS_PATH = "/__bench/requests";

const flat = (h: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : String(v)]));

export function requestLog() {
  let log: ServedRequest[] | null = null;
  return function intercept(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? "/";
    if (url === REQUESTS_PATH || url.startsWith(`${REQUESTS_PATH}?`)) {
      const start = url.includes("?start");
      const body = start ? [] : (log ?? []);
      log = start ? [] : null;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      return true;
    }
    if (log) {
      const entry: ServedRequest = { at: Date.now(), method: req.method ?? "GET", path: url, requestHeaders: flat(req.headers), status: 0, responseHeaders: {} };
      log.push(entry);
      // Headers given to writeHead() directly (as the static files are sent) never show in getHeaders(): keep both.
      let written: Record<string, unknown> = {};
      const writeHead = res.writeHead;
      res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
        const headers = args.find((a) => a !== null && typeof a === "object" && !Array.isArray(a));
        if (headers) written = headers as Record<string, unknown>;
        return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
      } as typeof res.writeHead;
      res.once("finish", () => {
        entry.status = res.statusCode;
        entry.responseHeaders = { ...flat(res.getHeaders()), ...flat(written) };
      });
    }
    return false;
  };
}
