import { asAppError } from "../errors";

/** The one HTTP mapper: anything thrown becomes SPEC §4's envelope with its status. */
export function toErrorResponse(err: unknown): Response {
  const e = asAppError(err);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (e.extra.retryAfterSeconds) headers["retry-after"] = String(Math.ceil(e.extra.retryAfterSeconds));
  return new Response(JSON.stringify({ error: e.toJSON() }), { status: e.status, headers });
}
