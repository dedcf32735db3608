import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { advanceClock, setClockOffset } from "@/lib/clock";
import { emitAck, nextEvent } from "../api";
import {
  audit,
  checkin,
  classroom,
  counts,
  forStudent,
  liveCode,
  MIN,
  rowOf,
  rows,
  scalar,
  startSession,
  watcher,
} from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// A session's life: starting one, its late and close windows, and ending it.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => setClockOffset(0));
afterAll(() => server.close());

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
