// Browser-safe: used by the sign-in pages on both sides of the network.

const FALLBACK = "/dashboard";
const PROBE_ORIGIN = "http://rollcall.invalid";

/**
 * Where to go after signing in. Only a path on this site is accepted: anything
 * that could leave it ("//evil", "/\\evil", "https://…", "javascript:") falls
 * back to the dashboard, so a crafted link cannot turn sign-in into an open
 * redirect. Pointing back at the sign-in pages would loop, so those fall back too.
 */
export function safeCallbackUrl(raw: string | string[] | null | undefined, fallback = FALLBACK): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || /[\\\s\u0000-\u001f]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  // A malformed %-escape would only reach a 404, and some of Next's cookie code decodes it twice.
  try {
    decodeURIComponent(value);
  } catch {
    return fallback;
  }
  if (url.pathname === "/login" || url.pathname === "/register") return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `/login?callbackUrl=…`, or the bare page when the target is the default. */
export function withCallback(page: "/login" | "/register", callbackUrl: string): string {
  return callbackUrl === FALLBACK ? page : `${page}?callbackUrl=${encodeURIComponent(callbackUrl)}`;
}
