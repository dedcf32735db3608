import NextAuth, { type NextAuthOptions } from "next-auth";
import { authenticate } from "../auth/current-user";
import { safeCallbackUrl } from "../auth/callback-url";
import { authOptions } from "./auth-options";
import { ssoBlockedFor, ssoCallbackFailed } from "../auth/sso-limits";
import { ssoProviders } from "../auth/sso-providers";
import type { SignInClient } from "../auth/users";
import { now } from "../clock";
import { getEnv, ssoEnabled, type Env } from "../env";
import { isSsoError, isSsoProviderId, ssoErrorPath, type SsoError, type SsoProviderId } from "../model/sso";
import { requestAddress } from "./client-address";
import { isSecureRequest, parseCookies, ssoIntentCookie, ssoIntentFromCookies } from "./cookies";
import { methods, type RouteHandler } from "./route";
import { signedInCookies } from "./sign-in";

/**
 * `/api/auth/*`: next-auth, and what Rollcall needs around it.
 *
 * next-auth is called through its framework-neutral handler (the `(req, res)`
 * form) with the request's own cookies and headers, so the route behaves the
 * same under Next and in the integration tests' server, which has no Next
 * request context.
 *
 * Around every call: a callbackUrl next-auth could not parse (`javascript:…`,
 * `\\evil`) would be a 500 page and an error line per request before any
 * callback of ours runs, so the query parameter becomes a safe path on this
 * site and a bad callback-url cookie is dropped; the body's callbackUrl goes
 * through the `redirect` callback (lib/api/auth-options.ts). A password sign-in
 * marks the browser as trusted for the account (lib/api/sign-in.ts).
 *
 * Around a provider's callback (`/api/auth/callback/<provider>`, SPEC §13):
 * - failed callbacks count against the client address's budget, checked first;
 * - an error the provider reports (the person cancelled; the provider is
 *   unhappy) goes to Rollcall's own page for it, never next-auth's;
 * - the account page's "link" and the sign-up page's "teacher" choice come from
 *   a signed cookie (lib/api/cookies.ts) set before leaving for the provider;
 *   a link is honoured only for the account still signed in on this browser;
 * - next-auth's error redirects become Rollcall's page, with the provider and
 *   the way back.
 */
async function handler(req: Request, ctx: { params: Promise<Record<string, string | string[] | undefined>> }): Promise<Response> {
  const env = getEnv();
  pinAuthOrigin(env);
  const raw = (await ctx.params).nextauth ?? [];
  const segments = Array.isArray(raw) ? raw : raw.split("/");
  const [action, providerId] = segments;
  // next-auth's own error and sign-in pages are never shown: its error redirects come to Rollcall's page.
  const nextAuthError = new URL(req.url).searchParams.get("error");
  if (req.method === "GET" && (action === "error" || (action === "signin" && nextAuthError))) {
    return redirect(ssoErrorPath(asPageError(nextAuthError), { callbackUrl: callbackFromCookies(req, env) }), []);
  }
  const sso = isSsoProviderId(providerId) && ssoProviders(env.SSO).some((p) => p.id === providerId) ? providerId : null;
  if (sso && action === "callback") return ssoCallback(req, segments, sso, env);
  if (sso && action === "signin" && req.method === "POST") return ssoStart(req, segments, sso);

  let signedIn: { userId: string; client: SignInClient } | null = null;
  const res = await callNextAuth(req, segments, authOptions({ onSignedIn: (userId, client) => void (signedIn = { userId, client }) }));
  if (signedIn) {
    const { userId, client } = signedIn as { userId: string; client: SignInClient };
    for (const c of signedInCookies(userId, client, isSecureRequest(req))) res.headers.append("set-cookie", c);
  }
  return res;
}

export const nextAuthRoute = methods({ GET: handler as RouteHandler, POST: handler as RouteHandler });

/** next-auth's callback-URL cookies (plain and __Secure-, as it names them over HTTP and HTTPS). */
const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

/**
 * A callback URL as a path on this site: absolute URLs on one of `origins` (the request's, and next-auth's
 * own when single sign-on pins it to APP_URL) lose their origin, anything else falls back.
 */
export function callbackPath(raw: string, origins: string | string[]): string {
  return safeCallbackUrl(stripOrigins(raw, origins));
}

