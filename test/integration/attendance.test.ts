import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { decodeHeldScan, HELD_SCAN_COOKIE } from "@/lib/api/cookies";
import { tokenFor } from "@/lib/attendance/codes";
import { computeCounts } from "@/lib/attendance/counts";
import { getDb } from "@/lib/db/client";
import { parseQrToken as parseToken } from "@/lib/model/qr-token";
import { advanceClock, now, setClockOffset } from "@/lib/clock";
import { getProcessValue } from "@/lib/process-store";
import { ApiClient, emitAck, nextEvent, registerAndLogin } from "../api";
import {
  audit,
  checkin,
  classroom,
  enrolledStudent,
  heardEvent,
  listen,
  liveCode,
  rowOf,
  rows,
  sessionRow,
  scalar,
  startSession,
  watcher,
  wrongCodes,
  type Account,
} from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => setClockOffset(0));
afterAll(() => server.close());

const MIN = 60_000;
const counts = (c: Partial<Record<"present" | "late" | "absent" | "excused" | "unmarked" | "total", number>>) => ({
  present: 0,
  late: 0,
  absent: 0,
  excused: 0,
  unmarked: 0,
  total: 0,
  ...c,
});
const forStudent = (a: Account) => (p: any) => p?.record?.studentId === a.user.id;

describe("a live session, start to check-in", () => {
  it("starts, shows a code, checks in by token and by code, and tells the console at once with the right counts", async () => {
    const c = await classroom(server, 3);
    const [s0, s1, s2] = c.students;
    const s2socket = await server.socket({ token: s2.token });
    const s2heard = listen(s2socket);
    const started = nextEvent(s2socket, "session:started");

    const session = await startSession(c);
    expect(session).toMatchObject({ status: "active", courseId: c.course.id, lateAfterMinutes: 10, closeAfterMinutes: null, rotationSeconds: 10, codeRotationSeconds: 30 });
    expect(await started).toMatchObject({ session: { id: session.id }, courseId: c.course.id, courseName: c.course.name });

    const staff = await watcher(server, c.teacher, session.id);
    expect(staff.reply).toMatchObject({ ok: true, role: "owner", session: { id: session.id }, counts: counts({ unmarked: 3, total: 3 }) });
    expect(staff.reply.roster).toHaveLength(3);
    expect(staff.reply.roster.every((r: any) => r.status === "unmarked")).toBe(true);
    expect(staff.reply.code.token).toEqual(expect.any(String));

    const code = await liveCode(c, session.id);
    expect(code.url).toBe(`${process.env.APP_URL}/join?t=${encodeURIComponent(code.token)}`);
    expect(code.code).toMatch(/^\d{6}$/);
    expect(Date.parse(code.expiresAt)).toBeGreaterThan(Date.parse(code.serverTime));
    expect(Date.parse(code.codeExpiresAt!)).toBeGreaterThan(Date.parse(code.serverTime));
    expect(parseToken(code.token)?.sessionId).toBe(session.id);

    const marked0 = nextEvent(staff.socket, "attendance:marked", 3000, forStudent(s0));
    const byToken = await checkin(s0.client, { token: code.token });
    expect(byToken.status).toBe(201);
    expect(byToken.body).toMatchObject({
      alreadyCheckedIn: false,
      session: { id: session.id, title: session.title, courseName: c.course.name },
      record: { studentId: s0.user.id, studentName: s0.user.name, status: "present", method: "qr", lateMinutes: null, markedBy: null, flagged: false },
    });
    expect(byToken.body.record.checkedInAt).toEqual(expect.any(String));
    const ev0 = await marked0;
    expect(ev0).toEqual({ sessionId: session.id, record: byToken.body.record, counts: counts({ present: 1, unmarked: 2, total: 3 }) });

    const marked1 = nextEvent(staff.socket, "attendance:marked", 3000, forStudent(s1));
    const byCode = await checkin(s1.client, { code: code.code });
    expect(byCode.status).toBe(201);
    expect(byCode.body.record).toMatchObject({ studentId: s1.user.id, status: "present", method: "code" });
    expect((await marked1).counts).toEqual(counts({ present: 2, unmarked: 1, total: 3 }));

    // A typed code with spaces, as people copy it off a projector, works too.
    const marked2 = nextEvent(s2socket, "attendance:marked");
    const spaced = await checkin(s2.client, { code: `${code.code.slice(0, 3)} ${code.code.slice(3)}` });
    expect(spaced.status).toBe(201);
    // The student's own user room gets the record alone, without the class's counts.
    expect(await marked2).toEqual({ sessionId: session.id, record: spaced.body.record });
    expect(s2heard.filter((h) => h.event === "attendance:marked")).toHaveLength(1);

    expect((await rows(session.id)).map((r) => [r.student_id, r.status, r.method]).sort()).toEqual(
      [[s0.user.id, "present", "qr"], [s1.user.id, "present", "code"], [s2.user.id, "present", "code"]].sort(),
    );
    const view = await c.teacher.client.get(`/api/sessions/${session.id}`);
    expect(view.body.counts).toEqual(counts({ present: 3, total: 3 }));
    expect(view.body.roster.find((r: any) => r.studentId === s0.user.id)).toEqual(byToken.body.record);
  });

  it("is idempotent: a second check-in returns the original record with alreadyCheckedIn and writes no second row", async () => {
    const c = await classroom(server, 2);
    const [s0, s1] = c.students;
    const session = await startSession(c);
    const staff = await watcher(server, c.teacher, session.id);
    const code = await liveCode(c, session.id);

    const first = await checkin(s0.client, { token: code.token });
    expect(first.status).toBe(201);
    const again = await checkin(s0.client, { token: code.token });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, alreadyCheckedIn: true });
    const byCode = await checkin(s0.client, { code: code.code });
    expect(byCode.status).toBe(200);
    expect(byCode.body.record).toEqual(first.body.record);
    const sock = await server.socket({ token: s0.token });
    const overSocket = await emitAck(sock, "attendance:checkin", { token: code.token });
    expect(overSocket).toEqual({ ok: true, ...first.body, alreadyCheckedIn: true });
    const parallel = await Promise.all([1, 2, 3].map(() => checkin(s0.client, { token: code.token })));
    expect(parallel.map((r) => r.status)).toEqual([200, 200, 200]);
    // A reopened tab with a QR link long expired still answers with the record, not "expired".
    advanceClock(5 * MIN);
    const reopened = await checkin(s0.client, { token: code.token });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toEqual({ ...first.body, alreadyCheckedIn: true });
    setClockOffset(0);

    // Another student's check-in is emitted after the duplicates: once it arrives, any duplicate event would have too.
    const marked1 = nextEvent(staff.socket, "attendance:marked", 3000, forStudent(s1));
    await checkin(s1.client, { token: code.token });
    await marked1;
    expect(staff.events.filter((h) => h.event === "attendance:marked" && h.payload.record.studentId === s0.user.id)).toHaveLength(1);
    expect((await rows(session.id)).filter((r) => r.student_id === s0.user.id)).toHaveLength(1);
    expect((await audit(session.id, "checkin")).filter((a) => a.subject_id === s0.user.id)).toHaveLength(1);
    expect((await c.teacher.client.get(`/api/sessions/${session.id}`)).body.counts).toEqual(counts({ present: 2, total: 2 }));
  });
});

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
    expect(pushed).toEqual({ sessionId: session.id, ...fresh });

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

