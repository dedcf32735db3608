import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { computeCounts, getCounts } from "@/lib/attendance/counts";
import { getDb } from "@/lib/db/client";
import type { AttendanceStatus, Counts } from "@/lib/model/attendance";
import { ApiClient, emitAck } from "../api";
import { audit, checkin, classroom, listen, liveCode, rows, scalar, startSession, untilHeard, type Classroom, type Heard } from "../attendance-fixtures";
import { resetLimitState } from "@/lib/limits/store";
import { startTestServer, type ClientSocket, type TestServer } from "../server";

/**
 * Many interleavings of concurrent check-ins (REST and socket, by token and by
 * code, some on a borrowed phone), duplicates, manual marks and an end, fired
 * together. Whatever the order, the database, the API, the console's events and
 * the counts cache must tell one story.
 */
const STUDENTS = 8;
const MIN_RUNS = 15;
const STATUSES: AttendanceStatus[] = ["present", "late", "absent", "excused"];

type Cmd =
  | { kind: "checkin"; student: number; via: "rest" | "socket"; by: "token" | "code"; borrow: number | null }
  | { kind: "mark"; student: number; status: AttendanceStatus }
  | { kind: "end" };

type Outcome = { cmd: Cmd; ok: boolean; code: string | null; status: number; body: any };

const checkinArb: fc.Arbitrary<Cmd> = fc.record({
  kind: fc.constant("checkin" as const),
  student: fc.nat(STUDENTS - 1),
  via: fc.constantFrom("rest" as const, "socket" as const),
  by: fc.constantFrom("token" as const, "code" as const),
  borrow: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(STUDENTS - 1) }),
});
const markArb: fc.Arbitrary<Cmd> = fc.record({ kind: fc.constant("mark" as const), student: fc.nat(STUDENTS - 1), status: fc.constantFrom(...STATUSES) });

const runArb = fc
  .record({
    cmds: fc.array(fc.oneof({ weight: 5, arbitrary: checkinArb }, { weight: 2, arbitrary: markArb }), { minLength: 1, maxLength: 32 }),
    endAt: fc.option(fc.nat(), { nil: null, freq: 4 }),
  })
  .map(({ cmds, endAt }) => (endAt === null ? cmds : [...cmds.slice(0, endAt % (cmds.length + 1)), { kind: "end" } as Cmd, ...cmds.slice(endAt % (cmds.length + 1))]));

let server: TestServer;
let room: Classroom;
let devices: string[];
let sockets: ClientSocket[];
let staff: ClientSocket;
let staffHeard: Heard;

beforeAll(async () => {
  server = await startTestServer();
  room = await classroom(server, STUDENTS);
  // Each student's phone: one device id for REST and socket alike.
  devices = room.students.map((_, i) => `phone-${i}-${Math.random().toString(36).slice(2, 12)}`);
  room.students.forEach((s, i) => s.client.cookies.set("rollcall_device", devices[i]));
  sockets = await Promise.all(room.students.map((s, i) => server.socket({ token: s.token, cookie: `rollcall_device=${devices[i]}` })));
  staff = await server.socket({ token: room.teacher.token });
  staffHeard = listen(staff);
});
afterAll(() => server.close());

async function fire(cmd: Cmd, sessionId: string, code: { token: string; code: string }): Promise<Outcome> {
  if (cmd.kind === "end") {
    const r = await room.teacher.client.post(`/api/sessions/${sessionId}/end`);
    return { cmd, ok: r.status === 200, code: r.body.error?.code ?? null, status: r.status, body: r.body };
  }
  if (cmd.kind === "mark") {
    const r = await room.teacher.client.patch(`/api/sessions/${sessionId}/attendance/${room.students[cmd.student].user.id}`, { status: cmd.status });
    return { cmd, ok: r.status === 200, code: r.body.error?.code ?? null, status: r.status, body: r.body };
  }
  const body = cmd.by === "token" ? { token: code.token } : { code: code.code };
  const student = room.students[cmd.student];
  if (cmd.via === "socket") {
    const ack = await emitAck(sockets[cmd.student], "attendance:checkin", body);
    return { cmd, ok: ack.ok, code: ack.error?.code ?? null, status: ack.ok ? (ack.alreadyCheckedIn ? 200 : 201) : 0, body: ack };
  }
  let client = student.client;
  if (cmd.borrow !== null && cmd.borrow !== cmd.student) {
    client = new ApiClient(server.url);
    client.token = student.token;
    client.cookies.set("rollcall_device", devices[cmd.borrow]);
  }
  const r = await checkin(client, body);
  return { cmd, ok: r.status < 300, code: r.body.error?.code ?? null, status: r.status, body: r.body };
}

