import { QR_TOKEN_PATTERN } from "@/lib/model/qr-token";

/**
 * What a scanned QR code means to /join. The projector's QR encodes
 * `${APP_URL}/join?t=<token>`; APP_URL may be a LAN address, a tunnel or a
 * domain, so any host is accepted — the server verifies the token anyway.
 * Pure: shared by the scanner and its tests.
 */
export function looksLikeToken(text: string): boolean {
  return QR_TOKEN_PATTERN.test(text);
}

/** The check-in token in a scanned text, or null when it is not a Rollcall join code. */
export function tokenFromScan(raw: string): string | null {
  const text = raw.trim();
  if (!text) return null;
  if (looksLikeToken(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.pathname.replace(/\/+$/, "") !== "/join") return null;
  const t = url.searchParams.get("t")?.trim();
  return t && t.length <= 256 ? t : null;
}

/**
 * The digits of a typed or pasted 6-digit code. Pastes carry noise: spaces,
 * dashes, full-width digits, or a whole message ("CS101 code: 123 456"), in
 * which case the one standalone 6-digit group is the code.
 */
export function cleanCode(raw: string): string {
  const text = raw.normalize("NFKC");
  const digits = text.replace(/\D/g, "");
  if (digits.length <= 6) return digits;
  const group = /(?<!\d)\d{3}[\s\-\u2013\u2014.]?\d{3}(?!\d)/.exec(text);
  return (group ? group[0].replace(/\D/g, "") : digits).slice(0, 6);
}
