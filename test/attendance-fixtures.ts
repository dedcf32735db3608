import { expect } from "vitest";
import { matchCode } from "@/lib/attendance/codes";
import { now } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import type { Session } from "@/lib/db/schema";
import { ApiClient, emitAck, registerAndLogin } from "./api";
import type { ClientSocket, TestServer } from "./server";

/** Fixtures for the attendance tests: everything goes through the real API, the database is only read. */
export type Account = Awaited<ReturnType<typeof registerAndLogin>>;

export type Classroom = {
  teacher: Account;
  course: { id: string; name: string; code: string | null; enrollCode: string };
  students: Account[];
};

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

export const sql = () => getDb().$client;

export type RecordRow = { student_id: string; status: string; method: string; checked_in_at: number | null; late_minutes: number | null; flagged: number; marked_by: string | null; note: string | null };

export function rows(sessionId: string): RecordRow[] {
  return sql().prepare(`SELECT * FROM attendance_records WHERE session_id = ? ORDER BY student_id`).all(sessionId) as RecordRow[];
}

export function rowOf(sessionId: string, studentId: string): RecordRow | undefined {
  return sql().prepare(`SELECT * FROM attendance_records WHERE session_id = ? AND student_id = ?`).get(sessionId, studentId) as RecordRow | undefined;
}

export function audit(sessionId: string, action?: string) {
  return sql()
    .prepare(`SELECT * FROM audit_events WHERE session_id = ? AND (? IS NULL OR action = ?) ORDER BY id`)
    .all(sessionId, action ?? null, action ?? null) as Array<{ actor_id: string; action: string; subject_id: string; from_value: string | null; to_value: string | null; at: number }>;
}

export function sessionRow(sessionId: string): Session {
  const r = sql().prepare(`SELECT * FROM sessions WHERE id = ?`).get(sessionId) as Record<string, any>;
  return {
    id: r.id, courseId: r.course_id, title: r.title, status: r.status, startedAt: r.started_at, endedAt: r.ended_at,
    lateAfterMinutes: r.late_after_minutes, closeAfterMinutes: r.close_after_minutes, rotationSeconds: r.rotation_seconds,
    codeRotationSeconds: r.code_rotation_seconds, secret: r.secret, codeEpoch: r.code_epoch, codeAnchorAt: r.code_anchor_at,
    startedBy: r.started_by, endedBy: r.ended_by,
  };
}

/** Six-digit codes that no active session accepts or even calls expired right now: certain wrong guesses. */
export function wrongCodes(n: number): string[] {
  const active = (sql().prepare(`SELECT id FROM sessions WHERE status = 'active'`).all() as Array<{ id: string }>).map((r) => sessionRow(r.id));
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const c = String((i * 7919 + 104_729) % 1_000_000).padStart(6, "0");
    if (active.every((s) => matchCode(s, c, now()) === null)) out.push(c);
  }
  return out;
}
