// The QR token's wire format, browser-safe: the server signs and verifies
// tokens (lib/attendance/codes.ts), the phone's scanner only recognises them.

/** `<sessionId>.<epoch>.<window>.<mac>`, the mac being 96 bits of base64url. */
export const QR_TOKEN_PATTERN = /^([0-9A-Za-z]{1,64})\.(\d{1,9})\.(-?\d{1,15})\.([A-Za-z0-9_-]{16})$/;

export type QrTokenParts = { sessionId: string; epoch: number; window: number; mac: string };

export function parseQrToken(token: string): QrTokenParts | null {
  const m = QR_TOKEN_PATTERN.exec(token);
  if (!m) return null;
  return { sessionId: m[1], epoch: Number(m[2]), window: Number(m[3]), mac: m[4] };
}

export function formatQrTokenBody(sessionId: string, epoch: number, window: number): string {
  return `${sessionId}.${epoch}.${window}`;
}

/** The address the projector's QR code encodes. */
export function joinUrl(appUrl: string, token: string): string {
  return `${appUrl}/join?t=${encodeURIComponent(token)}`;
}
