import { createHmac, timingSafeEqual } from "node:crypto";
import type { CodeDto } from "../model/attendance";
import { formatQrTokenBody, joinUrl, type QrTokenParts } from "../model/qr-token";

/**
 * Rotating QR tokens and 6-digit codes (SPEC §3). Everything is derived from
 * the session's secret, epoch, anchor and the server clock, so a restart
 * changes nothing and no per-window state is stored.
 */
export type CodeSource = {
  id: string;
  secret: string;
  codeEpoch: number;
  codeAnchorAt: number;
  rotationSeconds: number;
  codeRotationSeconds: number;
};

export type CodeSnapshot = CodeDto & { sessionId: string };

const MAC_BYTES = 12; // 96 bits: unforgeable, and short enough for a small QR code.

function mac(secret: string, message: string): Buffer {
  return createHmac("sha256", secret).update(message).digest();
}

function window(anchor: number, periodMs: number, t: number): number {
  return Math.floor((t - anchor) / periodMs);
}

export function tokenWindow(s: CodeSource, t: number): number {
  return window(s.codeAnchorAt, s.rotationSeconds * 1000, t);
}

export function codeWindow(s: CodeSource, t: number): number {
  return s.codeRotationSeconds === 0 ? 0 : window(s.codeAnchorAt, s.codeRotationSeconds * 1000, t);
}

export function tokenFor(s: CodeSource, w: number): string {
  const body = formatQrTokenBody(s.id, s.codeEpoch, w);
  return `${body}.${mac(s.secret, `qr:${body}`).subarray(0, MAC_BYTES).toString("base64url")}`;
}

export function codeFor(s: CodeSource, w: number): string {
  const n = mac(s.secret, `code:${s.codeEpoch}.${w}`).readUInt32BE(0) % 1_000_000;
  return n.toString().padStart(6, "0");
}

export type TokenVerdict = "valid" | "expired" | "forged";

/** Valid in its own window and the one before it; anything older or from an earlier epoch is expired. */
export function verifyToken(s: CodeSource, p: QrTokenParts, t: number): TokenVerdict {
  const expected = mac(s.secret, `qr:${formatQrTokenBody(p.sessionId, p.epoch, p.window)}`).subarray(0, MAC_BYTES);
  const given = Buffer.from(p.mac, "base64url");
  if (p.sessionId !== s.id || given.length !== expected.length || !timingSafeEqual(given, expected)) return "forged";
  if (p.epoch !== s.codeEpoch) return p.epoch < s.codeEpoch ? "expired" : "forged";
  const current = tokenWindow(s, t);
  if (p.window > current) return "forged";
  return current - p.window <= 1 ? "valid" : "expired";
}

export type CodeVerdict = "valid" | "expired" | null;

/** How many windows back a typed code is still recognised, only to say "expired" instead of "not found". */
const EXPIRED_LOOKBACK = 4;

export function matchCode(s: CodeSource, code: string, t: number, lookback = true): CodeVerdict {
  const current = codeWindow(s, t);
  if (codeFor(s, current) === code) return "valid";
  if (s.codeRotationSeconds === 0) return null;
  if (codeFor(s, current - 1) === code) return "valid";
  if (!lookback) return null;
  for (let w = current - 2; w >= current - EXPIRED_LOOKBACK; w--) if (codeFor(s, w) === code) return "expired";
  return null;
}

export function snapshot(s: CodeSource, appUrl: string, t: number): CodeSnapshot {
  const tw = tokenWindow(s, t);
  const token = tokenFor(s, tw);
  const expiresAt = s.codeAnchorAt + (tw + 1) * s.rotationSeconds * 1000;
  const cw = codeWindow(s, t);
  const codeExpiresAt = s.codeRotationSeconds === 0 ? null : s.codeAnchorAt + (cw + 1) * s.codeRotationSeconds * 1000;
  return {
    sessionId: s.id,
    token,
    url: joinUrl(appUrl, token),
    code: codeFor(s, cw),
    expiresAt: new Date(expiresAt).toISOString(),
    codeExpiresAt: codeExpiresAt === null ? null : new Date(codeExpiresAt).toISOString(),
    serverTime: new Date(t).toISOString(),
  };
}

/** When the projector next needs a new token or code. */
export function nextChangeAt(s: CodeSource, t: number): number {
  const tokenEnd = s.codeAnchorAt + (tokenWindow(s, t) + 1) * s.rotationSeconds * 1000;
  if (s.codeRotationSeconds === 0) return tokenEnd;
  const codeEnd = s.codeAnchorAt + (codeWindow(s, t) + 1) * s.codeRotationSeconds * 1000;
  return Math.min(tokenEnd, codeEnd);
}