function stripOrigins(raw: string, origins: string | string[]): string {
  for (const origin of Array.isArray(origins) ? origins : [origins]) {
    if (raw.startsWith(`${origin}/`)) return raw.slice(origin.length);
  }
  return raw;
}

function siteOrigins(req: Request): string[] {
  const origins = [new URL(req.url).origin];
  const pinned = process.env.NEXTAUTH_URL;
  if (pinned) {
    try {
      origins.push(new URL(pinned).origin);
    } catch {
      // not a URL: next-auth will say so
    }
  }
  return origins;
}

/**
 * The callback address registered with a provider is `${APP_URL}/api/auth/callback/<id>` (SPEC §13), so
 * with single sign-on on, next-auth's origin is APP_URL (unless NEXTAUTH_URL says otherwise) rather than
 * whatever Host header a request carried.
 */
function pinAuthOrigin(env: Env) {
  if (ssoEnabled(env.SSO) && !process.env.NEXTAUTH_URL) process.env.NEXTAUTH_URL = env.APP_URL;
}

/**
 * Leaving for a provider. When next-auth cannot even build the address (the provider's discovery document
 * does not load: it is down, or the issuer is wrong), the person is sent to the page that says so, naming
 * the provider, instead of next-auth's error route.
 */
async function ssoStart(req: Request, segments: string[], provider: SsoProviderId): Promise<Response> {
  const res = await callNextAuth(req.clone(), segments, authOptions());
  const form = await readBody(req);
  const callbackUrl = typeof form?.callbackUrl === "string" ? callbackPath(form.callbackUrl, siteOrigins(req)) : "/dashboard";
  const page = (code: string) => ssoErrorPath(asPageError(code), { provider, callbackUrl });
  const locationError = nextAuthErrorOf(res.headers.get("location"));
  if (locationError) res.headers.set("location", page(locationError));
  // next-auth/react asks with `json: "true"` and navigates to the `url` it gets back.
  if ((res.headers.get("content-type") ?? "").includes("application/json")) {
    const body = (await res.clone().json().catch(() => null)) as { url?: string } | null;
    const jsonError = nextAuthErrorOf(body?.url);
    if (jsonError) return new Response(JSON.stringify({ url: page(jsonError) }), { status: res.status, headers: res.headers });
  }
  return res;
}

/** The code of a next-auth error-route address (`…/api/auth/error?error=OAuthSignin`), else null. */
function nextAuthErrorOf(url: string | null | undefined): string | null {
  if (!url) return null;
  const parsed = new URL(url, "http://rollcall.invalid");
  return parsed.pathname === "/api/auth/error" ? (parsed.searchParams.get("error") ?? "Callback") : null;
}

async function ssoCallback(req: Request, segments: string[], provider: SsoProviderId, env: Env): Promise<Response> {
  const at = now();
  const ip = requestAddress(req.headers);
  const cookieHeader = req.headers.get("cookie");
  const secure = isSecureRequest(req);
  const callbackUrl = callbackFromCookies(req, env);
  const clearIntent = ssoIntentCookie(null, secure, at);

  const wait = await ssoBlockedFor(ip);
  if (wait) return redirect(ssoErrorPath("rate_limited", { provider, callbackUrl, retryAfter: wait }), [clearIntent]);

  const reported = new URL(req.url).searchParams.get("error");
  if (reported) {
    // RFC 6749 §4.1.2.1: access_denied is the person saying no (or the provider refusing them).
    return redirect(ssoErrorPath(reported === "access_denied" ? "cancelled" : "provider_error", { provider, callbackUrl }), [clearIntent]);
  }

  const intent = ssoIntentFromCookies(cookieHeader, at);
  let linkTo: string | null = null;
  if (intent?.purpose === "link") {
    // Someone else signed in here since (or nobody): an ordinary sign-in, never a link to another account.
    const current = await authenticate({ cookie: cookieHeader });
    if (current?.id === intent.userId) linkTo = current.id;
  }
  const teacherRequested = intent?.purpose === "signup" && intent.kind === "teacher";

  const res = await callNextAuth(req, segments, authOptions({}, { linkTo, teacherRequested, callbackUrl, ip }));
  const location = res.headers.get("location");
  const failure = location ? failedCallback(location, env) : null;
  if (failure !== null) {
    await ssoCallbackFailed(ip);
    if (failure) res.headers.set("location", ssoErrorPath(failure, { provider, callbackUrl }));
  }
  res.headers.append("set-cookie", clearIntent);
  return res;
}

