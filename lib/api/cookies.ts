import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { isDeviceId, newDeviceId } from "../attendance/device";
import { HELD_SCAN_MAX_AGE_MS, type HeldScan } from "../attendance/held-scan";
import { getEnv } from "../env";
import { parseCookies } from "../cookie-header";

// The HTTP cookies Rollcall reads and writes itself (next-auth keeps its own):
// how each is named, parsed, signed and written. Transport code: the domain
// only ever sees the values.

export { parseCookies };

function attributes(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

// --- One device, one student (SPEC §3): a long-lived random id per browser. httpOnly: scripts cannot read or forge it.

export const DEVICE_COOKIE = "rollcall_device";
const DEVICE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

/** The device id a cookie header carries, if it is well-formed. */
export function deviceIdFromCookies(header: string | null | undefined): string | null {
  const value = parseCookies(header).get(DEVICE_COOKIE);
  return value && isDeviceId(value) ? value : null;
}

/** The browser's device id, or a new one (to be set with `deviceCookie`). */
export function deviceFromRequest(req: Request): { deviceId: string; isNew: boolean } {
  const existing = deviceIdFromCookies(req.headers.get("cookie"));
  return existing ? { deviceId: existing, isNew: false } : { deviceId: newDeviceId(), isNew: true };
}

export function deviceCookie(deviceId: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${deviceId}; Max-Age=${DEVICE_MAX_AGE_SECONDS}; ${attributes(secure)}`;
}

// --- Trusted browsers for sign-in limits (lib/auth/trusted-devices.ts): the marks of the accounts that signed in here.

export const TRUST_COOKIE = "rollcall_trust";

export function trustMarksFromCookies(header: string | null | undefined): string[] {
  const value = parseCookies(header).get(TRUST_COOKIE) ?? "";
  return value.split(".").filter((m) => /^[A-Za-z0-9_-]{22}$/.test(m)).slice(0, 8);
}

export function trustCookie(marks: readonly string[], secure: boolean): string {
  return `${TRUST_COOKIE}=${marks.join(".")}; Max-Age=${DEVICE_MAX_AGE_SECONDS}; ${attributes(secure)}`;
}

// --- Scan, then sign in (SPEC §3): a held scan, signed by the server and bound to the browser's device id,
// so it is useless when copied elsewhere and cannot be back-dated.

export const HELD_SCAN_COOKIE = "rollcall_scan";

// Each signed cookie has its own label, so one cookie's value is never accepted as another's.
function sign(label: string, body: string): string {
  return createHmac("sha256", getEnv().AUTH_SECRET).update(`${label}:${body}`).digest("base64url");
}

function encodeSigned(label: string, value: unknown): string {
  const body = Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${body}.${sign(label, body)}`;
}

function decodeSigned(label: string, value: string | undefined): unknown {
  if (!value) return null;
  const [body, sig] = value.split(".");
  if (!body || !sig) return null;
  const expected = Buffer.from(sign(label, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as unknown;
  } catch {
    return null;
  }
}

export function encodeHeldScan(held: HeldScan): string {
  return encodeSigned("held-scan", held);
}

export function decodeHeldScan(value: string | undefined): HeldScan | null {
  const held = decodeSigned("held-scan", value) as HeldScan | null;
  return held && typeof held.token === "string" && typeof held.scannedAt === "number" && typeof held.deviceId === "string" ? held : null;
}

export function heldScanFromRequest(req: Request): HeldScan | null {
  return heldScanFromCookies(req.headers.get("cookie"));
}

export function heldScanFromCookies(header: string | null | undefined): HeldScan | null {
  return decodeHeldScan(parseCookies(header).get(HELD_SCAN_COOKIE));
}

/** Sets the held scan, or clears it (null). Kept a minute past its five so the server, not the browser, says "expired". */
export function heldScanCookie(held: HeldScan | null, secure: boolean): string {
  if (!held) return `${HELD_SCAN_COOKIE}=; Max-Age=0; ${attributes(secure)}`;
  return `${HELD_SCAN_COOKIE}=${encodeHeldScan(held)}; Max-Age=${Math.ceil(HELD_SCAN_MAX_AGE_MS / 1000) + 60}; ${attributes(secure)}`;
}

/** Cookies get `Secure` when the browser reached us over HTTPS (directly or through a TLS-terminating proxy). */
export function isSecureRequest(req: Request): boolean {
  return new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
}

/** The same rule for a raw Node request (the socket's handshake). */
export function isSecureConnection(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket | undefined)?.encrypted === true || req.headers["x-forwarded-proto"] === "https";
}

// --- Single sign-on (SPEC §13): what a person asked for before leaving for the provider, read when they come
// back. Signed, short-lived, and SameSite=Lax like the held scan: both ride along on the provider's redirect
// back to us (a top-level GET), which Lax allows.

export const SSO_INTENT_COOKIE = "rollcall_sso";
const SSO_INTENT_MAX_AGE_SECONDS = 10 * 60;

/** `link`: the signed-in account page links the identity to `userId`. `signup`: the sign-up page's choice of account kind. */
export type SsoIntent = { purpose: "link"; userId: string; exp: number } | { purpose: "signup"; kind: "student" | "teacher"; exp: number };

export function ssoIntentFromCookies(header: string | null | undefined, at: number): SsoIntent | null {
  const v = decodeSigned("sso-intent", parseCookies(header).get(SSO_INTENT_COOKIE)) as SsoIntent | null;
  if (!v || typeof v !== "object" || typeof v.exp !== "number" || v.exp < at) return null;
  if (v.purpose === "link" && typeof v.userId === "string") return v;
  if (v.purpose === "signup" && (v.kind === "student" || v.kind === "teacher")) return v;
  return null;
}

/** Sets the intent (expiring in ten minutes from `at`), or clears it (null). */
export function ssoIntentCookie(intent: { purpose: "link"; userId: string } | { purpose: "signup"; kind: "student" | "teacher" } | null, secure: boolean, at: number): string {
  if (!intent) return `${SSO_INTENT_COOKIE}=; Max-Age=0; ${attributes(secure)}`;
  const value = encodeSigned("sso-intent", { ...intent, exp: at + SSO_INTENT_MAX_AGE_SECONDS * 1000 });
  return `${SSO_INTENT_COOKIE}=${value}; Max-Age=${SSO_INTENT_MAX_AGE_SECONDS}; ${attributes(secure)}`;
}
