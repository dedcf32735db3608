import { parseCookies } from "../api/cookies";
import { AppError } from "../errors";
import type { PublicUser } from "../model/vocabulary";
import { readToken } from "./tokens";
import { findUser } from "./users";

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

export function sessionTokenFromCookies(cookies: Map<string, string>): string | null {
  for (const name of SESSION_COOKIES) {
    const v = cookies.get(name);
    if (v) return v;
  }
  return null;
}

/**
 * The one way every REST handler and the socket handshake learn who is calling:
 * a bearer token wins, else the next-auth session cookie. The user row is read
 * again so a deleted account stops working at once.
 */
export async function authenticate(source: {
  authorization?: string | null;
  cookie?: string | null;
  token?: string | null;
}): Promise<PublicUser | null> {
  let token = source.token ?? null;
  const auth = source.authorization;
  if (!token && auth && /^bearer\s+/i.test(auth)) token = auth.replace(/^bearer\s+/i, "").trim();
  if (!token) token = sessionTokenFromCookies(parseCookies(source.cookie));
  if (!token) return null;
  const claims = await readToken(token);
  if (!claims) return null;
  return findUser(claims.sub);
}

export async function currentUser(req: Request): Promise<PublicUser | null> {
  return authenticate({ authorization: req.headers.get("authorization"), cookie: req.headers.get("cookie") });
}

export async function requireUser(req: Request): Promise<PublicUser> {
  const user = await currentUser(req);
  if (!user) throw new AppError("unauthenticated");
  return user;
}
