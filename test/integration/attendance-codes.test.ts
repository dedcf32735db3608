import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tokenFor } from "@/lib/attendance/codes";
import { parseQrToken as parseToken } from "@/lib/model/qr-token";
import { advanceClock, setClockOffset } from "@/lib/clock";
import { getProcessValue } from "@/lib/process-store";
import { emitAck } from "../api";
import { audit, checkin, classroom, heardEvent, liveCode, rowOf, rows, sessionRow, startSession, watcher, wrongCodes } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// Rotating QR tokens and 6-digit codes: windows, regeneration, the rotation and stats timers, and guessing limits.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => setClockOffset(0));
afterAll(() => server.close());

describe("rotating codes", () => {
  it("accepts a token one window old and refuses one two windows old as code_expired; the same for typed codes", async () => {
    const c = await classroom(server, 5);
    const [s0, s1, s2, s3, s4] = c.students;
    const session = await startSession(c, { rotationSeconds: 10, codeRotationSeconds: 30 });
    const code = await liveCode(c, session.id);

    advanceClock(10_000);
    const oneBack = await checkin(s0.client, { token: code.token });
    expect(oneBack.status).toBe(201);

    advanceClock(10_000);
    const twoBack = await checkin(s1.client, { token: code.token });
    expect(twoBack.status).toBe(410);
    expect(twoBack.body.error).toMatchObject({ code: "code_expired", message: expect.any(String) });
    const sock = await server.socket({ token: s2.token });
    expect(await emitAck(sock, "attendance:checkin", { token: code.token })).toMatchObject({ ok: false, error: { code: "code_expired" } });

    // The typed code has its own 30 s period: still good 30 s later, expired 60 s later.
    advanceClock(10_000); // +30 s
    expect((await checkin(s3.client, { code: code.code })).status).toBe(201);
    advanceClock(30_000); // +60 s
    const stale = await checkin(s4.client, { code: code.code });
    expect(stale.status).toBe(410);
    expect(stale.body.error.code).toBe("code_expired");

    expect((await rows(session.id)).map((r) => r.student_id).sort()).toEqual([s0.user.id, s3.user.id].sort());
    // A fresh token works again after the clock moved.
    expect((await checkin(s1.client, { token: (await liveCode(c, session.id)).token })).status).toBe(201);
  });

  it("refuses a tampered token, a token moved to another session, a future window and garbage as invalid_code", async () => {
    const a = await classroom(server, 2);
    const b = await classroom(server, 1, {}, a.teacher);
    const [s0, s1] = a.students;
    const sa = await startSession(a);
    const sb = await startSession(b);
    const codeA = await liveCode(a, sa.id);
    const codeB = await liveCode(b, sb.id);

    const [, epoch, window, mac] = codeA.token.split(".");
    const tampered = `${sa.id}.${epoch}.${window}.${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`;
    const moved = `${sa.id}.${codeB.token.split(".").slice(1).join(".")}`;
    const extended = `${sa.id}.${epoch}.${Number(window) + 5}.${mac}`;
    // A correctly signed token for a window that has not begun (needs the secret, read from the database).
    const future = tokenFor((await sessionRow(sa.id)), Number(window) + 3);
    const unknownSession = `ZZZZZZZZZZZZ.${epoch}.${window}.${mac}`;
    for (const token of [tampered, moved, extended, future, unknownSession, "hello", "https://evil.test/join?t=x", ""]) {
      const res = await checkin(s0.client, { token });
      expect(res.status, token).toBe(400);
      expect(res.body.error.code, token).toBe("invalid_code");
    }
    const sock = await server.socket({ token: s1.token });
    expect(await emitAck(sock, "attendance:checkin", { token: moved })).toMatchObject({ ok: false, error: { code: "invalid_code" } });

    // B's genuine token names B's session: a student of A only is not enrolled there.
    const other = await checkin(s0.client, { token: codeB.token });
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: "not_enrolled", courseId: b.course.id, courseName: b.course.name, canRequest: true });
    expect((await rows(sa.id))).toHaveLength(0);
    expect((await rows(sb.id))).toHaveLength(0);
    // A's genuine token still works.
    expect((await checkin(s0.client, { token: codeA.token })).status).toBe(201);
  });

  it("regeneration kills the old token and code at once and pushes session:code to the console", async () => {
    const c = await classroom(server, 3);
    const [s0, s1, s2] = c.students;
    const session = await startSession(c);
    const staff = await watcher(server, c.teacher, session.id);
    const old = await liveCode(c, session.id);

    const regen = await c.teacher.client.post(`/api/sessions/${session.id}/code`);
    expect(regen.status).toBe(200);
    const fresh = regen.body;
    expect(Object.keys(fresh).sort()).toEqual(["code", "codeExpiresAt", "expiresAt", "serverTime", "token", "url"]);
    expect(fresh.token).not.toBe(old.token);
    expect(parseToken(fresh.token)!.epoch).toBe(parseToken(old.token)!.epoch + 1);

    const pushed = await heardEvent(staff.socket, staff.events, "session:code", (p) => p.token === fresh.token);
    // The same code; serverTime is the moment each was made (the push reads the session again, on PostgreSQL a round trip later).
    const { serverTime, ...same } = fresh;
    expect(pushed).toEqual({ sessionId: session.id, ...same, serverTime: expect.any(String) });
    expect(Math.abs(Date.parse(pushed.serverTime) - Date.parse(serverTime))).toBeLessThan(1000);

    // No clock movement at all: the old token is dead the moment regeneration answered.
    const oldToken = await checkin(s0.client, { token: old.token });
    expect(oldToken.status).toBe(410);
    expect(oldToken.body.error.code).toBe("code_expired");
    if (fresh.code !== old.code) {
      const oldCode = await checkin(s1.client, { code: old.code });
      expect([404, 410]).toContain(oldCode.status);
      expect(["code_not_found", "code_expired"]).toContain(oldCode.body.error.code);
    }
    expect((await rows(session.id))).toHaveLength(0);
    expect((await checkin(s0.client, { token: fresh.token })).status).toBe(201);
    expect((await checkin(s2.client, { code: fresh.code })).status).toBe(201);
    expect((await audit(session.id, "regenerate_code"))).toMatchObject([{ actor_id: c.teacher.user.id, from_value: "0", to_value: "1" }]);
    // GET returns the regenerated token, not the old one.
    expect((await liveCode(c, session.id)).token).toBe(fresh.token);
  });
});