describe("session windows", () => {
  it("marks late with the minutes from the start to the scan after lateAfterMinutes, and closes after closeAfterMinutes", async () => {
    const c = await classroom(server, 3);
    const [s0, s1, s2] = c.students;
    const session = await startSession(c, { lateAfterMinutes: 5, closeAfterMinutes: 15 });
    const staff = await watcher(server, c.teacher, session.id);

    advanceClock(4 * MIN);
    const onTime = await checkin(s0.client, { token: (await liveCode(c, session.id)).token });
    expect(onTime.body.record).toMatchObject({ status: "present", lateMinutes: null });

    advanceClock(3 * MIN + 30_000); // 7.5 min after the start
    const marked = nextEvent(staff.socket, "attendance:marked", 3000, forStudent(s1));
    const late = await checkin(s1.client, { code: (await liveCode(c, session.id)).code });
    expect(late.status).toBe(201);
    expect(late.body.record).toMatchObject({ status: "late", lateMinutes: 7, method: "code" });
    expect(Date.parse(late.body.record.checkedInAt) - Date.parse(session.startedAt)).toBeGreaterThanOrEqual(7.5 * MIN);
    expect((await marked).counts).toEqual(counts({ present: 1, late: 1, unmarked: 1, total: 3 }));

    advanceClock(8 * MIN + 30_000); // 16 min
    const closed = await checkin(s2.client, { token: (await liveCode(c, session.id)).token });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe("checkin_closed");
    const sock = await server.socket({ token: s2.token });
    expect(await emitAck(sock, "attendance:checkin", { code: (await liveCode(c, session.id)).code })).toMatchObject({ ok: false, error: { code: "checkin_closed" } });
    expect((await rowOf(session.id, s2.user.id))).toBeUndefined();
    // Staff can still mark the latecomer by hand.
    const manual = await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s2.user.id}`, { status: "late" });
    expect(manual.body.record).toMatchObject({ status: "late", lateMinutes: 16, method: "manual" });
  });

  it("stays open until ended when closeAfterMinutes is not set", async () => {
    const c = await classroom(server, 1);
    const session = await startSession(c, { lateAfterMinutes: 10 });
    advanceClock(3 * 60 * MIN);
    const res = await checkin(c.students[0].client, { token: (await liveCode(c, session.id)).token });
    expect(res.status).toBe(201);
    expect(res.body.record).toMatchObject({ status: "late", lateMinutes: 180 });
  });
});

describe("one device, one student", () => {
  it("refuses a second student on the same device, flags it to the console, and lets them use their own", async () => {
    const c = await classroom(server, 3);
    const [s0, s1, s2] = c.students;
    const session = await startSession(c);
    const staff = await watcher(server, c.teacher, session.id);
    const code = await liveCode(c, session.id);

    expect((await checkin(s0.client, { token: code.token })).status).toBe(201);
    const device = s0.client.cookies.get("rollcall_device");
    expect(device).toMatch(/^[A-Za-z0-9_-]{16,64}$/);

    s1.client.cookies.set("rollcall_device", device!);
    const flagged = nextEvent(staff.socket, "attendance:flagged");
    const reuse = await checkin(s1.client, { code: code.code });
    expect(reuse.status).toBe(409);
    expect(reuse.body.error.code).toBe("device_already_used");
    const flag = await flagged;
    expect(flag).toMatchObject({ sessionId: session.id, studentId: s1.user.id, studentName: s1.user.name, reason: "device_already_used" });
    expect(Date.parse(flag.at)).not.toBeNaN();
    expect((await rowOf(session.id, s1.user.id))).toBeUndefined();

    // The socket path reads the same device cookie from the handshake.
    const sock = await server.socket({ token: s2.token, cookie: `rollcall_device=${device}` });
    expect(await emitAck(sock, "attendance:checkin", { token: code.token })).toMatchObject({ ok: false, error: { code: "device_already_used" } });
    expect((await rowOf(session.id, s2.user.id))).toBeUndefined();

    // The console that (re)connects sees the attempts and the flag on the device's owner.
    const again = await watcher(server, c.teacher, session.id);
    expect(again.reply.flagged.map((f: any) => f.studentId).sort()).toEqual([s1.user.id, s2.user.id].sort());
    expect(again.reply.roster.find((r: any) => r.studentId === s0.user.id).flagged).toBe(true);
    expect(staff.events.filter((h) => h.event === "attendance:flagged")).toHaveLength(2);

    // On their own phone they check in normally.
    s1.client.cookies.delete("rollcall_device");
    expect((await checkin(s1.client, { token: code.token })).status).toBe(201);
    // The owner of the device can of course check in again from it (idempotent).
    expect((await checkin(s0.client, { token: code.token })).status).toBe(200);
  });
});

describe("code guessing limits", () => {
  it("answers the 11th wrong code with 429 rate_limited and Retry-After; the QR still works", async () => {
    const c = await classroom(server, 3);
    const [s0, s1, s2] = c.students;
    const session = await startSession(c);
    const code = await liveCode(c, session.id);

    for (const guess of (await wrongCodes(10))) {
      const res = await checkin(s0.client, { code: guess });
      expect(res.status, guess).toBe(404);
      expect(res.body.error.code).toBe("code_not_found");
    }
    const eleventh = await checkin(s0.client, { code: (await wrongCodes(11))[10] });
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.code).toBe("rate_limited");
    const retryAfter = Number(eleventh.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // Even the right code waits now, over REST and over the socket.
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
  it("counts a burst of concurrent wrong codes before answering: at most 10 get through, over REST or the socket", async () => {
    const c = await classroom(server, 2);
    const [s0, s1] = c.students;
    const session = await startSession(c);
    const guesses = (await wrongCodes(30));

    // A script on one phone fires 30 guesses at once over one socket.
    const sock = await server.socket({ token: s0.token });
    const acks = await Promise.all(guesses.map((code) => emitAck(sock, "attendance:checkin", { code })));
    const judged = acks.filter((a) => a.error?.code === "code_not_found").length;
    expect(acks.every((a) => a.ok === false)).toBe(true);
    expect(judged).toBeLessThanOrEqual(10);
    expect(acks.filter((a) => a.error?.code === "rate_limited").length).toBe(30 - judged);

    // And 30 at once over REST.
    const rest = await Promise.all(guesses.map((code) => checkin(s1.client, { code })));
    expect(rest.filter((r) => r.status === 404).length).toBeLessThanOrEqual(10);
    expect(rest.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(20);
    expect((await rows(session.id))).toHaveLength(0);
  });
});

describe("ending a session", () => {
  it("marks the rest absent (auto), refuses further check-ins with session_ended and tells staff and students", async () => {
    const c = await classroom(server, 4);
    const [s0, s1, s2, s3] = c.students;
    const session = await startSession(c);
    const code = await liveCode(c, session.id);
    const staff = await watcher(server, c.teacher, session.id);
    const student = await watcher(server, s2, session.id);
    expect(student.reply).toMatchObject({ ok: true, role: "student" });

    expect((await checkin(s0.client, { token: code.token })).status).toBe(201);
    expect((await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s1.user.id}`, { status: "excused", note: "sick" })).status).toBe(200);

    const staffEnded = nextEvent(staff.socket, "session:ended");
    const studentEnded = nextEvent(student.socket, "session:ended");
    const end = await c.teacher.client.post(`/api/sessions/${session.id}/end`);
    expect(end.status).toBe(200);
    const final = counts({ present: 1, excused: 1, absent: 2, total: 4 });
    expect(end.body).toMatchObject({ session: { id: session.id, status: "ended", endedAt: expect.any(String) }, counts: final });
    const expected = { sessionId: session.id, endedAt: end.body.session.endedAt, counts: final };
    expect(await staffEnded).toEqual(expected);
    expect(await studentEnded).toEqual(expected);

    const absent = (await rows(session.id)).filter((r) => r.status === "absent");
    expect(absent.map((r) => r.student_id).sort()).toEqual([s2.user.id, s3.user.id].sort());
    expect(absent.every((r) => r.method === "auto" && r.checked_in_at === null && r.marked_by === c.teacher.user.id)).toBe(true);
    expect((await audit(session.id, "auto_absent")).map((a) => a.subject_id).sort()).toEqual([s2.user.id, s3.user.id].sort());
    expect((await rowOf(session.id, s0.user.id))).toMatchObject({ status: "present", method: "qr" });

    // The token is still within its window, and the code too: only the end refuses them.
    const byToken = await checkin(s3.client, { token: code.token });
    expect(byToken.status).toBe(409);
    expect(byToken.body.error.code).toBe("session_ended");
    const byCode = await checkin(s3.client, { code: code.code });
    expect(byCode.status).toBe(409);
    expect(byCode.body.error.code).toBe("session_ended");
    const sock = await server.socket({ token: s3.token });
    expect(await emitAck(sock, "attendance:checkin", { token: code.token })).toMatchObject({ ok: false, error: { code: "session_ended" } });
    expect((await rowOf(session.id, s3.user.id))).toMatchObject({ status: "absent", method: "auto" });

    expect((await c.teacher.client.post(`/api/sessions/${session.id}/end`)).body.error.code).toBe("session_ended");
    expect((await c.teacher.client.get(`/api/sessions/${session.id}/code`)).status).toBe(409);
    expect((await c.teacher.client.post(`/api/sessions/${session.id}/code`)).status).toBe(409);

    // Marking after the end is allowed and audited.
    const later = await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s2.user.id}`, { status: "excused" });
    expect(later.body.counts).toEqual(counts({ present: 1, excused: 2, absent: 1, total: 4 }));
    // And a new session can start.
    expect((await c.teacher.client.post(`/api/courses/${c.course.id}/sessions`, {})).status).toBe(201);
  });
});

describe("what a student sees", () => {
  it("a watching student gets {session, me} and never a token, a code or another student's record", async () => {
    const c = await classroom(server, 4);
    const [s0, s1, s2, s3] = c.students;
    const session = await startSession(c);
    const staff = await watcher(server, c.teacher, session.id);
    const me = await watcher(server, s0, session.id);
    const secrets = new Set<string>();
    const remember = (x: { token: string; code: string }) => {
      secrets.add(x.token);
      secrets.add(x.code);
    };
    remember(staff.reply.code);

    expect(me.reply.ok).toBe(true);
    expect(Object.keys(me.reply).sort()).toEqual(["me", "ok", "role", "session"]);
    expect(me.reply).toMatchObject({ role: "student", session: { id: session.id }, me: null });

    const code = await liveCode(c, session.id);
    remember(code);
    const stats = nextEvent(me.socket, "session:stats");
    expect((await checkin(s1.client, { token: code.token })).status).toBe(201);
    const s2sock = await server.socket({ token: s2.token });
    expect(await emitAck(s2sock, "attendance:checkin", { code: code.code })).toMatchObject({ ok: true });
    await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s1.user.id}`, { status: "late", note: "bus" });
    s3.client.cookies.set("rollcall_device", s1.client.cookies.get("rollcall_device")!);
    expect((await checkin(s3.client, { token: code.token })).body.error.code).toBe("device_already_used");
    await heardEvent(staff.socket, staff.events, "attendance:flagged");
    const regen = await c.teacher.client.post(`/api/sessions/${session.id}/code`);
    remember(regen.body);
    await heardEvent(staff.socket, staff.events, "session:code", (p) => p.token === regen.body.token);
    // Students get the class's numbers, coalesced.
    expect((await stats).counts).toMatchObject({ total: 4 });

    // Everything above was emitted before this; the student's own event arrives last.
    const mine = nextEvent(me.socket, "attendance:marked");
    const own = await checkin(s0.client, { token: regen.body.token });
    expect(own.status).toBe(201);
    expect(await mine).toEqual({ sessionId: session.id, record: own.body.record });

    const heard = JSON.stringify(me.events);
    expect(me.events.map((h) => h.event).sort()).not.toContain("session:code");
    for (const s of secrets) expect(heard.includes(s), `student heard ${s}`).toBe(false);
    expect(me.events.map((h) => h.event)).not.toContain("attendance:flagged");
    for (const other of [s1, s2, s3]) {
      expect(heard.includes(other.user.id)).toBe(false);
      expect(heard.includes(other.user.name)).toBe(false);
    }
    expect(heard).not.toContain("bus");
    expect(staff.events.some((h) => h.event === "session:code")).toBe(true);

    // The REST view is just as narrow.
    const rest = await s0.client.get(`/api/sessions/${session.id}`);
    expect(Object.keys(rest.body).sort()).toEqual(["counts", "me", "session"]);
    expect(rest.body.me).toEqual(own.body.record);
    const restText = JSON.stringify(rest.body);
    for (const s of secrets) expect(restText.includes(s)).toBe(false);
    expect(restText.includes(s1.user.id)).toBe(false);
    // A watch again after checking in returns the student's own record.
    expect((await emitAck(me.socket, "session:watch", { sessionId: session.id })).me).toEqual(own.body.record);
  });
});

