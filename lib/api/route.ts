import type { z } from "zod";
import { AppError } from "../errors";
import { toErrorResponse } from "./errors";

type Params = Record<string, string | string[] | undefined>;
type Ctx = { params: Promise<Params> };
export type RouteHandler = (req: Request, ctx: Ctx) => Promise<Response>;

/** What a handler adds to whichever response goes out, its own or the error envelope. */
export type ResponseExtras = { setCookie: (header: string) => void };

export type RouteOptions = {
  /**
   * Media types this endpoint takes besides JSON, e.g. `["text/csv"]` for the
   * roster import (read them with `readText`). Anything else with a body is 415.
   */
  accept?: readonly string[];
};

/**
 * Wraps a route handler: whatever it throws becomes the SPEC error envelope,
 * so no input can produce a 5xx page or a stack trace. Cookies a handler set
 * before throwing still reach the browser (a held scan with its refusal).
 * A body that is not JSON (or one of `options.accept`) is refused with 415
 * before the handler runs: a cross-site form or `text/plain` post never
 * reaches the domain.
 */
export function route<P extends Params = Params>(
  handler: (req: Request, params: P, response: ResponseExtras) => Promise<Response> | Response,
  options: RouteOptions = {},
): RouteHandler {
  return async (req: Request, ctx: Ctx): Promise<Response> => {
    const cookies: string[] = [];
    let res: Response;
    try {
      assertBodyType(req, options.accept ?? []);
      const params = ((await ctx?.params) ?? {}) as P;
      res = await handler(req, params, { setCookie: (c) => void cookies.push(c) });
    } catch (err) {
      res = toErrorResponse(err);
    }
    for (const c of cookies) res.headers.append("set-cookie", c);
    return res;
  };
}

// --- Methods: every API route answers every method, unsupported ones with the envelope.

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The `Allow` header for a route that implements `implemented` (HEAD follows GET; OPTIONS is always answered). */
export function allowHeader(implemented: readonly string[]): string {
  const allow = new Set(implemented.filter((m) => m !== "OPTIONS"));
  if (allow.has("GET")) allow.add("HEAD");
  allow.add("OPTIONS");
  return HTTP_METHODS.filter((m) => allow.has(m)).join(", ");
}

export function methodNotAllowed(allow: string): Response {
  const res = toErrorResponse(new AppError("method_not_allowed"));
  res.headers.set("allow", allow);
  return res;
}

/**
 * Completes a route module's method set. Next answers a method the module does
 * not export with an empty 405; SPEC §4 wants the envelope everywhere under
 * /api, so each route exports all of them:
 *
 *   export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: route(…) });
 */
export function methods(handlers: Partial<Record<HttpMethod, RouteHandler>>): Record<HttpMethod, RouteHandler> {
  const implemented = HTTP_METHODS.filter((m) => handlers[m]);
  const allow = allowHeader(implemented);
  const refuse: RouteHandler = async () => methodNotAllowed(allow);
  const out = {} as Record<HttpMethod, RouteHandler>;
  for (const m of HTTP_METHODS) out[m] = handlers[m] ?? refuse;
  if (!handlers.HEAD && handlers.GET) out.HEAD = handlers.GET;
  if (!handlers.OPTIONS) out.OPTIONS = async () => new Response(null, { status: 204, headers: { allow } });
  return out;
}

// --- Bodies

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

const MAX_BODY = 64 * 1024;

/** `type/subtype` of the request's Content-Type, lower case, without parameters; null when absent. */
export function mediaType(req: Request): string | null {
  const raw = req.headers.get("content-type");
  if (raw === null) return null;
  return raw.split(";")[0].trim().toLowerCase();
}

const isJsonType = (type: string) => type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function hasBody(req: Request): boolean {
  const length = req.headers.get("content-length");
  return (length !== null && length.trim() !== "0") || req.headers.has("transfer-encoding");
}

/**
 * A request that carries a body (or says what its body is) must be JSON or a
 * type the endpoint opted into. No Content-Type with an empty body is fine
 * (`POST …/end` has nothing to send).
 */
export function assertBodyType(req: Request, accept: readonly string[] = []): void {
  if (!BODY_METHODS.has(req.method.toUpperCase())) return;
  const type = mediaType(req);
  if (type === null ? !hasBody(req) : isJsonType(type) || accept.includes(type)) return;
  throw new AppError("unsupported_media_type", undefined, { accepted: ["application/json", ...accept] });
}

export type ReadOptions = { maxBytes?: number };

const bodyTooLarge = () => new AppError("invalid_input", "The request body is too large.");

/** Reads a JSON body and validates it; a non-JSON Content-Type is 415, malformed or oversized input `invalid_input`. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, options: ReadOptions = {}): Promise<z.infer<S>> {
  const type = mediaType(req);
  if (type !== null && !isJsonType(type)) throw new AppError("unsupported_media_type", undefined, { accepted: ["application/json"] });
  const text = await readText(req, options.maxBytes ?? MAX_BODY, bodyTooLarge);
  let data: unknown = {};
  if (text.trim() !== "") {
    if (type === null) throw new AppError("unsupported_media_type", undefined, { accepted: ["application/json"] });
    try {
      data = JSON.parse(text);
    } catch {
      throw new AppError("invalid_input", "The request body is not valid JSON.");
    }
  }
  return parseInput(schema, data);
}

export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new AppError("invalid_input", undefined, {
      issues: result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    });
  }
  return result.data;
}

/**
 * Reads a body of up to `maxBytes` without buffering more than that, and
 * decodes it as UTF-8 (a leading BOM kept for the caller to strip), or as
 * Windows-1252 when it is not valid UTF-8 (Excel's plain "CSV" on Windows).
 * Larger bodies throw `tooLarge()`.
 */
export async function readText(req: Request, maxBytes: number, tooLarge: () => Error): Promise<string> {
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  try {
    if (req.body) {
      const reader = req.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          over = true;
          await reader.cancel().catch(() => {});
          break;
        }
        chunks.push(value);
      }
    }
  } catch {
    throw new AppError("invalid_input", "The request body could not be read.");
  }
  if (over) throw tooLarge();
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}
