// Browser-side fetch for our JSON API: one shape for success and SPEC errors.
import type { ErrorDto } from "../model/attendance";

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ErrorDto; retryAfter?: number };

/** `body` is sent as JSON; `raw` as it is, with its own content type (a CSV file, say). */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; raw?: { body: BodyInit; contentType: string } } = {},
): Promise<ApiResult<T>> {
  let res: Response;
  const hasBody = init.body !== undefined || init.raw !== undefined;
  try {
    res = await fetch(path, {
      method: init.method ?? (hasBody ? "POST" : "GET"),
      headers: init.raw ? { "content-type": init.raw.contentType } : init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.raw ? init.raw.body : init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, status: 0, error: { code: "network_error", message: "No connection. Check your Wi-Fi and try again." } };
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.ok) return { ok: true, status: res.status, data: body as T };
  const error = (body as { error?: ErrorDto } | null)?.error ?? { code: "internal_error", message: "Something went wrong. Try again." };
  const retry = Number(res.headers.get("retry-after"));
  return { ok: false, status: res.status, error, retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined };
}
