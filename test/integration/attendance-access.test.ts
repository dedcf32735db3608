import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setClockOffset } from "@/lib/clock";
import { ApiClient, emitAck, nextEvent, registerAndLogin } from "../api";
import { audit, checkin, classroom, counts, heardEvent, liveCode, rows, sessionRow, startSession, watcher } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// Who sees and changes what: staff-only endpoints, manual marking, and the narrow view a student gets.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => setClockOffset(0));
afterAll(() => server.close());

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