/** An earlier run that failed half-way may have left its session running. */
async function endLeftovers() {
  const active = await getDb().all<{ id: string }>(sql`SELECT id FROM sessions WHERE course_id = ${room.course.id} AND status = 'active'`);
  for (const { id } of active) await room.teacher.client.post(`/api/sessions/${id}/end`);
}

async function dbCounts(sessionId: string): Promise<Counts> {
  const byStatus = await getDb().all<{ status: AttendanceStatus; n: number }>(sql`
    SELECT r.status AS status, count(*) AS n FROM attendance_records r
    JOIN enrollments e ON e.student_id = r.student_id AND e.course_id = ${room.course.id} AND e.status = 'approved'
    WHERE r.session_id = ${sessionId} GROUP BY r.status`);
  const c: Counts = { present: 0, late: 0, absent: 0, excused: 0, unmarked: 0, total: STUDENTS };
  for (const r of byStatus) c[r.status] = Number(r.n);
  c.unmarked = STUDENTS - byStatus.reduce((a, r) => a + r.n, 0);
  return c;
}

const pick = (r: any) => ({ status: r.status, method: r.method, checkedInAt: r.checkedInAt });

async function run(cmds: Cmd[]) {
  // Runs follow each other faster than any person could: each starts with fresh rate-limit budgets.
  resetLimitState();
  await endLeftovers();
  const session = await startSession(room);
  const watch = await emitAck(staff, "session:watch", { sessionId: session.id });
  expect(watch.ok).toBe(true);
  const code = await liveCode(room, session.id);

  const outcomes = await Promise.all(cmds.map((cmd) => fire(cmd, session.id, code)));

  // ---- every reply is one the contract allows ----
  const ended = outcomes.some((o) => o.cmd.kind === "end");
  for (const o of outcomes) {
    if (o.cmd.kind === "checkin") {
      const allowed = ["device_already_used", ...(ended ? ["session_ended"] : [])];
      if (!o.ok) expect(allowed, JSON.stringify(o)).toContain(o.code);
    } else expect(o.ok, JSON.stringify(o)).toBe(true);
  }

  // ---- the database ----
  const db = (await rows(session.id));
  const ids = room.students.map((s) => s.user.id);
  const byStudent = new Map(db.map((r) => [r.student_id, r]));
  expect(db.length, "no student has two records").toBe(byStudent.size);
  const deviceIds = db.map((r) => (r as any).device_id as string | null).filter((d): d is string => d !== null);
  expect(new Set(deviceIds).size, "one device, one student").toBe(deviceIds.length);
  if (ended) expect(db.length, "the end leaves nobody unmarked").toBe(STUDENTS);
  const endedAt = ended ? await scalar(sql`SELECT ended_at FROM sessions WHERE id = ${session.id}`) : Infinity;

  const marked = new Set(outcomes.filter((o) => o.cmd.kind === "mark").map((o) => (o.cmd as { student: number }).student));
  const created = new Map<string, any>();
  for (const o of outcomes) {
    if (o.cmd.kind !== "checkin") continue;
    const sid = ids[o.cmd.student];
    const row = byStudent.get(sid);
    if (o.ok) {
      // Every acknowledged check-in is in the database.
      expect(row, `acked check-in of ${sid} missing`).toBeDefined();
      const record = o.body.record;
      expect(record.studentId).toBe(sid);
      if (!o.body.alreadyCheckedIn) {
        expect(created.has(sid), "only one check-in creates the record").toBe(false);
        created.set(sid, record);
        expect(Date.parse(record.checkedInAt)).toBeLessThanOrEqual(endedAt);
        expect(row!.method).not.toBe("auto");
        if (!marked.has(o.cmd.student)) expect({ status: row!.status, method: row!.method, checkedInAt: row!.checked_in_at }).toEqual({ status: record.status, method: record.method, checkedInAt: Date.parse(record.checkedInAt) });
      }
    } else if (o.code === "device_already_used") {
      // Only REST check-ins borrow a phone; a socket always carries its own student's device.
      const borrowed = o.cmd.via === "rest" && o.cmd.borrow !== null && o.cmd.borrow !== o.cmd.student ? devices[o.cmd.borrow] : devices[o.cmd.student];
      const owner = db.find((r) => (r as any).device_id === borrowed);
      expect(owner && owner.student_id !== sid, "refused only for a device another student used").toBe(true);
    }
  }
  // Without marks or an end, a record exists only through a check-in that said so.
  for (const r of db) if (!marked.has(ids.indexOf(r.student_id)) && r.method !== "auto") expect(created.has(r.student_id)).toBe(true);

  // ---- the audit trail: one event per change, chaining from → to ----
  expect((await audit(session.id, "checkin"))).toHaveLength(created.size);
  expect((await audit(session.id, "mark"))).toHaveLength(outcomes.filter((o) => o.cmd.kind === "mark").length);
  for (const sid of ids) {
    const chain = (await audit(session.id)).filter((a) => a.subject_id === sid && ["checkin", "mark", "auto_absent"].includes(a.action));
    chain.forEach((a, i) => expect(a.from_value).toBe(i === 0 ? null : chain[i - 1].to_value));
    expect(chain.at(-1)?.to_value ?? null).toBe(byStudent.get(sid)?.status ?? null);
  }

  // ---- the counts: database, cache, API, replies and the console's last event ----
  const truth = await dbCounts(session.id);
  expect(await computeCounts(session.id, room.course.id)).toEqual(truth);
  expect(await getCounts(session.id, room.course.id)).toEqual(truth);
  const view = await room.teacher.client.get(`/api/sessions/${session.id}`);
  expect(view.body.counts).toEqual(truth);
  for (const r of view.body.roster) {
    const row = byStudent.get(r.studentId);
    if (!row) expect(r.status).toBe("unmarked");
    else expect(pick(r)).toEqual({ status: row.status, method: row.method, checkedInAt: row.checked_in_at === null ? null : new Date(row.checked_in_at).toISOString() });
  }

  // Every change was announced to the console, in commit order; wait until all have arrived.
  const markCount = outcomes.filter((o) => o.cmd.kind === "mark").length;
  const expectedEvents = created.size + markCount + (ended ? 1 : 0);
  const mine = () => staffHeard.filter((h) => h.payload?.sessionId === session.id && ["attendance:marked", "session:ended"].includes(h.event));
  await untilHeard(staff, () => mine().length >= expectedEvents);
  const events = mine();
  expect(events).toHaveLength(expectedEvents);
  const last = events.at(-1);
  expect(last ? last.payload.counts : watch.counts).toEqual(truth);
  for (const e of events) {
    const c: Counts = e.payload.counts;
    expect(c.present + c.late + c.absent + c.excused + c.unmarked).toBe(c.total);
  }
  const endReply = outcomes.find((o) => o.cmd.kind === "end");
  if (endReply) {
    const endedEvent = events.find((e) => e.event === "session:ended")!;
    expect(endedEvent.payload.counts).toEqual(endReply.body.counts);
  }
  for (const o of outcomes) {
    if (o.cmd.kind === "checkin" && o.ok && !o.body.alreadyCheckedIn) {
      expect(events.find((e) => e.event === "attendance:marked" && e.payload.record.studentId === o.body.record.studentId && e.payload.record.method !== "manual")?.payload.record).toEqual(o.body.record);
    }
  }

  // A console that applied the events to its first roster shows the database, except the
  // end's automatic absences, which it reads again on session:ended.
  const replay = new Map<string, any>(watch.roster.map((r: any) => [r.studentId, r]));
  for (const e of events) if (e.event === "attendance:marked") replay.set(e.payload.record.studentId, e.payload.record);
  for (const sid of ids) {
    const row = byStudent.get(sid);
    const shown = replay.get(sid);
    if (!row || row.method === "auto") expect(shown.status).toBe("unmarked");
    else expect(pick(shown)).toEqual({ status: row.status, method: row.method, checkedInAt: row.checked_in_at === null ? null : new Date(row.checked_in_at).toISOString() });
  }

  await emitAck(staff, "session:unwatch", { sessionId: session.id });
  if (!ended) await room.teacher.client.post(`/api/sessions/${session.id}/end`);
}

describe("concurrent check-ins, marks and an end", () => {
  it("leave the database, the API, the console's events and the counts cache in agreement", async () => {
    // Bounded in time so a loaded machine runs fewer cases instead of timing out; never fewer than MIN_RUNS.
    const numRuns = Number(process.env.PROPERTY_RUNS ?? 100);
    const details = await fc.check(fc.asyncProperty(runArb, (cmds) => run(cmds)), { numRuns, interruptAfterTimeLimit: 45_000 });
    // The report names the counterexample; the assertion that failed is in errorInstance.
    if (details.failed) throw new Error(`${fc.defaultReportMessage(details) ?? "property failed"}\n${String(details.errorInstance)}`);
    expect(details.numRuns).toBeGreaterThanOrEqual(Math.min(MIN_RUNS, numRuns));
  }, 120_000);
});