describe("REST and socket agree", () => {
  it("attendance:checkin gives the same results as POST /api/checkin", async () => {
    const c = await classroom(server, 4, { autoApprove: true });
    const [r0, k0, r1, k1] = c.students; // r: REST, k: socket
    const session = await startSession(c);
    const code = await liveCode(c, session.id);
    const sockets = new Map<Account, any>();
    for (const s of [k0, k1]) sockets.set(s, await server.socket({ token: s.token }));
    const viaSocket = (s: Account, body: unknown) => emitAck(sockets.get(s), "attendance:checkin", body);
    const errorOf = (r: { status: number; body: any }) => r.body.error;

    const bad: unknown[] = [{}, { token: "x", code: "123456" }, { token: 42 }, { code: "12" }, { code: "abcdef" }, { token: "garbage" }, { token: "x".repeat(300) }, null, []];
    for (const body of bad) {
      const rest = await checkin(r0.client, body);
      expect(rest.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(rest.status).toBeLessThan(500);
      const ack = await viaSocket(k0, body);
      expect(ack.ok, JSON.stringify(body)).toBe(false);
      expect(ack.error.code, JSON.stringify(body)).toBe(errorOf(rest).code);
    }

    const rest = await checkin(r0.client, { token: code.token });
    const ack = await viaSocket(k0, { token: code.token });
    expect(rest.status).toBe(201);
    expect(Object.keys(ack).sort()).toEqual(["ok", ...Object.keys(rest.body)].sort());
    expect(ack).toMatchObject({ ok: true, alreadyCheckedIn: false, session: rest.body.session, record: { status: "present", method: "qr", studentId: k0.user.id } });
    const restCode = await checkin(r1.client, { code: code.code });
    const ackCode = await viaSocket(k1, { code: code.code });
    expect(ackCode).toMatchObject({ ok: true, alreadyCheckedIn: false, record: { method: restCode.body.record.method } });

    const dupRest = await checkin(r0.client, { code: code.code });
    const dupAck = await viaSocket(k0, { code: code.code });
    expect(dupRest.status).toBe(200);
    expect(dupAck).toEqual({ ok: true, ...ack, alreadyCheckedIn: true });

    // Not enrolled: same code and the same extra fields.
    const out1 = await registerAndLogin(server.url, "student");
    const out2 = await registerAndLogin(server.url, "student");
    const ne = await checkin(out1.client, { token: code.token });
    const neAck = await emitAck(await server.socket({ token: out2.token }), "attendance:checkin", { token: code.token });
    expect(ne.status).toBe(403);
    const neRest = ne.body.error;
    expect({ ...neAck.error, message: neRest.message }).toEqual(neRest);
    expect(neRest).toMatchObject({ code: "not_enrolled", courseId: c.course.id, courseName: c.course.name, canRequest: true });

    // Expired, and then ended. (out1's browser holds its refused scan for 5 minutes, to finish it after
    // enrolling; a browser without that cookie gets the plain expiry.)
    advanceClock(25_000);
    out1.client.cookies.clear();
    const exp = await checkin(out1.client, { token: code.token });
    expect(exp.body.error.code).toBe("code_expired");
    expect((await viaSocket(k1, { token: code.token })).error?.code ?? "ok").toBe("ok"); // k1 is already in: idempotent beats expired
    await c.teacher.client.post(`/api/sessions/${session.id}/end`);
    const endedRest = await checkin(r0.client, { code: code.code });
    const endedAck = await viaSocket(k0, { code: code.code });
    expect(endedAck.ok).toBe(false);
    expect(endedAck.error.code).toBe(endedRest.body.error.code);
  });
});

describe("staff-only endpoints", () => {
  it("give 403 to students, 401 to nobody, 404 for unknown ids, and change nothing", async () => {
    const c = await classroom(server, 2);
    const [s0, s1] = c.students;
    const session = await startSession(c);
    const before = (await sessionRow(session.id));
    const anon = new ApiClient(server.url);
    const stranger = await registerAndLogin(server.url, "teacher");

    const staffOnly: Array<[string, string, unknown?]> = [
      ["GET", `/api/sessions/${session.id}/code`],
      ["POST", `/api/sessions/${session.id}/code`],
      ["POST", `/api/sessions/${session.id}/end`],
      ["PATCH", `/api/sessions/${session.id}/attendance/${s1.user.id}`, { status: "present" }],
      ["POST", `/api/courses/${c.course.id}/sessions`, {}],
      // GET …/sessions is open to students in their own shape (SPEC §10): test/integration/records.test.ts.
    ];
    for (const [method, path, body] of staffOnly) {
      for (const who of [s0.client, stranger.client]) {
        const res = await who.request(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe("forbidden");
      }
      const res = await anon.request(method, path, body);
      expect(res.status, `anon ${method} ${path}`).toBe(401);
      expect(res.body.error.code).toBe("unauthenticated");
    }
    expect((await sessionRow(session.id))).toEqual(before);
    expect((await rows(session.id))).toHaveLength(0);
    // A stranger cannot even look.
    expect((await stranger.client.get(`/api/sessions/${session.id}`)).status).toBe(403);
    const sock = await server.socket({ token: stranger.token });
    expect(await emitAck(sock, "session:watch", { sessionId: session.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });

    const unknown: Array<[string, string, unknown?]> = [
      ["GET", `/api/sessions/nope`],
      ["GET", `/api/sessions/nope/code`],
      ["POST", `/api/sessions/nope/code`],
      ["POST", `/api/sessions/nope/end`],
      ["GET", `/api/sessions/nope/permissions`],
      ["PATCH", `/api/sessions/nope/attendance/${s1.user.id}`, { status: "present" }],
      ["PATCH", `/api/sessions/${session.id}/attendance/nobody`, { status: "present" }],
      ["PATCH", `/api/sessions/${session.id}/attendance/${stranger.user.id}`, { status: "present" }],
      ["POST", `/api/courses/nope/sessions`, {}],
    ];
    for (const [method, path, body] of unknown) {
      const res = await c.teacher.client.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    const teacherSock = await server.socket({ token: c.teacher.token });
    expect(await emitAck(teacherSock, "session:watch", { sessionId: "nope" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect((await rows(session.id))).toHaveLength(0);

    const perms = await s0.client.get(`/api/sessions/${session.id}/permissions`);
    expect(perms.body).toEqual({
      role: "student",
      permissions: { canViewRoster: false, canMark: false, canEnd: false, canRegenerateCode: false, canCheckIn: true, canExport: false },
    });
    const staffPerms = await c.teacher.client.get(`/api/sessions/${session.id}/permissions`);
    expect(staffPerms.body).toMatchObject({ role: "owner", permissions: { canMark: true, canEnd: true, canRegenerateCode: true, canCheckIn: false } });
  });
});

describe("manual marking", () => {
  it("writes an audit event with from and to, and emits attendance:marked to staff and the student", async () => {
    const c = await classroom(server, 2);
    const [s0, s1] = c.students;
    const session = await startSession(c);
    const staff = await watcher(server, c.teacher, session.id);
    const s0sock = await server.socket({ token: s0.token });
    expect((await checkin(s0.client, { token: (await liveCode(c, session.id)).token })).status).toBe(201);

    const toStaff = nextEvent(staff.socket, "attendance:marked", 3000, (p: any) => p.record.status === "excused");
    const toStudent = nextEvent(s0sock, "attendance:marked", 3000, (p: any) => p.record.status === "excused");
    const res = await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s0.user.id}`, { status: "excused", note: " doctor's note " });
    expect(res.status).toBe(200);
    expect(res.body.record).toMatchObject({ studentId: s0.user.id, status: "excused", method: "manual", markedBy: c.teacher.user.id, note: "doctor's note" });
    expect(res.body.counts).toEqual(counts({ excused: 1, unmarked: 1, total: 2 }));
    expect(await toStaff).toEqual({ sessionId: session.id, record: res.body.record, counts: res.body.counts });
    expect(await toStudent).toEqual({ sessionId: session.id, record: res.body.record });

    const unmarked = await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s1.user.id}`, { status: "present" });
    expect(unmarked.body.record).toMatchObject({ status: "present", method: "manual", checkedInAt: null });
    expect((await audit(session.id, "mark")).map((a) => [a.actor_id, a.subject_id, a.from_value, a.to_value])).toEqual([
      [c.teacher.user.id, s0.user.id, "present", "excused"],
      [c.teacher.user.id, s1.user.id, null, "present"],
    ]);
    // A mark keeps the note unless one is sent; null clears it.
    const keep = await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s0.user.id}`, { status: "present" });
    expect(keep.body.record.note).toBe("doctor's note");
    const clear = await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s0.user.id}`, { status: "present", note: null });
    expect(clear.body.record.note).toBeNull();

    // Bad input: 400, nothing written.
    const auditBefore = (await audit(session.id)).length;
    const rowsBefore = (await rows(session.id));
    for (const body of [{ status: "gone" }, {}, { status: "present", note: "x".repeat(501) }, { status: 1 }]) {
      const bad = await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s1.user.id}`, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error).toMatchObject({ code: "invalid_input", issues: expect.any(Array) });
    }
    const malformed = await c.teacher.client.request("PATCH", `/api/sessions/${session.id}/attendance/${s1.user.id}`, undefined, {
      raw: "{status:",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect((await audit(session.id))).toHaveLength(auditBefore);
    expect((await rows(session.id))).toEqual(rowsBefore);
  });
});

describe("starting sessions", () => {
  it("allows one active session per course: session_already_active with the running sessionId, even when starts race", async () => {
    const c = await classroom(server, 0);
    const racing = await Promise.all([1, 2, 3, 4].map(() => c.teacher.client.post(`/api/courses/${c.course.id}/sessions`, { title: "Lecture" })));
    const won = racing.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    const id = won[0].body.session.id;
    for (const r of racing.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: "session_already_active", sessionId: id });
    }
    const again = await c.teacher.client.post(`/api/courses/${c.course.id}/sessions`, {});
    expect(again.body.error).toMatchObject({ code: "session_already_active", sessionId: id });
    expect(await scalar(sql`SELECT count(*) FROM sessions WHERE course_id = ${c.course.id}`)).toBe(1);
  });

  it("refuses bad settings with 400 and writes no session", async () => {
    const c = await classroom(server, 0);
    const bodies: unknown[] = [
      { rotationSeconds: 4 },
      { rotationSeconds: 301 },
      { rotationSeconds: 10.5 },
      { lateAfterMinutes: -1 },
      { closeAfterMinutes: 0 },
      { codeRotationSeconds: "30" },
      { title: "x".repeat(121) },
      [],
      "start",
    ];
    for (const body of bodies) {
      const res = await c.teacher.client.post(`/api/courses/${c.course.id}/sessions`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("invalid_input");
    }
    const raw = await c.teacher.client.request("POST", `/api/courses/${c.course.id}/sessions`, undefined, { raw: "{", headers: { "content-type": "application/json" } });
    expect(raw.status).toBe(400);
    expect(await scalar(sql`SELECT count(*) FROM sessions WHERE course_id = ${c.course.id}`)).toBe(0);
    // The bounds themselves are accepted.
    const ok = await c.teacher.client.post(`/api/courses/${c.course.id}/sessions`, { rotationSeconds: 5, codeRotationSeconds: 0, lateAfterMinutes: 0, closeAfterMinutes: 1 });
    expect(ok.status).toBe(201);
    expect(ok.body.session).toMatchObject({ rotationSeconds: 5, codeRotationSeconds: 0, lateAfterMinutes: 0, closeAfterMinutes: 1 });
    expect((await liveCode(c, ok.body.session.id)).codeExpiresAt).toBeNull();
  });

  it("refuses malformed check-ins with 400 and writes no record", async () => {
    const c = await classroom(server, 1);
    const session = await startSession(c);
    const s = c.students[0];
    const cases: Array<[unknown, string]> = [
      [{}, "invalid_input"],
      [{ token: 5 }, "invalid_input"],
      [{ code: "12345" }, "invalid_code"],
      [{ code: "1234567" }, "invalid_code"],
      [{ code: "12a456" }, "invalid_code"],
      [{ token: "not-a-token" }, "invalid_code"],
      [{ token: "t".repeat(257) }, "invalid_input"],
      [{ code: { $gt: "" } }, "invalid_input"],
    ];
    for (const [body, code] of cases) {
      const res = await checkin(s.client, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code, JSON.stringify(body)).toBe(code);
    }
    for (const raw of ["not json", "{\"token\":", "\u0000"]) {
      const res = await s.client.request("POST", "/api/checkin", undefined, { raw, headers: { "content-type": "application/json" } });
      expect(res.status, raw).toBe(400);
    }
    expect((await rows(session.id))).toHaveLength(0);
  });
});

describe("enrollment", () => {
  it("not_enrolled carries courseId, courseName and whether the student can ask to join", async () => {
    const c = await classroom(server, 3);
    const [dropped, rejected, pending] = c.students;
    for (const [s, status] of [[dropped, "dropped"], [rejected, "rejected"], [pending, "pending"]] as const) {
      expect((await c.teacher.client.patch(`/api/courses/${c.course.id}/enrollments/${s.user.id}`, { status })).status).toBe(200);
    }
    const outsider = await registerAndLogin(server.url, "student");
    const session = await startSession(c);
    const code = await liveCode(c, session.id);
    const expectations: Array<[Account, boolean]> = [[outsider, true], [dropped, true], [rejected, false], [pending, false]];
    for (const [s, canRequest] of expectations) {
      for (const body of [{ token: code.token }, { code: code.code }]) {
        const res = await checkin(s.client, body);
        expect(res.status).toBe(403);
        expect(res.body.error).toMatchObject({ code: "not_enrolled", courseId: c.course.id, courseName: c.course.name, canRequest });
      }
    }
    expect((await rows(session.id))).toHaveLength(0);
    // The teacher cannot check in to their own session either.
    expect((await checkin(c.teacher.client, { token: code.token })).body.error.code).toBe("forbidden");
  });

  it("keeps the counts right when enrollment changes during a session", async () => {
    const c = await classroom(server, 2);
    const session = await startSession(c);
    const staff = await watcher(server, c.teacher, session.id);
    expect(staff.reply.counts).toEqual(counts({ unmarked: 2, total: 2 }));
    const newcomer = await enrolledStudent(server, c.course.enrollCode);
    const view = await c.teacher.client.get(`/api/sessions/${session.id}`);
    expect(view.body.counts).toEqual(counts({ unmarked: 3, total: 3 }));
    const marked = nextEvent(staff.socket, "attendance:marked", 3000, forStudent(newcomer));
    await checkin(newcomer.client, { token: (await liveCode(c, session.id)).token });
    expect((await marked).counts).toEqual(counts({ present: 1, unmarked: 2, total: 3 }));
    await c.teacher.client.patch(`/api/courses/${c.course.id}/enrollments/${c.students[0].user.id}`, { status: "dropped" });
    const after = await c.teacher.client.get(`/api/sessions/${session.id}`);
    expect(after.body.counts).toEqual(counts({ present: 1, unmarked: 1, total: 2 }));
    expect(after.body.counts).toEqual(await computeCounts(session.id, c.course.id));
  });
});

describe("ambiguous codes", () => {
  it("lets enrollments decide between two sessions sharing a code, and answers ambiguous_code when they cannot", async () => {
    const a = await classroom(server, 0);
    const b = await classroom(server, 0);
    const both = await enrolledStudent(server, a.course.enrollCode);
    expect((await both.client.post("/api/enroll", { code: b.course.enrollCode })).status).toBe(201);
    const onlyA = await enrolledStudent(server, a.course.enrollCode);
    const onlyB = await enrolledStudent(server, b.course.enrollCode);
    const sa = await startSession(a, { codeRotationSeconds: 0 });
    const sb = await startSession(b, { codeRotationSeconds: 0 });
    // Six digits collide by chance about once per million pairs; make it certain by giving B the same
    // key material as A (the code depends only on secret and epoch when it does not rotate).
    const ra = (await sessionRow(sa.id));
    await getDb().run(sql`UPDATE sessions SET secret = ${ra.secret}, code_epoch = ${ra.codeEpoch} WHERE id = ${sb.id}`);
    const codeA = await liveCode(a, sa.id);
    const codeB = await liveCode(b, sb.id);
    expect(codeB.code).toBe(codeA.code);
    expect(codeB.token).not.toBe(codeA.token);

    const amb = await checkin(both.client, { code: codeA.code });
    expect(amb.status).toBe(409);
    expect(amb.body.error.code).toBe("ambiguous_code");
    const sock = await server.socket({ token: both.token });
    expect(await emitAck(sock, "attendance:checkin", { code: codeA.code })).toMatchObject({ ok: false, error: { code: "ambiguous_code" } });
    expect((await rows(sa.id))).toHaveLength(0);
    expect((await rows(sb.id))).toHaveLength(0);

    const ya = await checkin(onlyA.client, { code: codeA.code });
    expect(ya.status).toBe(201);
    expect(ya.body.session.id).toBe(sa.id);
    const yb = await checkin(onlyB.client, { code: codeA.code });
    expect(yb.status).toBe(201);
    expect(yb.body.session.id).toBe(sb.id);
    // The QR names its session, so it is never ambiguous.
    expect((await checkin(both.client, { token: codeB.token })).body.session.id).toBe(sb.id);
  });
});

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
