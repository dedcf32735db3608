import { randomBytes } from "node:crypto";
import { parseCookies } from "../auth/current-user";

/** A long-lived random id per browser (SPEC §3, one device one student). httpOnly: scripts cannot read or forge it. */
export const DEVICE_COOKIE = "rollcall_device";
const MAX_AGE = 400 * 24 * 60 * 60;

export const isDeviceId = (v: string) => /^[A-Za-z0-9_-]{16,64}$/.test(v);

export function deviceFromRequest(req: Request): { deviceId: string; isNew: boolean } {
  const existing = parseCookies(req.headers.get("cookie")).get(DEVICE_COOKIE);
  if (existing && isDeviceId(existing)) return { deviceId: existing, isNew: false };
  return { deviceId: randomBytes(18).toString("base64url"), isNew: true };
}

export function deviceCookie(deviceId: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${deviceId}; Path=/; Max-Age=${MAX_AGE}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}
