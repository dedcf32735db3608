import type { z } from "zod";
import { AppError } from "../errors";
import { toErrorResponse } from "./errors";

type Params = Record<string, string | string[] | undefined>;
type Ctx = { params: Promise<Params> };

/** What a handler adds to whichever response goes out, its own or the error envelope. */
export type ResponseExtras = { setCookie: (header: string) => void };

/**
 * Wraps a route handler: whatever it throws becomes the SPEC error envelope,
 * so no input can produce a 5xx page or a stack trace. Cookies a handler set
 * before throwing still reach the browser (a held scan with its refusal).
 */
export function route<P extends Params = Params>(
  handler: (req: Request, params: P, response: ResponseExtras) => Promise<Response> | Response,
) {
  return async (req: Request, ctx: Ctx): Promise<Response> => {
    const cookies: string[] = [];
    let res: Response;
    try {
      const params = ((await ctx?.params) ?? {}) as P;
      res = await handler(req, params, { setCookie: (c) => void cookies.push(c) });
    } catch (err) {
      res = toErrorResponse(err);
    }
    for (const c of cookies) res.headers.append("set-cookie", c);
    return res;
  };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

const MAX_BODY = 64 * 1024;

/** Reads a JSON body and validates it; malformed or oversized input is `invalid_input`. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  // Refuse an announced oversized body before buffering it.
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY) throw new AppError("invalid_input", "The request body is too large.");
  let text: string;
  try {
    text = await req.text();
  } catch {
    throw new AppError("invalid_input", "The request body could not be read.");
  }
  if (text.length > MAX_BODY) throw new AppError("invalid_input", "The request body is too large.");
  let data: unknown = {};
  if (text.trim() !== "") {
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
