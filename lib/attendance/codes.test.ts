import { describe, expect, it } from "vitest";
import {
  codeFor,
  codeWindow,
  matchCode,
  nextChangeAt,
  snapshot,
  tokenFor,
  tokenWindow,
  verifyToken,
  type CodeSource,
} from "./codes";
import { joinUrl, parseQrToken as parseToken } from "../model/qr-token";

const ANCHOR = Date.UTC(2025, 8, 1, 9, 0, 0);
const APP = "http://rollcall.test:3000";

function source(over: Partial<CodeSource> = {}): CodeSource {
  return { id: "SessA1b2c3d4", secret: "secret-A", codeEpoch: 0, codeAnchorAt: ANCHOR, rotationSeconds: 10, codeRotationSeconds: 30, ...over };
}

/** The moment `ms` into token window `w` (rotation 10 s). */
const at = (w: number, ms = 0) => ANCHOR + w * 10_000 + ms;

function verify(s: CodeSource, token: string, t: number) {
  const p = parseToken(token);
  if (!p) throw new Error(`unparseable token ${token}`);
  return verifyToken(s, p, t);
}

describe("token windows", () => {
  it("counts whole rotation periods from the anchor, negative before it", () => {
    const s = source();
    expect(tokenWindow(s, ANCHOR)).toBe(0);
    expect(tokenWindow(s, ANCHOR + 9_999)).toBe(0);
    expect(tokenWindow(s, ANCHOR + 10_000)).toBe(1);
    expect(tokenWindow(s, ANCHOR + 35_000)).toBe(3);
    expect(tokenWindow(s, ANCHOR - 1)).toBe(-1);
  });

  it("accepts a token in its own window and the one after it, and calls it expired from the second window on", () => {
    const s = source();
    const token = tokenFor(s, 5);
    expect(verify(s, token, at(5))).toBe("valid");
    expect(verify(s, token, at(5, 9_999))).toBe("valid");
    expect(verify(s, token, at(6))).toBe("valid");
    expect(verify(s, token, at(6, 9_999))).toBe("valid");
    expect(verify(s, token, at(7))).toBe("expired");
    expect(verify(s, token, at(50))).toBe("expired");
  });

  it("treats a token for a window that has not begun as forged", () => {
    const s = source();
    expect(verify(s, tokenFor(s, 6), at(5, 9_999))).toBe("forged");
    expect(verify(s, tokenFor(s, 100), at(5))).toBe("forged");
  });

  it("refuses a tampered MAC, window or session id", () => {
    const s = source();
    const token = tokenFor(s, 3);
    const [id, epoch, w, mac] = token.split(".");
    const flipped = mac.slice(0, -1) + (mac.endsWith("A") ? "B" : "A");
    expect(verify(s, `${id}.${epoch}.${w}.${flipped}`, at(3))).toBe("forged");
    // Moving a valid MAC to a later window must not extend its life.
    expect(verify(s, `${id}.${epoch}.4.${mac}`, at(4))).toBe("forged");
    expect(verify(s, `${id}.${epoch}.${w}.${"A".repeat(16)}`, at(3))).toBe("forged");
  });

  it("refuses a token made for another session, or signed with another session's secret", () => {
    const a = source();
    const b = source({ id: "SessB9z8y7x6", secret: "secret-B" });
    // b's own token, presented to a
    expect(verify(a, tokenFor(b, 2), at(2))).toBe("forged");
    // a's session id, signed with b's secret: "moved" to a
    const moved = tokenFor({ ...b, id: a.id }, 2);
    expect(parseToken(moved)?.sessionId).toBe(a.id);
    expect(verify(a, moved, at(2))).toBe("forged");
    // the same body under the right secret is fine
    expect(verify(a, tokenFor(a, 2), at(2))).toBe("valid");
  });

  it("kills every token of an earlier epoch at once, and calls a later epoch forged", () => {
    const before = source();
    const old = tokenFor(before, 4);
    expect(verify(before, old, at(4, 100))).toBe("valid");
    // Regeneration bumps the epoch and re-anchors at the moment of regeneration.
    const after = source({ codeEpoch: 1, codeAnchorAt: at(4, 200) });
    expect(verify(after, old, at(4, 300))).toBe("expired");
    expect(verify(after, tokenFor(after, 0), at(4, 300))).toBe("valid");
    const fromTheFuture = tokenFor(source({ codeEpoch: 2, codeAnchorAt: at(4, 200) }), 0);
    expect(verify(after, fromTheFuture, at(4, 300))).toBe("forged");
  });

  it("parses only well-formed tokens", () => {
    const s = source();
    expect(parseToken(tokenFor(s, 7))).toMatchObject({ sessionId: s.id, epoch: 0, window: 7 });
    expect(parseToken(tokenFor(s, -2))).toMatchObject({ window: -2 });
    for (const bad of ["", "abc", "a.b.c.d", `${s.id}.0.1`, `${s.id}.0.1.short`, `${s.id}.x.1.${"A".repeat(16)}`, `../x.0.1.${"A".repeat(16)}`, `${tokenFor(s, 1)} `, `${tokenFor(s, 1)}A`]) {
      expect(parseToken(bad), bad).toBeNull();
    }
  });
});

