import { describe, expect, it } from "vitest";
import { decodeHeldScan, encodeHeldScan, HELD_SCAN_COOKIE, heldScanCookie, heldScanFromRequest } from "./cookies";

const held = { token: "SessA1b2c3d4.0.12.AAAAAAAAAAAAAAAA", scannedAt: 1_756_717_200_000, deviceId: "device-0123456789abcdef" };

describe("held scan cookie", () => {
  it("round-trips through the cookie the route sets", () => {
    const header = heldScanCookie(held, false).split(";")[0];
    const req = new Request("http://x/api/checkin", { headers: { cookie: `other=1; ${header}` } });
    expect(heldScanFromRequest(req)).toEqual(held);
  });

  it("is httpOnly, short-lived, Secure only over HTTPS, and clearable", () => {
    expect(heldScanCookie(held, false)).toMatch(/HttpOnly/);
    expect(heldScanCookie(held, false)).not.toMatch(/Secure/);
    expect(heldScanCookie(held, true)).toMatch(/; Secure/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(heldScanCookie(held, false))![1]);
    expect(maxAge).toBeGreaterThanOrEqual(300);
    expect(maxAge).toBeLessThanOrEqual(600);
    expect(heldScanCookie(null, false)).toMatch(new RegExp(`^${HELD_SCAN_COOKIE}=; Max-Age=0`));
  });

  it("refuses a value whose body or signature was changed", () => {
    const value = encodeHeldScan(held);
    const [body, sig] = value.split(".");
    // A back-dated scan re-encoded by the client keeps the old signature: refused.
    const backdated = Buffer.from(JSON.stringify({ ...held, scannedAt: held.scannedAt - 60_000 })).toString("base64url");
    expect(decodeHeldScan(`${backdated}.${sig}`)).toBeNull();
    expect(decodeHeldScan(`${body}.${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(decodeHeldScan(`${body}.`)).toBeNull();
    expect(decodeHeldScan(body)).toBeNull();
    expect(decodeHeldScan(undefined)).toBeNull();
    expect(decodeHeldScan("")).toBeNull();
    expect(decodeHeldScan(value)).toEqual(held);
  });
});
