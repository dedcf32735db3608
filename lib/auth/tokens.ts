import { createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import { jwtDecrypt } from "jose";
import { encode } from "next-auth/jwt";
import { now } from "../clock";
import { getEnv } from "../env";
import { processSingleton } from "../process-store";
import type { UserKind } from "../model/vocabulary";

/** Same lifetime as the browser session. */
export const TOKEN_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * `authTime`: when this person signed in (ms), kept as next-auth refreshes the
 * cookie, so "sign out everywhere" (users.sessions_valid_after) and "signed in
 * recently" judge the sign-in, not the last refresh. Tokens from before it
 * existed fall back to `iat`.
 */
export type TokenClaims = { sub: string; kind: UserKind; name: string; email: string; authTime?: number; iat?: number };

/** When the token's sign-in happened, in ms. */
export function signedInAt(claims: Pick<TokenClaims, "authTime" | "iat">): number {
  if (typeof claims.authTime === "number") return claims.authTime;
  return typeof claims.iat === "number" ? claims.iat * 1000 : 0;
}

/**
 * Bearer tokens are next-auth JWTs encrypted with AUTH_SECRET, so the cookie and
 * the bearer token are checked by one code path and survive restarts alike.
 */
export async function issueToken(user: { id: string; kind: UserKind; name: string; email: string }) {
  const token = await encode({
    token: { sub: user.id, id: user.id, kind: user.kind, name: user.name, email: user.email, authTime: now() },
    secret: getEnv().AUTH_SECRET,
    maxAge: TOKEN_MAX_AGE_SECONDS,
  });
  return { token, expiresAt: new Date(Date.now() + TOKEN_MAX_AGE_SECONDS * 1000).toISOString() };
}

/**
 * next-auth v4 encrypts its JWTs (JWE, `dir` + A256GCM) with a key it derives
 * from the secret (HKDF-SHA256, empty salt, this info string) on every encode
 * and decode, in the thread pool. The key only changes with the secret, so it
 * is derived once; decoding is then jose's `jwtDecrypt`, as next-auth calls it.
 */
const KEY_INFO = "NextAuth.js Generated Encryption Key";
let derived: { secret: string; key: KeyObject } | null = null;

function decryptionKey(secret: string): KeyObject {
  if (derived?.secret !== secret) derived = { secret, key: createSecretKey(Buffer.from(hkdfSync("sha256", secret, "", KEY_INFO, 32))) };
  return derived.key;
}

/** The claims of a token made by `issueToken` or next-auth's sign-in, or null if it is not one (or has expired). */
export async function decodeToken(token: string, secret: string): Promise<Record<string, unknown> | null> {
  try {
    const { payload } = await jwtDecrypt(token, decryptionKey(secret), {
      clockTolerance: 15,
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    return payload;
  } catch {
    return null;
  }
}

// A lecture hall reconnecting after a Wi-Fi blip presents the same tokens
// again: decoded claims are kept until the token expires. Only the decryption
// is cached: whether the account still exists and whether its sessions were
// revoked is read from the database on every use (authenticate).
const CACHE_MAX = 20_000;
const decoded = () => processSingleton("auth.decodedTokens", () => new Map<string, { claims: TokenClaims; exp: number }>());

export async function readToken(token: string): Promise<TokenClaims | null> {
  if (!token || token.length > 4096) return null;
  const cache = decoded();
  const hit = cache.get(token);
  if (hit && hit.exp > Date.now()) return hit.claims;
  const claims = await decodeToken(token, getEnv().AUTH_SECRET);
  if (!claims || typeof claims.sub !== "string") return null;
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 : 0;
  if (exp > Date.now()) {
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(token, { claims: claims as unknown as TokenClaims, exp });
  }
  return claims as unknown as TokenClaims;
}