describe("6-digit codes", () => {
  it("are always six digits, zero-padded", () => {
    const s = source();
    const codes = Array.from({ length: 300 }, (_, w) => codeFor(s, w));
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    // With 300 windows a leading zero is all but certain (1 - 0.9^300); the secret is fixed, so this is deterministic.
    expect(codes.some((c) => c.startsWith("0"))).toBe(true);
  });

  it("differ between sessions, windows and epochs", () => {
    const a = source();
    const b = source({ id: "SessB9z8y7x6", secret: "secret-B" });
    expect(codeFor(a, 1)).not.toBe(codeFor(b, 1));
    expect(new Set(Array.from({ length: 20 }, (_, w) => codeFor(a, w))).size).toBe(20);
    expect(codeFor(a, 1)).not.toBe(codeFor(source({ codeEpoch: 1 }), 1));
  });

  it("rotate every codeRotationSeconds with one window of grace, then read as expired for a few windows", () => {
    const s = source(); // 30 s code windows
    const code = codeFor(s, 2);
    const t = (w: number, ms = 0) => ANCHOR + w * 30_000 + ms;
    expect(codeWindow(s, t(2, 29_999))).toBe(2);
    expect(matchCode(s, code, t(2))).toBe("valid");
    expect(matchCode(s, code, t(3, 29_999))).toBe("valid");
    expect(matchCode(s, code, t(4))).toBe("expired");
    expect(matchCode(s, code, t(6, 29_999))).toBe("expired");
    expect(matchCode(s, code, t(7))).toBeNull();
    // not yet valid before its window
    expect(matchCode(s, code, t(1, 29_999))).toBeNull();
  });

  it("do not match a code that no recent window produced", () => {
    const s = source();
    const t = ANCHOR + 10 * 30_000;
    const recent = new Set(Array.from({ length: 6 }, (_, i) => codeFor(s, 10 - i)));
    const stranger = ["000000", "123456", "999999", "424242"].find((c) => !recent.has(c))!;
    expect(matchCode(s, stranger, t)).toBeNull();
  });

  it("stay fixed when codeRotationSeconds is 0, until the epoch changes", () => {
    const s = source({ codeRotationSeconds: 0 });
    const first = snapshot(s, APP, ANCHOR).code;
    expect(codeWindow(s, ANCHOR + 7 * 24 * 3600_000)).toBe(0);
    expect(snapshot(s, APP, ANCHOR + 3 * 3600_000).code).toBe(first);
    expect(matchCode(s, first, ANCHOR + 3 * 3600_000)).toBe("valid");
    const regenerated = source({ codeRotationSeconds: 0, codeEpoch: 1, codeAnchorAt: ANCHOR + 60_000 });
    expect(snapshot(regenerated, APP, ANCHOR + 61_000).code).not.toBe(first);
    expect(matchCode(regenerated, first, ANCHOR + 61_000)).toBeNull();
  });
});

describe("snapshot and nextChangeAt", () => {
  it("reports the current token, code and the end of their windows", () => {
    const s = source();
    const t = ANCHOR + 25_000; // token window 2 (20–30 s), code window 0 (0–30 s)
    const snap = snapshot(s, APP, t);
    expect(snap.sessionId).toBe(s.id);
    expect(snap.token).toBe(tokenFor(s, 2));
    expect(snap.url).toBe(`${APP}/join?t=${encodeURIComponent(snap.token)}`);
    expect(snap.url).toBe(joinUrl(APP, snap.token));
    expect(snap.code).toBe(codeFor(s, 0));
    expect(snap.expiresAt).toBe(new Date(ANCHOR + 30_000).toISOString());
    expect(snap.codeExpiresAt).toBe(new Date(ANCHOR + 30_000).toISOString());
    expect(snap.serverTime).toBe(new Date(t).toISOString());
    expect(nextChangeAt(s, t)).toBe(ANCHOR + 30_000);
    expect(verify(s, snap.token, t)).toBe("valid");
    expect(matchCode(s, snap.code, t)).toBe("valid");
  });

  it("moves to the next window exactly at the boundary", () => {
    const s = source();
    const snap = snapshot(s, APP, ANCHOR + 30_000);
    expect(snap.token).toBe(tokenFor(s, 3));
    expect(snap.expiresAt).toBe(new Date(ANCHOR + 40_000).toISOString());
    expect(snap.code).toBe(codeFor(s, 1));
    expect(snap.codeExpiresAt).toBe(new Date(ANCHOR + 60_000).toISOString());
    expect(nextChangeAt(s, ANCHOR + 30_000)).toBe(ANCHOR + 40_000);
  });

  it("picks whichever of token and code changes first", () => {
    const s = source({ rotationSeconds: 10, codeRotationSeconds: 7 });
    expect(nextChangeAt(s, ANCHOR + 12_000)).toBe(ANCHOR + 14_000); // code 7–14 s ends before token 10–20 s
    expect(nextChangeAt(s, ANCHOR + 15_000)).toBe(ANCHOR + 20_000); // token 10–20 s ends before code 14–21 s
  });

  it("has no code expiry when the code is fixed, and follows the token alone", () => {
    const s = source({ codeRotationSeconds: 0, rotationSeconds: 15 });
    const snap = snapshot(s, APP, ANCHOR + 16_000);
    expect(snap.codeExpiresAt).toBeNull();
    expect(snap.expiresAt).toBe(new Date(ANCHOR + 30_000).toISOString());
    expect(nextChangeAt(s, ANCHOR + 16_000)).toBe(ANCHOR + 30_000);
  });

  it("re-anchors after regeneration: the first window starts at the regeneration", () => {
    const regenAt = ANCHOR + 123_456;
    const s = source({ codeEpoch: 3, codeAnchorAt: regenAt });
    const snap = snapshot(s, APP, regenAt + 1);
    expect(snap.token).toBe(tokenFor(s, 0));
    expect(snap.expiresAt).toBe(new Date(regenAt + 10_000).toISOString());
    expect(snap.codeExpiresAt).toBe(new Date(regenAt + 30_000).toISOString());
  });
});
