import { and, eq, sql } from "drizzle-orm";
import { AppError } from "../api/errors";
import { getDb } from "../db/client";
import { attendanceRecords, courses, sessions, users, type AttendanceRecord, type Course, type Session } from "../db/schema";
import { processSingleton } from "../global";
import { prepared } from "../db/prepared";
import type { Counts, RecordDto, RosterRow, SessionDto } from "./types";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function sessionDto(s: Session, course: Pick<Course, "name" | "code">): SessionDto {
  return {
    id: s.id,
    courseId: s.courseId,
    courseName: course.name,
    courseCode: course.code,
    title: s.title,
    status: s.status,
    startedAt: iso(s.startedAt)!,
    endedAt: iso(s.endedAt),
    lateAfterMinutes: s.lateAfterMinutes,
    closeAfterMinutes: s.closeAfterMinutes,
    rotationSeconds: s.rotationSeconds,
    codeRotationSeconds: s.codeRotationSeconds,
  };
}

export function recordDto(r: AttendanceRecord, studentName: string): RecordDto {
  return {
    studentId: r.studentId,
    studentName,
    status: r.status,
    method: r.method,
    checkedInAt: iso(r.checkedInAt),
    lateMinutes: r.lateMinutes,
    markedBy: r.markedBy,
    note: r.note,
    flagged: r.flagged,
    updatedAt: iso(r.updatedAt)!,
  };
}

export type SessionWithCourse = { session: Session; course: Course };

const sessionById = prepared("queries.sessionById", (db) =>
  db
    .select({ session: sessions, course: courses })
    .from(sessions)
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .where(eq(sessions.id, sql.placeholder("sessionId")))
    .prepare(),
);

export function loadSession(sessionId: string): SessionWithCourse {
  const row = sessionById().get({ sessionId });
  if (!row) throw new AppError("not_found", "Session not found.");
  return row;
}

const recordByStudent = prepared("queries.recordByStudent", (db) =>
  db
    .select({ r: attendanceRecords, name: users.name })
    .from(attendanceRecords)
    .innerJoin(users, eq(users.id, attendanceRecords.studentId))
    .where(and(eq(attendanceRecords.sessionId, sql.placeholder("sessionId")), eq(attendanceRecords.studentId, sql.placeholder("studentId"))))
    .prepare(),
);

const activeSessionsQuery = prepared("queries.activeSessions", (db) => db.select().from(sessions).where(eq(sessions.status, "active")).prepare());

/** Every active session: typed codes are matched against them, and their rotation timers restored at start. */
export function activeSessions(): Session[] {
  return activeSessionsQuery().all();
}

export function findRecord(sessionId: string, studentId: string): RecordDto | null {
  const row = recordByStudent().get({ sessionId, studentId });
  return row ? recordDto(row.r, row.name) : null;
}

/**
 * Counts are read on every check-in, so they are cached per session and kept
 * exact: check-ins apply a delta, every other write drops the cache.
 */
const countsCache = () => processSingleton("attendance.counts", () => new Map<string, Counts>());

export function computeCounts(sessionId: string, courseId: string): Counts {
  const rows = getDb()
    .$client.prepare(
      `SELECT r.status AS status, count(*) AS n FROM attendance_records r
       JOIN enrollments e ON e.course_id = ? AND e.student_id = r.student_id AND e.status = 'approved'
       WHERE r.session_id = ? GROUP BY r.status`,
    )
    .all(courseId, sessionId) as Array<{ status: keyof Counts; n: number }>;
  const total = (
    getDb().$client.prepare(`SELECT count(*) AS n FROM enrollments WHERE course_id = ? AND status = 'approved'`).get(courseId) as { n: number }
  ).n;
  const counts: Counts = { present: 0, late: 0, absent: 0, excused: 0, unmarked: 0, total };
  let marked = 0;
  for (const r of rows) {
    counts[r.status] = r.n;
    marked += r.n;
  }
  counts.unmarked = Math.max(0, total - marked);
  return counts;
}

export function getCounts(sessionId: string, courseId: string): Counts {
  const cache = countsCache();
  let c = cache.get(sessionId);
  if (!c) {
    c = computeCounts(sessionId, courseId);
    cache.set(sessionId, c);
  }
  return { ...c };
}

/** A new record for an approved student: one more in `status`, one fewer unmarked. */
export function countNewRecord(sessionId: string, courseId: string, status: RecordDto["status"]): Counts {
  const cache = countsCache();
  const c = cache.get(sessionId);
  if (!c) return getCounts(sessionId, courseId);
  c[status] += 1;
  c.unmarked = Math.max(0, c.unmarked - 1);
  return { ...c };
}

export function invalidateCounts(sessionId?: string): void {
  if (sessionId) countsCache().delete(sessionId);
  else countsCache().clear();
}

export function roster(sessionId: string, courseId: string): RosterRow[] {
  const rows = getDb()
    .$client.prepare(
      `SELECT u.id AS studentId, u.name AS studentName, r.status, r.method, r.checked_in_at AS checkedInAt,
              r.late_minutes AS lateMinutes, r.marked_by AS markedBy, r.note, r.flagged, r.updated_at AS updatedAt
       FROM (SELECT student_id FROM enrollments WHERE course_id = ? AND status = 'approved'
             UNION SELECT student_id FROM attendance_records WHERE session_id = ?) ids
       JOIN users u ON u.id = ids.student_id
       LEFT JOIN attendance_records r ON r.session_id = ? AND r.student_id = ids.student_id
       ORDER BY u.name COLLATE NOCASE, u.id`,
    )
    .all(courseId, sessionId, sessionId) as Array<Record<string, unknown>>;
  return rows.map((r) =>
    r.status
      ? {
          studentId: r.studentId as string,
          studentName: r.studentName as string,
          status: r.status as RecordDto["status"],
          method: r.method as RecordDto["method"],
          checkedInAt: iso(r.checkedInAt as number | null),
          lateMinutes: r.lateMinutes as number | null,
          markedBy: r.markedBy as string | null,
          note: r.note as string | null,
          flagged: Boolean(r.flagged),
          updatedAt: iso(r.updatedAt as number)!,
        }
      : {
          studentId: r.studentId as string,
          studentName: r.studentName as string,
          status: "unmarked" as const,
          method: null,
          checkedInAt: null,
          lateMinutes: null,
          markedBy: null,
          note: null,
          flagged: false as const,
          updatedAt: null,
        },
  );
}
