import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, registerAndLogin } from "../api";
import { audit, checkin, classroom, counts, enrolledStudent, heardEvent, liveCode, rowOf, rows, startSession, untilHeard, watcher } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// "Mark remaining" and its undo (issue 12 item 14): one transaction, audited per student, heard live.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const bulkPath = (sessionId: string) => `/api/sessions/${sessionId}/mark-remaining`;
const undoPath = (sessionId: string) => `/api/sessions/${sessionId}/mark-remaining/undo`;

describe("mark remaining", () => {
  it("marks only the students without a record, audits each, and consoles hear one attendance:marked each", async () => {
    const c = await classroom(server, 4);
    const [s0, s1, s2, s3] = c.students;
    const session = await startSession(c);
    expect((await checkin(s0.client, { token: (await liveCode(c, session.id)).token })).status).toBe(201);
    expect((await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s1.user.id}`, { status: "excused" })).status).toBe(200);
    const staff = await watcher(server, c.teacher, session.id);
    const s2sock = await watcher(server, s2, session.id);

    const res = await c.teacher.client.post(bulkPath(session.id), { status: "absent", onlyUnmarked: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const expected = [s2.user.id, s3.user.id].sort();
    expect(res.body.marked).toEqual(expected);
    expect(res.body.status).toBe("absent");
    expect(res.body.counts).toEqual(counts({ present: 1, excused: 1, absent: 2, total: 4 }));
    expect(Date.parse(res.body.at)).not.toBeNaN();

    // The records: absent by hand, by this teacher; the checked-in and the excused student untouched.
    for (const s of [s2, s3]) expect(await rowOf(session.id, s.user.id)).toMatchObject({ status: "absent", method: "manual", marked_by: c.teacher.user.id, note: null });
    expect(await rowOf(session.id, s0.user.id)).toMatchObject({ status: "present", method: "qr" });
    expect(await rowOf(session.id, s1.user.id)).toMatchObject({ status: "excused" });
    const marks = (await audit(session.id, "mark")).filter((a) => a.to_value === "absent");
    expect(marks.map((a) => [a.actor_id, a.subject_id, a.from_value, a.to_value]).sort()).toEqual(expected.map((id) => [c.teacher.user.id, id, null, "absent"]));

    // Consoles: the same attendance:marked events a single mark sends, the last with the final counts.
    await untilHeard(staff.socket, () => staff.events.filter((e) => e.event === "attendance:marked").length >= 2);
    const heard = staff.events.filter((e) => e.event === "attendance:marked").map((e) => e.payload);
    expect(heard.map((p) => p.record.studentId)).toEqual(expected);
    expect(heard.map((p) => p.counts.absent)).toEqual([1, 2]);
    expect(heard.at(-1).counts).toEqual(res.body.counts);
    // The student hears their own record, without counts.
    const own = await heardEvent(s2sock.socket, s2sock.events, "attendance:marked", (p) => p.record.studentId === s2.user.id);
    expect(own).toEqual({ sessionId: session.id, record: expect.objectContaining({ status: "absent" }) });

    // Again: nobody is left, nothing is written.
    const again = await c.teacher.client.post(bulkPath(session.id), { status: "excused" });
    expect(again.status).toBe(200);
    expect(again.body.marked).toEqual([]);
    expect((await rows(session.id)).filter((r) => r.status === "excused")).toHaveLength(1);
  });

  it("refuses students, outsiders, nobody and bad input, and writes nothing; a TA may mark", async () => {
    const c = await classroom(server, 2);
    const [s0] = c.students;
    const session = await startSession(c);
    const outsider = await registerAndLogin(server.url, "teacher");
    const anon = new ApiClient(server.url);
    const auditBefore = (await audit(session.id)).length;

    for (const who of [s0.client, outsider.client]) {
      for (const [path, body] of [
        [bulkPath(session.id), { status: "absent" }],
        [undoPath(session.id), { status: "absent", at: new Date().toISOString(), studentIds: [s0.user.id] }],
      ] as const) {
        const res = await who.post(path, body);
        expect(res.status, path).toBe(403);
        expect(res.body.error.code).toBe("forbidden");
      }
    }
    const unauth = await anon.post(bulkPath(session.id), { status: "absent" });
    expect(unauth.status).toBe(401);
    expect(unauth.body.error.code).toBe("unauthenticated");
    const unknown = await c.teacher.client.post(bulkPath("nope"), { status: "absent" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");

    const bad: Array<[string, unknown]> = [
      [bulkPath(session.id), {}],
      [bulkPath(session.id), { status: "present" }],
      [bulkPath(session.id), { status: "late" }],
      [bulkPath(session.id), { status: "absent", onlyUnmarked: false }],
      [bulkPath(session.id), "absent"],
      [undoPath(session.id), { status: "absent", at: "yesterday", studentIds: [s0.user.id] }],
      [undoPath(session.id), { status: "absent", at: new Date().toISOString(), studentIds: [] }],
      [undoPath(session.id), { status: "absent", at: new Date().toISOString() }],
      [undoPath(session.id), { status: "absent", at: new Date().toISOString(), studentIds: Array.from({ length: 5001 }, (_, i) => `s${i}`) }],
    ];
    for (const [path, body] of bad) {
      const res = await c.teacher.client.post(path, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_input", issues: expect.any(Array) });
    }
    const wrongMethod = await c.teacher.client.request("GET", bulkPath(session.id));
    expect(wrongMethod.status).toBe(405);
    expect(await rows(session.id)).toHaveLength(0);
    expect(await audit(session.id)).toHaveLength(auditBefore);

    // A TA may mark (the course permission table: whoever may mark), and undo their own.
    const ta = await registerAndLogin(server.url, "teacher");
    expect((await c.teacher.client.post(`/api/courses/${c.course.id}/staff`, { email: ta.email, role: "ta" })).status).toBe(201);
    const res = await ta.client.post(bulkPath(session.id), { status: "excused" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.marked).toHaveLength(2);
    // The teacher cannot take back what the TA did: the undo names the actor's own action.
    const notMine = await c.teacher.client.post(undoPath(session.id), { status: "excused", at: res.body.at, studentIds: res.body.marked });
    expect(notMine.body).toMatchObject({ undone: [], kept: res.body.marked });
    const undo = await ta.client.post(undoPath(session.id), { status: "excused", at: res.body.at, studentIds: res.body.marked });
    expect(undo.status).toBe(200);
    expect(undo.body.undone).toEqual(res.body.marked);
    expect(await rows(session.id)).toHaveLength(0);
  });
});

describe("undo", () => {
  it("takes back exactly the records the action wrote and nobody changed since, audited, heard as attendance:unmarked", async () => {
    const c = await classroom(server, 4);
    const [s0, s1, s2, s3] = c.students;
    const session = await startSession(c);
    expect((await checkin(s0.client, { token: (await liveCode(c, session.id)).token })).status).toBe(201);
    const res = await c.teacher.client.post(bulkPath(session.id), { status: "absent" });
    expect(res.body.marked).toEqual([s1.user.id, s2.user.id, s3.user.id].sort());
    // Changed since: s1 marked late by hand, s2 given a note. Only s3 is the bulk action's as it wrote it.
    expect((await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s1.user.id}`, { status: "late" })).status).toBe(200);
    expect((await c.teacher.client.patch(`/api/sessions/${session.id}/attendance/${s2.user.id}`, { status: "absent", note: "sick" })).status).toBe(200);

    const staff = await watcher(server, c.teacher, session.id);
    const s3sock = await watcher(server, s3, session.id);
    const undo = await c.teacher.client.post(undoPath(session.id), { status: "absent", at: res.body.at, studentIds: [...res.body.marked, s0.user.id] });
    expect(undo.status, JSON.stringify(undo.body)).toBe(200);
    expect(undo.body.undone).toEqual([s3.user.id]);
    expect(undo.body.kept.sort()).toEqual([s0.user.id, s1.user.id, s2.user.id].sort());
    expect(undo.body.counts).toEqual(counts({ present: 1, late: 1, absent: 1, unmarked: 1, total: 4 }));

    expect(await rowOf(session.id, s3.user.id)).toBeUndefined();
    expect(await rowOf(session.id, s0.user.id)).toMatchObject({ status: "present" });
    expect(await rowOf(session.id, s1.user.id)).toMatchObject({ status: "late" });
    expect(await rowOf(session.id, s2.user.id)).toMatchObject({ status: "absent", note: "sick" });
    const back = (await audit(session.id, "mark")).filter((a) => a.to_value === null);
    expect(back.map((a) => [a.actor_id, a.subject_id, a.from_value])).toEqual([[c.teacher.user.id, s3.user.id, "absent"]]);

    const heard = await heardEvent(staff.socket, staff.events, "attendance:unmarked");
    expect(heard).toEqual({ sessionId: session.id, studentId: s3.user.id, at: expect.any(String), counts: undo.body.counts });
    expect(await heardEvent(s3sock.socket, s3sock.events, "attendance:unmarked")).toEqual({ sessionId: session.id, studentId: s3.user.id, at: expect.any(String) });
    // The roster from the database agrees: s3 is "not yet" again.
    const view = await c.teacher.client.get(`/api/sessions/${session.id}`);
    expect(view.body.roster.find((r: any) => r.studentId === s3.user.id).status).toBe("unmarked");
    expect(view.body.counts).toEqual(undo.body.counts);

    // A second undo finds nothing left to take back.
    const twice = await c.teacher.client.post(undoPath(session.id), { status: "absent", at: res.body.at, studentIds: res.body.marked });
    expect(twice.body.undone).toEqual([]);
    expect((await audit(session.id, "mark")).filter((a) => a.to_value === null)).toHaveLength(1);
  });

  it("works after the end on students enrolled since, and a check-in wins over a bulk mark it raced", async () => {
    const c = await classroom(server, 2);
    const [s0] = c.students;
    const session = await startSession(c);
    const token = (await liveCode(c, session.id)).token;
    const [checked, bulk] = await Promise.all([checkin(s0.client, { token }), c.teacher.client.post(bulkPath(session.id), { status: "excused" })]);
    expect(checked.status, JSON.stringify(checked.body)).toBeLessThan(500);
    expect(bulk.status).toBe(200);
    // Whichever committed first, each student has one record, and the audit says each once.
    const byStudent = await rows(session.id);
    expect(byStudent).toHaveLength(2);
    const s0Row = byStudent.find((r) => r.student_id === s0.user.id)!;
    expect(s0Row.status).toBe(bulk.body.marked.includes(s0.user.id) ? "excused" : "present");
    expect((await c.teacher.client.post(`/api/sessions/${session.id}/end`)).status).toBe(200);
    const late = await enrolledStudent(server, c.course.enrollCode);
    const after = await c.teacher.client.post(bulkPath(session.id), { status: "absent" });
    expect(after.body.marked).toEqual([late.user.id]);
    expect(after.body.counts.unmarked).toBe(0);
  });
});
