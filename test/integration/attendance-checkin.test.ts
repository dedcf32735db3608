import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { decodeHeldScan, HELD_SCAN_COOKIE } from "@/lib/api/cookies";
import { computeCounts } from "@/lib/attendance/counts";
import { getDb } from "@/lib/db/client";
import { parseQrToken as parseToken } from "@/lib/model/qr-token";
import { advanceClock, setClockOffset } from "@/lib/clock";
import { ApiClient, emitAck, nextEvent, registerAndLogin } from "../api";
import {
  audit,
  checkin,
  classroom,
  counts,
  enrolledStudent,
  forStudent,
  heardEvent,
  listen,
  liveCode,
  MIN,
  rowOf,
  rows,
  sessionRow,
  startSession,
  watcher,
  type Account,
} from "../attendance-fixtures";
import { handshakeHeaders, startTestServer, type TestServer } from "../server";

// Checking in: by QR token and by code, once per student and device, the same over REST and the socket, and who may.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => setClockOffset(0));
afterAll(() => server.close());

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

describe("checking in over the page's socket", () => {
  const SESSION = "next-auth.session-token";
  const deviceFrom = (headers: Record<string, unknown>) => {
    const set = ([] as unknown[]).concat(headers["set-cookie"] ?? []).map(String);
    const line = set.find((c) => c.startsWith("rollcall_device="));
    return { line, id: line ? line.split(";")[0].split("=")[1] : undefined };
  };

  it("gives a signed-in browser its device id in the handshake, checks in with it, and holds the device rule across socket and REST", async () => {
    const c = await classroom(server, 3);
    const [s0, s1, s2] = c.students;
    const session = await startSession(c);
    const code = await liveCode(c, session.id);

    const browser = await server.socket({ cookie: `${SESSION}=${s0.token}` });
    const device = deviceFrom(handshakeHeaders(browser));
    expect(device.line).toMatch(/^rollcall_device=[A-Za-z0-9_-]{16,64}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(await emitAck(browser, "attendance:checkin", { token: code.token })).toMatchObject({ ok: true, alreadyCheckedIn: false });
    expect((await getDb().get<{ device_id: string }>(sql`SELECT device_id FROM attendance_records WHERE session_id = ${session.id} AND student_id = ${s0.user.id}`))?.device_id).toBe(device.id);

    // The same phone, another student, over REST: refused.
    s1.client.cookies.set("rollcall_device", device.id!);
    expect((await checkin(s1.client, { token: code.token })).body.error.code).toBe("device_already_used");

    // A browser that has its device id keeps it; a script with a bearer token gets none.
    const again = await server.socket({ cookie: `${SESSION}=${s2.token}; rollcall_device=${device.id}` });
    expect(deviceFrom(handshakeHeaders(again)).line).toBeUndefined();
    expect(await emitAck(again, "attendance:checkin", { token: code.token })).toMatchObject({ ok: false, error: { code: "device_already_used" } });
    const script = await server.socket({ token: s2.token });
    expect(deviceFrom(handshakeHeaders(script)).line).toBeUndefined();
  });

  it("a socket that checked in hears the session's student events without asking session:watch, and /join's counts as present", async () => {
    const c = await classroom(server, 1);
    const [s0] = c.students;
    const session = await startSession(c);
    const staff = await watcher(server, c.teacher, session.id);
    const code = await liveCode(c, session.id);
    const phone = await server.socket({ cookie: `${SESSION}=${s0.token}` });
    const presence = heardEvent(staff.socket, staff.events, "session:presence", (p) => p.sessionId === session.id && p.connected === 1);
    expect(await emitAck(phone, "attendance:checkin", { token: code.token, presence: true })).toMatchObject({ ok: true });
    await presence;
    const ended = nextEvent(phone, "session:ended");
    expect((await c.teacher.client.post(`/api/sessions/${session.id}/end`, {})).status).toBe(200);
    expect(await ended).toMatchObject({ sessionId: session.id });
  });

  it("honours a scan held while signed out, as of the scan, once the student is signed in, and not after 5 minutes", async () => {
    const c = await classroom(server, 1);
    const [s0] = c.students;
    const session = await startSession(c, { lateAfterMinutes: 2 });
    const code = await liveCode(c, session.id);

    // Signed out, the page checks in over REST: the scan is held in a cookie.
    const phone = new ApiClient(server.url);
    expect((await checkin(phone, { token: code.token })).body.error).toMatchObject({ code: "unauthenticated", held: true });
    const scannedAt = decodeHeldScan(phone.cookies.get(HELD_SCAN_COOKIE))!.scannedAt;
    const cookies = `${HELD_SCAN_COOKIE}=${phone.cookies.get(HELD_SCAN_COOKIE)}; rollcall_device=${phone.cookies.get("rollcall_device")}`;

    // Four minutes later, signed in, the page's socket carries the held scan in its handshake.
    advanceClock(4 * MIN);
    const signedIn = await server.socket({ cookie: `${SESSION}=${s0.token}; ${cookies}` });
    const ack = await emitAck(signedIn, "attendance:checkin", { token: code.token });
    expect(ack).toMatchObject({ ok: true, record: { studentId: s0.user.id, status: "present", method: "qr" } });
    expect(Date.parse(ack.record.checkedInAt)).toBe(scannedAt);

    // Another browser's held scan, or a scan held too long, is worth nothing.
    const c2 = await classroom(server, 1);
    const [s1] = c2.students;
    const other = new ApiClient(server.url);
    const session2 = await startSession(c2);
    const code2 = await liveCode(c2, session2.id);
    await checkin(other, { token: code2.token });
    const otherCookies = `${HELD_SCAN_COOKIE}=${other.cookies.get(HELD_SCAN_COOKIE)}; rollcall_device=${other.cookies.get("rollcall_device")}`;
    advanceClock(6 * MIN);
    const late = await server.socket({ cookie: `${SESSION}=${s1.token}; ${otherCookies}` });
    expect(await emitAck(late, "attendance:checkin", { token: code2.token })).toMatchObject({ ok: false, error: { code: "code_expired", held: true } });
    expect(await rowOf(session2.id, s1.user.id)).toBeUndefined();
  });
});