describe("rotation and stats timers", () => {
  it("pushes session:code to the console at each rotation, and stops at the end", async () => {
    const c = await classroom(server, 1);
    const session = await startSession(c, { rotationSeconds: 5, codeRotationSeconds: 0 });
    const staff = await watcher(server, c.teacher, session.id);
    const first = staff.reply.code;
    const pushed = await heardEvent(staff.socket, staff.events, "session:code", (p) => p.token !== first.token, 7000);
    expect(pushed.sessionId).toBe(session.id);
    expect(parseToken(pushed.token)!.window).toBe(parseToken(first.token)!.window + 1);
    expect(pushed.code).toBe(first.code); // fixed code
    expect(pushed.codeExpiresAt).toBeNull();
    expect(Date.parse(pushed.serverTime)).toBeGreaterThanOrEqual(Date.parse(first.expiresAt));
    expect(Date.parse(pushed.expiresAt) - Date.parse(first.expiresAt)).toBe(5000);
    expect((await checkin(c.students[0].client, { token: pushed.token })).status).toBe(201);

    const timers = () => getProcessValue<Map<string, unknown>>("realtime.rotation")!;
    expect(timers().has(session.id)).toBe(true);
    await c.teacher.client.post(`/api/sessions/${session.id}/end`);
    expect(timers().has(session.id)).toBe(false);
  });

  it("sends session:stats to watching students at most once a second, with the latest counts", async () => {
    const c = await classroom(server, 7);
    const [watching, ...others] = c.students;
    const session = await startSession(c);
    const me = await watcher(server, watching, session.id);
    const arrivals: Array<{ at: number; present: number }> = [];
    me.socket.on("session:stats", (p) => arrivals.push({ at: Date.now(), present: p.counts.present }));
    const code = await liveCode(c, session.id);
    const all = heardEvent(me.socket, me.events, "session:stats", (p) => p.counts.present === others.length, 4000);
    await Promise.all(others.map((s) => checkin(s.client, { token: code.token })));
    await all;
    expect(arrivals.length).toBeLessThanOrEqual(2);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i].at - arrivals[i - 1].at).toBeGreaterThanOrEqual(900);
    expect(arrivals.at(-1)!.present).toBe(others.length);
  });
});

describe("code guessing limits", () => {
  it("after 10 free wrong codes, a wrong one starts a pause: tries in it get 429 rate_limited and Retry-After; the QR still works", async () => {
    const c = await classroom(server, 3);
    const [s0, s1, s2] = c.students;
    const session = await startSession(c);
    const code = await liveCode(c, session.id);

    const guesses = await wrongCodes(11);
    for (const guess of guesses) {
      const res = await checkin(s0.client, { code: guess });
      expect(res.status, guess).toBe(404);
      expect(res.body.error.code).toBe("code_not_found");
    }
    const paused = await checkin(s0.client, { code: guesses[0] });
    expect(paused.status).toBe(429);
    expect(paused.body.error.code).toBe("rate_limited");
    const retryAfter = Number(paused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // During the pause even the right code waits, over REST and over the socket.
    expect((await checkin(s0.client, { code: code.code })).status).toBe(429);
    const sock = await server.socket({ token: s0.token });
    const ack = await emitAck(sock, "attendance:checkin", { code: code.code });
    expect(ack).toMatchObject({ ok: false, error: { code: "rate_limited", retryAfterSeconds: expect.any(Number) } });
    expect((await rowOf(session.id, s0.user.id))).toBeUndefined();

    // The limit is per device too: another student on the guesser's phone is held back.
    s1.client.cookies.set("rollcall_device", s0.client.cookies.get("rollcall_device")!);
    expect((await checkin(s1.client, { code: code.code })).status).toBe(429);
    // A classmate on their own phone is not affected, and the QR is never rate limited.
    expect((await checkin(s2.client, { code: code.code })).status).toBe(201);
    expect((await checkin(s0.client, { token: code.token })).status).toBe(201);
  });
  it("counts a burst of concurrent wrong codes before answering: at most 10 free and 1 more get through, over REST or the socket", async () => {
    const c = await classroom(server, 2);
    const [s0, s1] = c.students;
    const session = await startSession(c);
    const guesses = (await wrongCodes(30));

    // A script on one phone fires 30 guesses at once over one socket.
    const sock = await server.socket({ token: s0.token });
    const acks = await Promise.all(guesses.map((code) => emitAck(sock, "attendance:checkin", { code })));
    const judged = acks.filter((a) => a.error?.code === "code_not_found").length;
    expect(acks.every((a) => a.ok === false)).toBe(true);
    expect(judged).toBeLessThanOrEqual(11);
    expect(acks.filter((a) => a.error?.code === "rate_limited").length).toBe(30 - judged);

    // And 30 at once over REST.
    const rest = await Promise.all(guesses.map((code) => checkin(s1.client, { code })));
    expect(rest.filter((r) => r.status === 404).length).toBeLessThanOrEqual(11);
    expect(rest.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(19);
    expect((await rows(session.id))).toHaveLength(0);
  });
});