function asPageError(code: string | null): SsoError {
  return isSsoError(code) ? code : "Callback";
}

/**
 * null: the callback signed the person in. Otherwise it failed: "" when the Location is already Rollcall's
 * error page, else next-auth's error code to show there instead of next-auth's pages.
 */
function failedCallback(location: string, env: Env): "" | SsoError | null {
  const url = new URL(location, env.APP_URL);
  if (url.pathname === "/login/error") return "";
  if (url.pathname === "/api/auth/error" || url.pathname === "/api/auth/signin" || url.pathname === "/login") return asPageError(url.searchParams.get("error"));
  return null;
}

/** next-auth keeps where the person was going in a cookie, as an absolute URL on this site. */
function callbackFromCookies(req: Request, env: Env): string {
  const cookies = parseCookies(req.headers.get("cookie"));
  const raw = cookies.get("__Secure-next-auth.callback-url") ?? cookies.get("next-auth.callback-url");
  return raw ? callbackPath(raw, [...siteOrigins(req), new URL(env.APP_URL).origin]) : "/dashboard";
}

function redirect(location: string, cookies: string[]): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status: 302, headers });
}

type PagesResponse = {
  status(code: number): PagesResponse;
  setHeader(name: string, value: string | string[]): PagesResponse;
  getHeader(name: string): string | string[] | undefined;
  send(body: unknown): void;
  json(body: unknown): void;
  end(): void;
};

/** next-auth's `(req, res)` handler over a web Request, answered as a web Response. */
async function callNextAuth(req: Request, segments: string[], options: NextAuthOptions): Promise<Response> {
  const url = new URL(req.url);
  const origins = siteOrigins(req);
  const headers = Object.fromEntries(req.headers);
  const query: Record<string, string | string[]> = { ...Object.fromEntries(url.searchParams), nextauth: segments };
  if (typeof query.callbackUrl === "string") query.callbackUrl = callbackPath(query.callbackUrl, origins);
  const body = req.method === "POST" ? await readBody(req) : undefined;
  const cookies = Object.fromEntries(parseCookies(req.headers.get("cookie")));
  const dropped: string[] = [];
  for (const name of CALLBACK_COOKIES) {
    const value = cookies[name];
    if (value !== undefined && callbackPath(value, origins) !== stripOrigins(value, origins)) {
      delete cookies[name];
      dropped.push(name);
    }
  }

  let status = 200;
  let payload: string | null = null;
  const out = new Headers();
  const res: PagesResponse = {
    status(code) {
      status = code;
      return res;
    },
    setHeader(name, value) {
      out.delete(name);
      for (const v of Array.isArray(value) ? value : [value]) out.append(name, String(v));
      return res;
    },
    getHeader(name) {
      if (name.toLowerCase() === "set-cookie") return out.getSetCookie();
      return out.get(name) ?? undefined;
    },
    send(b) {
      if (b === undefined || b === null) payload = null;
      else if (typeof b === "string") payload = b;
      else {
        if (!out.has("content-type")) out.set("content-type", "application/json");
        payload = JSON.stringify(b);
      }
    },
    json(b) {
      out.set("content-type", "application/json");
      payload = JSON.stringify(b);
    },
    end() {},
  };
  await NextAuth({ method: req.method, headers, query, body, cookies } as never, res as never, options);
  if (!out.has("cache-control")) out.set("cache-control", "no-store");
  // A dropped cookie is cleared, unless next-auth has just set it afresh.
  for (const name of dropped) {
    if (out.getSetCookie().some((c) => c.startsWith(`${name}=`))) continue;
    out.append("set-cookie", `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`);
  }
  return new Response(status === 204 || status === 304 ? null : payload, { status, headers: out });
}

async function readBody(req: Request): Promise<Record<string, unknown> | undefined> {
  const type = req.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(await req.text()));
    if (type.includes("application/json")) {
      const v = (await req.json()) as unknown;
      return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
