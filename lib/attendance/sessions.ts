import { sql } from "drizzle-orm";
import { getDb, type Queryable } from "../db/client";
import { columnsOf, splitRow } from "../db/rows";
import { decodeCourse } from "../courses/access";
import { courses, sessions, type Course, type Session } from "../db/schema";
import { AppError } from "../errors";
import type { SessionDto } from "../model/attendance";

// Sessions: how they are read and what they look like on the wire.

const iso = (t: number) => new Date(t).toISOString();

export function sessionDto(s: Session, course: Pick<Course, "name" | "code">): SessionDto {
  return {
    id: s.id,
    courseId: s.courseId,
    courseName: course.name,
    courseCode: course.code,
    title: s.title,
    status: s.status,
    startedAt: iso(s.startedAt),
    endedAt: s.endedAt === null ? null : iso(s.endedAt),
    lateAfterMinutes: s.lateAfterMinutes,
    closeAfterMinutes: s.closeAfterMinutes,
    closesAt: closesAt(s) === null ? null : iso(closesAt(s)!),
    rotationSeconds: s.rotationSeconds,
    codeRotationSeconds: s.codeRotationSeconds,
  };
}

/** The moment check-in closes (ms), or null when it stays open until the end: one rule for the check-in and the projector. */
export function closesAt(s: Pick<Session, "startedAt" | "closeAfterMinutes">): number | null {
  return s.closeAfterMinutes === null ? null : s.startedAt + s.closeAfterMinutes * 60_000;
}

export type SessionWithCourse = { session: Session; course: Course };

/** The session and its course; 404 `not_found` when there is no such session. */
export async function loadSession(sessionId: string, db: Queryable = getDb()): Promise<SessionWithCourse> {
  const row = await db.get<Record<string, unknown>>(sql`
    SELECT ${columnsOf(sessions, "s")}, ${columnsOf(courses, "c", "course.")}
    FROM sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = ${sessionId}`);
  if (!row) throw new AppError("not_found", "Session not found.");
  const [session, course] = splitRow<Session, Course>(row, "course.");
  return { session, course: decodeCourse(course) };
}

/** Read inside a transaction, so an end that committed a moment ago wins. */
export async function sessionStatus(sessionId: string, db: Queryable = getDb()): Promise<Session["status"] | undefined> {
  return (await db.get<{ status: Session["status"] }>(sql`SELECT status FROM sessions WHERE id = ${sessionId}`))?.status;
}

/** Every active session: typed codes are matched against them, and their rotation resumes at start. */
export async function activeSessions(db: Queryable = getDb()): Promise<Session[]> {
  return db.all<Session>(sql`SELECT ${columnsOf(sessions, "s")} FROM sessions s WHERE s.status = 'active'`);
}

/** Ended sessions (newest first) that ended after `since`: a code typed just after an end says "ended". */
export async function sessionsEndedSince(since: number, db: Queryable = getDb()): Promise<Session[]> {
  return db.all<Session>(sql`
    SELECT ${columnsOf(sessions, "s")} FROM sessions s
    WHERE s.status = 'ended' AND s.ended_at > ${since} ORDER BY s.ended_at DESC`);
}

export async function courseSessions(courseId: string, db: Queryable = getDb()): Promise<Session[]> {
  return db.all<Session>(sql`
    SELECT ${columnsOf(sessions, "s")} FROM sessions s WHERE s.course_id = ${courseId} ORDER BY s.started_at DESC`);
}

/** Who hears that a session started or ended in their course. */
export async function approvedStudentIds(courseId: string, db: Queryable = getDb()): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`
    SELECT student_id AS id FROM enrollments WHERE course_id = ${courseId} AND status = 'approved'`);
  return rows.map((r) => r.id);
}
