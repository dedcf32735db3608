import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitAck, registerAndLogin } from "../api";
import { checkin, classroom, heardEvent, listen, liveCode, startSession, watcher, type Account, type Classroom } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// The live side of course administration over a real Socket.IO server:
// losing access takes a socket out of the course's rooms at once (SPEC §1,
// issue 11 item 7), course:watch hears the course as it changes, and
// session:presence counts the phones with /join open.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

async function addTa(c: Classroom): Promise<{ ta: Account; memberId: string }> {
  const ta = await registerAndLogin(server.url, "teacher", "Tess Assistant");
  const res = await c.teacher.client.post(`/api/courses/${c.course.id}/staff`, { email: ta.email, role: "ta" });
  expect(res.status).toBe(201);
  return { ta, memberId: res.body.member.id };
}

describe("losing access mid-session", () => {
  it("a TA removed from the staff stops receiving the session's codes and names on the socket already open", async () => {
    const c = await classroom(server, 2);
    const { ta, memberId } = await addTa(c);
    const session = await startSession(c, { rotationSeconds: 5 });
    const owner = await watcher(server, c.teacher, session.id);
    const assistant = await watcher(server, ta, session.id);
    expect(assistant.reply.ok).toBe(true);
    expect(assistant.reply.code.token).toEqual(expect.any(String));
    expect((await emitAck(assistant.socket, "course:watch", { courseId: c.course.id })).ok).toBe(true);

    // While on the staff, the TA hears a check-in like the owner does.
    const first = await liveCode(c, session.id);
    expect((await checkin(c.students[0].client, { token: first.token })).status).toBe(201);
    await heardEvent(assistant.socket, assistant.events, "attendance:marked", (p) => p.record.studentId === c.students[0].user.id);

    expect((await c.teacher.client.del(`/api/courses/${c.course.id}/staff/${memberId}`)).status).toBe(200);
    const cut = assistant.events.length;

    // After: a new code, a check-in and the end all reach the owner, and nothing of the session reaches the TA.
    const regen = await c.teacher.client.post(`/api/sessions/${session.id}/code`);
    await heardEvent(owner.socket, owner.events, "session:code", (p) => p.token === regen.body.token);
    expect((await checkin(c.students[1].client, { token: regen.body.token })).status).toBe(201);
    await heardEvent(owner.socket, owner.events, "attendance:marked", (p) => p.record.studentId === c.students[1].user.id);
    expect((await c.teacher.client.post(`/api/sessions/${session.id}/end`)).status).toBe(200);
    await heardEvent(owner.socket, owner.events, "session:ended");
    await settle();
    expect(assistant.socket.connected).toBe(true);
    const after = assistant.events.slice(cut).map((e) => e.event);
    expect(after.filter((e) => e !== "course:updated")).toEqual([]);
    // What the TA does hear: their own room saying the staff changed (their pages reload and show they are out).
    expect(assistant.events.slice(cut).every((e) => e.payload.change === "staff")).toBe(true);

    // Watching again is refused.
    const again = await emitAck(assistant.socket, "session:watch", { sessionId: session.id });
    expect(again).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await emitAck(assistant.socket, "course:watch", { courseId: c.course.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("a student dropped mid-session stops receiving session:stats and leaves the phones count", async () => {
    const c = await classroom(server, 3);
    const [dropped, stays, checker] = c.students;
    const session = await startSession(c);
    const owner = await watcher(server, c.teacher, session.id);
    const watchAs = async (s: Account) => {
      const socket = await server.socket({ token: s.token });
      const events = listen(socket);
      const reply = await emitAck(socket, "session:watch", { sessionId: session.id, presence: true });
      expect(reply).toMatchObject({ ok: true, role: "student" });
      return { socket, events };
    };
    const gone = await watchAs(dropped);
    const kept = await watchAs(stays);
    await heardEvent(owner.socket, owner.events, "session:presence", (p) => p.connected === 2, 3000);

    const code = await liveCode(c, session.id);
    expect((await checkin(dropped.client, { token: code.token })).status).toBe(201);
    await heardEvent(gone.socket, gone.events, "session:stats", (p) => p.counts.present === 1);

    expect((await c.teacher.client.patch(`/api/courses/${c.course.id}/enrollments/${dropped.user.id}`, { status: "dropped" })).status).toBe(200);
    const cut = gone.events.length;
    await heardEvent(owner.socket, owner.events, "session:presence", (p) => p.connected === 1, 3000);

    expect((await checkin(checker.client, { token: code.token })).status).toBe(201);
    // Counts are over approved students: the dropped student's check-in no longer counts.
    await heardEvent(kept.socket, kept.events, "session:stats", (p) => p.counts.total === 2 && p.counts.present === 1, 3000);
    expect((await c.teacher.client.post(`/api/sessions/${session.id}/end`)).status).toBe(200);
    await heardEvent(kept.socket, kept.events, "session:ended");
    await settle();
    expect(gone.socket.connected).toBe(true);
    // Only their own room's news: the drop itself. No stats, no end of a session they are no longer in.
    expect(gone.events.slice(cut).map((e) => e.event)).toEqual([]);
    expect(gone.events.slice(0, cut).map((e) => e.event)).toContain("enrollment:updated");
  });
});

describe("course:watch", () => {
  it("staff with the course page open hear requests, approvals, imports, staff changes, settings, codes and the course's sessions", async () => {
    const c = await classroom(server, 1);
    await c.teacher.client.patch(`/api/courses/${c.course.id}`, { autoApprove: false });
    const socket = await server.socket({ token: c.teacher.token });
    const heard = listen(socket);
    expect(await emitAck(socket, "course:watch", { courseId: c.course.id })).toEqual({ ok: true, courseId: c.course.id });

    const asker = await registerAndLogin(server.url, "student", "Ada Asker");
    await asker.client.post("/api/enroll", { code: c.course.enrollCode });
    await heardEvent(socket, heard, "enrollment:requested", (p) => p.studentId === asker.user.id && p.status === "pending" && p.student.name === "Ada Asker");
    await c.teacher.client.patch(`/api/courses/${c.course.id}/enrollments/${asker.user.id}`, { status: "approved" });
    await heardEvent(socket, heard, "enrollment:updated", (p) => p.studentId === asker.user.id && p.status === "approved");

    await c.teacher.client.text(`/api/courses/${c.course.id}/roster`, "email\nsomeone-new@example.test\n");
    await heardEvent(socket, heard, "course:updated", (p) => p.change === "roster");
    await c.teacher.client.post(`/api/courses/${c.course.id}/staff`, { email: "ta-to-be@example.test", role: "ta" });
    await heardEvent(socket, heard, "course:updated", (p) => p.change === "staff");
    await c.teacher.client.patch(`/api/courses/${c.course.id}`, { term: "Autumn" });
    await heardEvent(socket, heard, "course:updated", (p) => p.change === "settings");
    await c.teacher.client.post(`/api/courses/${c.course.id}/enroll-code`);
    await heardEvent(socket, heard, "course:updated", (p) => p.change === "enrollCode");

    const session = await startSession(c);
    await heardEvent(socket, heard, "session:started", (p) => p.session.id === session.id && p.courseId === c.course.id);
    const code = await liveCode(c, session.id);
    await checkin(c.students[0].client, { token: code.token });
    await heardEvent(socket, heard, "attendance:marked", (p) => p.sessionId === session.id && p.counts.present === 1);
    await c.teacher.client.post(`/api/sessions/${session.id}/end`);
    await heardEvent(socket, heard, "session:ended", (p) => p.sessionId === session.id);

    // The student the class list invited registers: a new approved enrollment, live.
    const newcomer = await registerAndLogin(server.url, "student", "Someone New", "someone-new@example.test");
    await heardEvent(socket, heard, "enrollment:updated", (p) => p.studentId === newcomer.user.id && p.status === "approved" && p.student.name === "Someone New");
  });

  it("is refused to students and outsiders", async () => {
    const c = await classroom(server, 1);
    const outsider = await registerAndLogin(server.url, "teacher");
    for (const who of [c.students[0], outsider]) {
      const socket = await server.socket({ token: who.token });
      expect(await emitAck(socket, "course:watch", { courseId: c.course.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
  });
});

describe("session:presence", () => {
  it("counts distinct students with /join open, not sockets, at most once a second; the console's watch reply has the count", async () => {
    const c = await classroom(server, 2);
    const [a, b] = c.students;
    const session = await startSession(c);
    const owner = await watcher(server, c.teacher, session.id);
    expect(owner.reply.connected).toBe(0);
    const arrivals: Array<{ at: number; connected: number }> = [];
    owner.socket.on("session:presence", (p) => arrivals.push({ at: Date.now(), connected: p.connected }));

    const open = async (s: Account) => {
      const socket = await server.socket({ token: s.token });
      expect((await emitAck(socket, "session:watch", { sessionId: session.id, presence: true })).ok).toBe(true);
      return socket;
    };
    const a1 = await open(a);
    const a2 = await open(a); // a second tab of the same student
    const b1 = await open(b);
    await heardEvent(owner.socket, owner.events, "session:presence", (p) => p.connected === 2, 3000);

    // A watch without presence (not /join) does not count.
    const other = await server.socket({ token: b.token });
    await emitAck(other, "session:watch", { sessionId: session.id });
    const late = await watcher(server, c.teacher, session.id);
    expect(late.reply.connected).toBe(2);

    a1.disconnect();
    await settle(1200);
    expect(arrivals.at(-1)!.connected).toBe(2); // a's other tab is still open
    a2.disconnect();
    await emitAck(b1, "session:unwatch", { sessionId: session.id });
    await heardEvent(owner.socket, owner.events, "session:presence", (p) => p.connected === 0, 3000);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i].at - arrivals[i - 1].at).toBeGreaterThanOrEqual(950);
    // Students never hear it.
    expect(arrivals.every((x) => x.connected >= 0)).toBe(true);
  });

  it("is never sent to students, and a student cannot count on an ended session", async () => {
    const c = await classroom(server, 1);
    const session = await startSession(c);
    const socket = await server.socket({ token: c.students[0].token });
    const heard = listen(socket);
    await emitAck(socket, "session:watch", { sessionId: session.id, presence: true });
    await settle(1200);
    expect(heard.map((h) => h.event)).not.toContain("session:presence");
    await c.teacher.client.post(`/api/sessions/${session.id}/end`);
    const reply = await emitAck(socket, "session:watch", { sessionId: session.id, presence: true });
    expect(reply).toMatchObject({ ok: true, role: "student" });
  });
});
