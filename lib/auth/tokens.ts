import { decode, encode } from "next-auth/jwt";
import { getEnv } from "../env";
import { processSingleton } from "../process-store";
import type { UserKind } from "../model/vocabulary";

/** Same lifetime as the browser session. */
export const TOKEN_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export type TokenClaims = { sub: string; kind: UserKind; name: string; email: string };

/**
 * Bearer tokens are next-auth JWTs encrypted with AUTH_SECRET, so the cookie and
 * the bearer token are checked by one code path and survive restarts alike.
 */
export async function issueToken(user: { id: string; kind: UserKind; name: string; email: string }) {
  const token = await encode({
    token: { sub: user.id, id: user.id, kind: user.kind, name: user.name, email: user.email },
    secret: getEnv().AUTH_SECRET,
    maxAge: TOKEN_MAX_AGE_SECONDS,
  });
  return { token, expiresAt: new Date(Date.now() + TOKEN_MAX_AGE_SECONDS * 1000).toISOString() };
}

// Decrypting a token (key derivation + AES-GCM) is the costliest part of a
// socket handshake; a lecture hall reconnecting after a Wi-Fi blip presents the
// same tokens again. Decoded claims are kept until the token expires.
const CACHE_MAX = 20_000;
const decoded = () => processSingleton("auth.decodedTokens", () => new Map<string, { claims: TokenClaims; exp: number }>());

export async function readToken(token: string): Promise<TokenClaims | null> {
  if (!token || token.length > 4096) return null;
  const cache = decoded();
  const hit = cache.get(token);
  if (hit && hit.exp > Date.now()) return hit.claims;
  try {
    const claims = await decode({ token, secret: getEnv().AUTH_SECRET });
    if (!claims || typeof claims.sub !== "string") return null;
    const exp = typeof claims.exp === "number" ? claims.exp * 1000 : 0;
    if (exp > Date.now()) {
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(token, { claims: claims as unknown as TokenClaims, exp });
    }
    return claims as unknown as TokenClaims;
  } catch {
    return null;
  }
}
