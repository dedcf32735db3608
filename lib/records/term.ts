import { sql } from "drizzle-orm";
import { getDb, type Queryable } from "../db/client";
import type { Course } from "../db/schema";
import type { StudentRecord, TermCounts } from "../model/records";
import type { AttendanceMethod, AttendanceStatus, SessionStatus } from "../model/vocabulary";
import { startedWithin } from "./range";
import { standing, tally } from "./rate";
import { instantRange, type DateRange } from "./zoned";

// The set-based reads every records view is built from: a course's sessions
// in a date range, its approved students, and their records, each one query.

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

export type TermSession = { id: string; title: string | null; startedAt: number; endedAt: number | null; status: SessionStatus };

/** The course's sessions whose start falls in `range` (the course's zone), oldest first. */
export async function termSessions(course: Pick<Course, "id" | "timeZone">, range: DateRange, db: Queryable = getDb()): Promise<TermSession[]> {
  const rows = await db.all<TermSession>(sql`
    SELECT s.id, s.title, s.started_at AS "startedAt", s.ended_at AS "endedAt", s.status FROM sessions s
    WHERE s.course_id = ${course.id}${startedWithin("s", instantRange(range, course.timeZone))}
    ORDER BY s.started_at, s.id`);
  return rows.map((s) => ({ ...s, startedAt: Number(s.startedAt), endedAt: s.endedAt === null ? null : Number(s.endedAt) }));
}

export type TermStudent = { id: string; name: string; email: string; studentNumber: string | null };

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/**
 * People by name as a reader expects it (case and accents aside, "Émile"
 * beside "Emile", "Student 2" before "Student 10"), then by id so equal names
 * keep one order. Sorted here rather than in SQL so SQLite and PostgreSQL,
 * whose lower() and collations differ beyond ASCII, give the same order.
 */
export function byName<T extends { name: string; id: string }>(a: T, b: T): number {
  return collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The course's approved students, by name. */
export async function approvedStudents(courseId: string, db: Queryable = getDb()): Promise<TermStudent[]> {
  const rows = await db.all<TermStudent>(sql`
    SELECT u.id, u.name, u.email, e.student_number AS "studentNumber"
    FROM enrollments e JOIN users u ON u.id = e.student_id
    WHERE e.course_id = ${courseId} AND e.status = 'approved'`);
  return rows.sort(byName);
}

export type TermMark = { sessionId: string; studentId: string; status: AttendanceStatus };

/** Every approved student's status in every session of the range: one row per record. */
export async function approvedMarks(course: Pick<Course, "id" | "timeZone">, range: DateRange, db: Queryable = getDb()): Promise<TermMark[]> {
  return db.all<TermMark>(sql`
    SELECT r.session_id AS "sessionId", r.student_id AS "studentId", r.status
    FROM sessions s
    JOIN attendance_records r ON r.session_id = s.id
    JOIN enrollments e ON e.course_id = s.course_id AND e.student_id = r.student_id AND e.status = 'approved'
    WHERE s.course_id = ${course.id}${startedWithin("s", instantRange(range, course.timeZone))}`);
}

/** A session of one student's history with their record in it (null columns when there is none). */
export type OwnRow = TermSession & {
  courseId: string;
  recordStatus: AttendanceStatus | null;
  method: AttendanceMethod | null;
  checkedInAt: number | null;
  lateMinutes: number | null;
  note: string | null;
};

/** One student's records in one course (or, with `courseIds`, several), sessions newest first. */
export async function ownRows(studentId: string, courseIds: string[], range: DateRange & { timeZone?: string }, db: Queryable = getDb()): Promise<OwnRow[]> {
  if (courseIds.length === 0) return [];
  const within = range.timeZone ? startedWithin("s", instantRange(range, range.timeZone)) : sql.empty();
  const rows = await db.all<OwnRow>(sql`
    SELECT s.course_id AS "courseId", s.id, s.title, s.started_at AS "startedAt", s.ended_at AS "endedAt", s.status,
           r.status AS "recordStatus", r.method, r.checked_in_at AS "checkedInAt", r.late_minutes AS "lateMinutes", r.note
    FROM sessions s
    LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = ${studentId}
    WHERE s.course_id IN ${courseIds}${within}
    ORDER BY s.started_at DESC, s.id DESC`);
  return rows.map((r) => ({
    ...r,
    startedAt: Number(r.startedAt),
    endedAt: r.endedAt === null ? null : Number(r.endedAt),
    checkedInAt: r.checkedInAt === null ? null : Number(r.checkedInAt),
  }));
}

export function studentRecord(r: OwnRow): StudentRecord {
  return {
    sessionId: r.id,
    title: r.title,
    startedAt: iso(r.startedAt)!,
    sessionStatus: r.status,
    status: r.recordStatus,
    method: r.method,
    checkedInAt: iso(r.checkedInAt),
    lateMinutes: r.lateMinutes,
    note: r.note,
  };
}

/** A student's standing from their rows: the course's rule over its ended sessions. */
export function standingOf(rows: OwnRow[], course: Pick<Course, "lateCredit" | "warnBelowPercent">) {
  const counts: TermCounts = tally(rows.map((r) => ({ ended: r.status === "ended", status: r.recordStatus })));
  return standing(counts, { lateCredit: Number(course.lateCredit), warnBelowPercent: Number(course.warnBelowPercent) });
}
