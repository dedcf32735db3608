import { expect } from "vitest";
import { sql } from "drizzle-orm";
import { advanceClock, setClockOffset } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { ApiClient, registerAndLogin } from "./api";
import { checkin, enrolledStudent, liveCode, type Account, type Classroom } from "./attendance-fixtures";
import type { TestServer } from "./server";

// A term of one course for the records tests, built through the real API with
// the server clock moved to each session's start.

export const MIN = 60_000;

/** Moves the server clock so that now() reads `ms`. */
export function clockAt(ms: number): void {
  setClockOffset(ms - Date.now());
}

/** A TA of the course, added by its owner through the staff API (SPEC §9). */
export async function addTa(server: TestServer, owner: Account, courseId: string, name = "Tess Assistant"): Promise<Account> {
  const ta = await registerAndLogin(server.url, "teacher", name);
  const res = await owner.client.post(`/api/courses/${courseId}/staff`, { email: ta.email, role: "ta" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return ta;
}

/** The owner changes the course's rate settings (`PATCH /api/courses/:courseId`, SPEC §9). */
export async function setRateSettings(owner: Account, courseId: string, s: { lateCredit?: number; warnBelowPercent?: number }): Promise<void> {
  const res = await owner.client.patch(`/api/courses/${courseId}`, s);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

export async function setStudentNumber(courseId: string, studentId: string, number: string): Promise<void> {
  await getDb().run(sql`UPDATE enrollments SET student_number = ${number} WHERE course_id = ${courseId} AND student_id = ${studentId}`);
}

export type Plan = "present" | "late" | "absent" | { mark: "present" | "late" | "absent" | "excused"; note?: string; by?: Account } | null;

/**
 * One session at `startMs`: `present` checks in by code 2 minutes after the
 * start, `late` 15 minutes after; a `{ mark }` is set by staff; `absent` and
 * `null` are left to the end (which marks every approved student left absent).
 */
export async function runSession(
  c: Classroom,
  startMs: number,
  title: string | null,
  plans: Array<[Account, Plan]>,
  endedBy: Account = c.teacher,
): Promise<string> {
  clockAt(startMs);
  const res = await c.teacher.client.post(`/api/courses/${c.course.id}/sessions`, title === null ? {} : { title });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const sessionId: string = res.body.session.id;
  advanceClock(2 * MIN);
  for (const [who, plan] of plans) {
    if (plan !== "present") continue;
    const r = await checkin(who.client, { code: (await liveCode(c, sessionId)).code });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  advanceClock(13 * MIN);
  for (const [who, plan] of plans) {
    if (plan !== "late") continue;
    const r = await checkin(who.client, { code: (await liveCode(c, sessionId)).code });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.record.status).toBe("late");
  }
  advanceClock(30 * MIN);
  for (const [who, plan] of plans) {
    if (plan === null || typeof plan === "string") continue;
    const by = plan.by ?? c.teacher;
    const r = await by.client.patch(`/api/sessions/${sessionId}/attendance/${who.user.id}`, { status: plan.mark, ...(plan.note ? { note: plan.note } : {}) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  advanceClock(30 * MIN);
  const ended = await endedBy.client.post(`/api/sessions/${sessionId}/end`);
  expect(ended.status, JSON.stringify(ended.body)).toBe(200);
  return sessionId;
}

export { enrolledStudent };

/** Raw bytes of a download, with the headers: a BOM must not be lost to a text decoder. */
export async function download(client: ApiClient, path: string): Promise<{ status: number; bytes: Buffer; text: string; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (client.token) headers.authorization = `Bearer ${client.token}`;
  const res = await fetch(client.base + path, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, text: bytes.toString("utf8"), headers: res.headers };
}
