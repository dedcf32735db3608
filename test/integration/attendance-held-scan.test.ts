import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeHeldScan, HELD_SCAN_COOKIE } from "@/lib/api/cookies";
import { advanceClock, now, setClockOffset } from "@/lib/clock";
import { ApiClient } from "../api";
import { checkin, classroom, liveCode, MIN, rows, startSession } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// Scan, then sign in: a signed-out scan held in a cookie for five minutes.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => setClockOffset(0));
afterAll(() => server.close());

describe("scan, then sign in", () => {
  it("holds a signed-out scan in a cookie and checks in as of the scan when sign-in finishes within 5 minutes", async () => {
    const c = await classroom(server, 2);
    const [s0, s1] = c.students;
    const session = await startSession(c, { lateAfterMinutes: 2 });
    const code = await liveCode(c, session.id);

    const phone = new ApiClient(server.url);
    const before = now();
    const held = await checkin(phone, { token: code.token });
    const after = now();
    expect(held.status).toBe(401);
    expect(held.body.error).toMatchObject({ code: "unauthenticated", held: true, sessionId: session.id, courseName: c.course.name });
    const cookie = phone.cookies.get(HELD_SCAN_COOKIE);
    expect(cookie).toBeTruthy();
    expect(held.headers.getSetCookie().find((h) => h.startsWith(`${HELD_SCAN_COOKIE}=`))).toMatch(/HttpOnly/);
    expect(phone.cookies.get("rollcall_device")).toBeTruthy();
    const scannedAt = decodeHeldScan(cookie)!.scannedAt;
    expect(scannedAt).toBeGreaterThanOrEqual(before);
    expect(scannedAt).toBeLessThanOrEqual(after);
    expect((await rows(session.id))).toHaveLength(0);

    // A copy of the cookie in another browser is worth nothing: the token alone is judged, and it has expired.
    advanceClock(4 * MIN);
    const thief = new ApiClient(server.url);
    thief.token = s1.token;
    thief.cookies.set(HELD_SCAN_COOKIE, cookie!);
    expect((await checkin(thief, { token: code.token })).body.error.code).toBe("code_expired");

    // Four minutes later the student has signed in on the phone that scanned.
    phone.token = s0.token;
    const done = await checkin(phone, { token: code.token });
    expect(done.status).toBe(201);
    expect(Date.parse(done.body.record.checkedInAt)).toBe(scannedAt);
    // On time as of the scan, although sign-in ended after lateAfterMinutes.
    expect(done.body.record).toMatchObject({ studentId: s0.user.id, status: "present", method: "qr" });
    expect(phone.cookies.has(HELD_SCAN_COOKIE)).toBe(false);
  });

  it("refuses a held scan completed after more than 5 minutes, and holds nothing for a dead or typed code", async () => {
    const c = await classroom(server, 1);
    const session = await startSession(c);
    const code = await liveCode(c, session.id);
    const phone = new ApiClient(server.url);
    expect((await checkin(phone, { token: code.token })).body.error.held).toBe(true);
    advanceClock(5 * MIN + 1000);
    phone.token = c.students[0].token;
    const late = await checkin(phone, { token: code.token });
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe("code_expired");
    expect(phone.cookies.has(HELD_SCAN_COOKIE)).toBe(false);
    expect((await rows(session.id))).toHaveLength(0);

    const other = new ApiClient(server.url);
    const stale = await checkin(other, { token: code.token });
    expect(stale.status).toBe(410);
    expect(other.cookies.has(HELD_SCAN_COOKIE)).toBe(false);
    const typed = await checkin(other, { code: code.code });
    expect(typed.status).toBe(401);
    expect(typed.body.error.held).toBeUndefined();
    const forged = await checkin(other, { token: "abc.0.1.AAAAAAAAAAAAAAAA" });
    expect(forged.status).toBe(400);
    expect(other.cookies.has(HELD_SCAN_COOKIE)).toBe(false);
  });
});
