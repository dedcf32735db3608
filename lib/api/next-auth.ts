import NextAuth from "next-auth";
import { cookies } from "next/headers";
import { NextRequest } from "next/server";
import { safeCallbackUrl } from "../auth/callback-url";
import { authOptions } from "../auth/options";
import type { SignInClient } from "../auth/users";
import { isSecureRequest } from "./cookies";
import { methods, type RouteHandler } from "./route";
import { signedInCookies } from "./sign-in";

/** next-auth's callback-URL cookies (plain and __Secure-, as it names them over HTTP and HTTPS). */
const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

const stripOrigin = (raw: string, origin: string) => (raw.startsWith(`${origin}/`) ? raw.slice(origin.length) : raw);

/** A callback URL as a path on this site: same-origin absolute URLs lose their origin, anything else falls back. */
export function callbackPath(raw: string, origin: string): string {
  return safeCallbackUrl(stripOrigin(raw, origin));
}

/**
 * next-auth refuses a callbackUrl it cannot parse (`javascript:…`, `\\evil`)
 * with a 500 page and an error line per request, before any callback of ours
 * runs. The query parameter is rewritten to a safe path on this site and a
 * bad callback-url cookie is dropped before next-auth sees them; the body's
 * callbackUrl goes through the `redirect` callback (lib/auth/options.ts).
 */
async function handler(req: Request, ctx: { params: Promise<Record<string, string | string[] | undefined>> }): Promise<Response> {
  const url = new URL(req.url);
  const callback = url.searchParams.get("callbackUrl");
  let request = req instanceof NextRequest ? req : new NextRequest(req);
  if (callback !== null) {
    url.searchParams.set("callbackUrl", callbackPath(callback, url.origin));
    request = new NextRequest(url, request);
  }
  const jar = await cookies();
  for (const name of CALLBACK_COOKIES) {
    const value = jar.get(name)?.value;
    if (value !== undefined && callbackPath(value, url.origin) !== stripOrigin(value, url.origin)) jar.delete(name);
  }
  let signedIn: { userId: string; client: SignInClient } | null = null;
  const options = authOptions({ onSignedIn: (userId, client) => void (signedIn = { userId, client }) });
  const res: Response = await NextAuth(request as never, { params: await ctx.params } as never, options);
  if (signedIn) {
    const { userId, client } = signedIn as { userId: string; client: SignInClient };
    for (const c of signedInCookies(userId, client, isSecureRequest(req))) res.headers.append("set-cookie", c);
  }
  return res;
}

export const nextAuthRoute = methods({ GET: handler as RouteHandler, POST: handler as RouteHandler });
