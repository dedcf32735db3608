import { createHmac, timingSafeEqual } from "node:crypto";
import { parseCookies } from "../auth/current-user";
import { getEnv } from "../env";

/**
 * Scan, then sign in (SPEC §3): a signed-out student's scan is held in an
 * httpOnly cookie, signed by the server and bound to the browser's device id,
 * so it is useless when copied elsewhere and cannot be back-dated.
 */
export const HELD_SCAN_COOKIE = "rollcall_scan";
export const HELD_SCAN_MAX_AGE_MS = 5 * 60 * 1000;

type Held = { token: string; scannedAt: number; deviceId: string };

function sign(body: string): string {
  return createHmac("sha256", getEnv().AUTH_SECRET).update(`held-scan:${body}`).digest("base64url");
}

export function encodeHeldScan(held: Held): string {
  const body = Buffer.from(JSON.stringify(held)).toString("base64url");
  return `${body}.${sign(body)}`;
}

export function decodeHeldScan(value: string | undefined): Held | null {
  if (!value) return null;
  const [body, sig] = value.split(".");
  if (!body || !sig) return null;
  const expected = Buffer.from(sign(body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const held = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Held;
    return typeof held.token === "string" && typeof held.scannedAt === "number" && typeof held.deviceId === "string" ? held : null;
  } catch {
    return null;
  }
}

export function heldScanFromRequest(req: Request): Held | null {
  return decodeHeldScan(parseCookies(req.headers.get("cookie")).get(HELD_SCAN_COOKIE));
}

export function heldScanCookie(held: Held | null, secure: boolean): string {
  const flags = `Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  if (!held) return `${HELD_SCAN_COOKIE}=; Max-Age=0; ${flags}`;
  return `${HELD_SCAN_COOKIE}=${encodeHeldScan(held)}; Max-Age=${Math.ceil(HELD_SCAN_MAX_AGE_MS / 1000) + 60}; ${flags}`;
}
