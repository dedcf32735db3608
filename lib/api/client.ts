// Browser-side fetch for our JSON API: one shape for success and SPEC errors.
import type { ErrorDto } from "../model/attendance";

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ErrorDto; retryAfter?: number };

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
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
