import type { z } from "zod";
import { AppError, toErrorResponse } from "./errors";
import { addressFrom } from "./ip";

type Params = Record<string, string | string[] | undefined>;
type Ctx = { params: Promise<Params> };

/**
 * Wraps a route handler: whatever it throws becomes the SPEC error envelope,
 * so no input can produce a 5xx page or a stack trace.
 */
export function route<P extends Params = Params>(
  handler: (req: Request, params: P) => Promise<Response> | Response,
) {
  return async (req: Request, ctx: Ctx): Promise<Response> => {
    try {
      const params = ((await ctx?.params) ?? {}) as P;
      return await handler(req, params);
    } catch (err) {
      return toErrorResponse(err);
    }
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

export function clientIp(req: Request): string {
  return addressFrom(req.headers.get("x-forwarded-for"));
}
