import { parseCookies } from "../cookie-header";
import { AppError } from "../errors";
import type { PublicUser } from "../model/vocabulary";
import { readToken, signedInAt } from "./tokens";
import { findSessionUser } from "./users";

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

export function sessionTokenFromCookies(cookies: Map<string, string>): string | null {
  for (const name of SESSION_COOKIES) {
    const v = cookies.get(name);
    if (v) return v;
  }
  return null;
}

type CredentialSource = { authorization?: string | null; cookie?: string | null; token?: string | null };

/**
 * The one way every REST handler and the socket handshake learn who is calling:
 * a bearer token wins, else the next-auth session cookie. The user row is read
 * again so a deleted account stops working at once, and a token from before the
 * account's "sign out everywhere" is refused. A password sign-in and a single
 * sign-on give the same token (the local user id), so nothing downstream can
 * tell them apart.
 */
export async function authenticate(source: CredentialSource): Promise<PublicUser | null> {
  return (await authenticateSession(source))?.user ?? null;
}

/** The caller and when they signed in (ms): for actions that want a recent sign-in. */
export async function authenticateSession(source: CredentialSource): Promise<{ user: PublicUser; signedInAt: number } | null> {
  let token = source.token ?? null;
  const auth = source.authorization;
  if (!token && auth && /^bearer\s+/i.test(auth)) token = auth.replace(/^bearer\s+/i, "").trim();
  if (!token) token = sessionTokenFromCookies(parseCookies(source.cookie));
  if (!token) return null;
  const claims = await readToken(token);
  if (!claims) return null;
  const row = await findSessionUser(claims.sub);
  if (!row) return null;
  const at = signedInAt(claims);
  if (row.sessionsValidAfter !== null && at < row.sessionsValidAfter) return null;
  return { user: row.user, signedInAt: at };
}

export async function currentUser(req: Request): Promise<PublicUser | null> {
  return authenticate({ authorization: req.headers.get("authorization"), cookie: req.headers.get("cookie") });
}

export async function requireUser(req: Request): Promise<PublicUser> {
  const user = await currentUser(req);
  if (!user) throw new AppError("unauthenticated");
  return user;
}
