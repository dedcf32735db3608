import { createHmac, timingSafeEqual } from "node:crypto";
import { getEnv } from "../env";

/**
 * "This browser signed in to this account before" (OWASP: device cookies
 * against online guessing). A mark is an HMAC of the account and the
 * browser's device id under AUTH_SECRET: it cannot be forged, works on no
 * other browser, and names no account. A browser keeps the marks of its last
 * few accounts (a shared family laptop).
 */
export const MAX_TRUSTED_ACCOUNTS = 5;

export function trustMark(userId: string, deviceId: string): string {
  return createHmac("sha256", getEnv().AUTH_SECRET).update(`trusted-device:${userId}:${deviceId}`).digest("base64url").slice(0, 22);
}

/** The trusted-budget key for this account on this browser, when the browser holds its mark. */
export function trustedKey(marks: readonly string[], userId: string, deviceId: string | null): string | null {
  if (!deviceId) return null;
  const expected = Buffer.from(trustMark(userId, deviceId));
  const held = marks.some((m) => {
    const given = Buffer.from(m);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return held ? `${userId}:${deviceId}` : null;
}

/** The marks after a successful sign-in: this account's first, at most MAX_TRUSTED_ACCOUNTS. */
export function withTrust(marks: readonly string[], userId: string, deviceId: string): string[] {
  const mark = trustMark(userId, deviceId);
  return [mark, ...marks.filter((m) => m !== mark)].slice(0, MAX_TRUSTED_ACCOUNTS);
}
