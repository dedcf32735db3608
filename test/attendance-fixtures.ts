import { expect } from "vitest";
import { matchCode } from "@/lib/attendance/codes";
import { now } from "@/lib/clock";
import { sql, type SQL } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { columnsOf } from "@/lib/db/rows";
import { sessions, type Session } from "@/lib/db/schema";
import { ApiClient, emitAck, registerAndLogin } from "./api";
import type { ClientSocket, TestServer } from "./server";

/** Fixtures for the attendance tests: everything goes through the real API, the database is only read. */
export type Account = Awaited<ReturnType<typeof registerAndLogin>>;

export type Classroom = {
  teacher: Account;
  course: { id: string; name: string; code: string | null; enrollCode: string };
  students: Account[];
};

export const MIN = 60_000;

/** A counts object as the API sends it: every status, zero unless given. */
export const counts = (c: Partial<Record<"present" | "late" | "absent" | "excused" | "unmarked" | "total", number>>) => ({
  present: 0,
  late: 0,
  absent: 0,
  excused: 0,
  unmarked: 0,
  total: 0,
  ...c,
});

/** Matches an attendance event about this student. */
export const forStudent = (a: Account) => (p: any) => p?.record?.studentId === a.user.id;

let courseNo = 0;

export async function classroom(
  server: TestServer,
  students: number,
  settings: Record<string, unknown> = {},
  teacher?: Account,
): Promise<Classroom> {
  const owner = teacher ?? (await registerAndLogin(server.url, "teacher"));
  const n = ++courseNo;
  const created = await owner.client.post("/api/courses", { name: `Course ${n}`, code: `C${n}`, ...settings });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const course = created.body.course;
  const accounts = await Promise.all(Array.from({ length: students }, () => enrolledStudent(server, course.enrollCode)));
  return { teacher: owner, course, students: accounts };
}

export async function enrolledStudent(server: TestServer, enrollCode: string, name?: string): Promise<Account> {
  const s = await registerAndLogin(server.url, "student", name);
  const e = await s.client.post("/api/enroll", { code: enrollCode });
  expect(e.status, JSON.stringify(e.body)).toBe(201);
  return s;
}

export async function startSession(c: Classroom, body: Record<string, unknown> = {}) {
  const res = await c.teacher.client.post(`/api/courses/${c.course.id}/sessions`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.session as { id: string; startedAt: string; status: string } & Record<string, any>;
}

export async function liveCode(c: Classroom, sessionId: string) {
  const res = await c.teacher.client.get(`/api/sessions/${sessionId}/code`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { token: string; url: string; code: string; expiresAt: string; codeExpiresAt: string | null; serverTime: string };
}

/** A socket that has watched the session, with every event it receives from then on. */
export async function watcher(server: TestServer, account: Account, sessionId: string) {
  const socket = await server.socket({ token: account.token });
  const events = listen(socket);
  const reply = await emitAck(socket, "session:watch", { sessionId });
  return { socket, reply, events };
}

export type Heard = Array<{ event: string; payload: any }>;

export function listen(socket: ClientSocket): Heard {
  const heard: Heard = [];
  socket.onAny((event: string, payload: unknown) => heard.push({ event, payload }));
  return heard;
}

/** Resolves with the first matching event this socket has heard, already or from now on (no race with replies). */
export function heardEvent(socket: ClientSocket, heard: Heard, event: string, match: (p: any) => boolean = () => true, timeoutMs = 3000): Promise<any> {
  const found = heard.find((h) => h.event === event && match(h.payload));
  if (found) return Promise.resolve(found.payload);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.offAny(on);
      reject(new Error(`no ${event} within ${timeoutMs} ms; heard ${heard.map((h) => h.event).join(", ") || "nothing"}`));
    }, timeoutMs);
    const on = (e: string, payload: unknown) => {
      if (e !== event || !match(payload)) return;
      clearTimeout(timer);
      socket.offAny(on);
      resolve(payload);
    };
    socket.onAny(on);
  });
}

/** Resolves once `done()` holds, checking again at every event the socket hears. */
export function untilHeard(socket: ClientSocket, done: () => boolean, timeoutMs = 3000): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.offAny(on);
      reject(new Error(`condition not met within ${timeoutMs} ms`));
    }, timeoutMs);
    // onAny listeners run in registration order: by the time this one runs, `listen` has recorded the event.
    const on = () => {
      if (!done()) return;
      clearTimeout(timer);
      socket.offAny(on);
      resolve();
    };
    socket.onAny(on);
  });
}

export function checkin(client: ApiClient, body: unknown) {
  return client.post("/api/checkin", body);
}

// ---- reading the database (never writing, except where a test says so) ----

/** A count (or any single number) from the database, as a number on every engine. */
export async function scalar(query: SQL): Promise<number> {
  const row = await getDb().get<Record<string, unknown>>(query);
  return Number(row ? Object.values(row)[0] : NaN);
}

export type RecordRow = { student_id: string; status: string; method: string; checked_in_at: number | null; late_minutes: number | null; flagged: number | boolean; marked_by: string | null; note: string | null };

export async function rows(sessionId: string): Promise<RecordRow[]> {
  return getDb().all<RecordRow>(sql`SELECT * FROM attendance_records WHERE session_id = ${sessionId} ORDER BY student_id`);
}

export async function rowOf(sessionId: string, studentId: string): Promise<RecordRow | undefined> {
  return getDb().get<RecordRow>(sql`SELECT * FROM attendance_records WHERE session_id = ${sessionId} AND student_id = ${studentId}`);
}

export type AuditRow = { actor_id: string; action: string; subject_id: string; from_value: string | null; to_value: string | null; at: number };

export async function audit(sessionId: string, action?: string): Promise<AuditRow[]> {
  return getDb().all<AuditRow>(sql`
    SELECT * FROM audit_events WHERE session_id = ${sessionId} AND (CAST(${action ?? null} AS text) IS NULL OR action = ${action ?? null}) ORDER BY id`);
}

export async function sessionRow(sessionId: string): Promise<Session> {
  const s = await getDb().get<Session>(sql`SELECT ${columnsOf(sessions)} FROM sessions WHERE id = ${sessionId}`);
  return { ...s!, startedAt: Number(s!.startedAt), codeAnchorAt: Number(s!.codeAnchorAt), endedAt: s!.endedAt === null ? null : Number(s!.endedAt) };
}

/** Six-digit codes that no active session accepts or even calls expired right now: certain wrong guesses. */
export async function wrongCodes(n: number): Promise<string[]> {
  const active = await getDb().all<Session>(sql`SELECT ${columnsOf(sessions)} FROM sessions WHERE status = 'active'`);
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const c = String((i * 7919 + 104_729) % 1_000_000).padStart(6, "0");
    if (active.every((s) => matchCode(s, c, now()) === null)) out.push(c);
  }
  return out;
}
