import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import type { AttendanceStatus } from "../model/vocabulary";

export type OpenSession = { id: string; title: string | null; startedAt: string; myStatus: AttendanceStatus | null };

export type StudentCourseSummary = {
  /** Ended sessions of the course with a record for this student, leaving out excused ones: an excused absence does not count against the student. */
  counted: number;
  /** Of those, present or late. */
  attended: number;
  /** attended / counted, or null before the first ended session. */
  rate: number | null;
  /** The course's active session, when the student is approved in the course. */
  openSession: OpenSession | null;
};

/**
 * A student's own attendance per course, for their dashboard: two grouped
 * queries over the student's records, never anyone else's.
 */
export async function studentSummary(studentId: string): Promise<Map<string, StudentCourseSummary>> {
  const db = getDb();
  const out = new Map<string, StudentCourseSummary>();
  const entry = (courseId: string) => {
    let e = out.get(courseId);
    if (!e) out.set(courseId, (e = { counted: 0, attended: 0, rate: null, openSession: null }));
    return e;
  };

  const history = await db.all<{ courseId: string; counted: number; attended: number }>(sql`
    SELECT s.course_id AS "courseId", sum(CASE WHEN r.status <> 'excused' THEN 1 ELSE 0 END) AS counted,
           sum(CASE WHEN r.status IN ('present', 'late') THEN 1 ELSE 0 END) AS attended
    FROM attendance_records r JOIN sessions s ON s.id = r.session_id
    WHERE r.student_id = ${studentId} AND s.status = 'ended'
    GROUP BY s.course_id`);
  for (const h of history) {
    const e = entry(h.courseId);
    e.counted = Number(h.counted);
    e.attended = Number(h.attended);
    e.rate = e.counted > 0 ? e.attended / e.counted : null;
  }

  // Only approved students learn that a session is running (as in GET /api/courses).
  const open = await db.all<{ courseId: string; id: string; title: string | null; startedAt: number; myStatus: AttendanceStatus | null }>(sql`
    SELECT s.course_id AS "courseId", s.id, s.title, s.started_at AS "startedAt", r.status AS "myStatus"
    FROM sessions s
    JOIN enrollments e ON e.course_id = s.course_id AND e.student_id = ${studentId} AND e.status = 'approved'
    LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = e.student_id
    WHERE s.status = 'active'`);
  for (const o of open) {
    entry(o.courseId).openSession = { id: o.id, title: o.title, startedAt: new Date(o.startedAt).toISOString(), myStatus: o.myStatus };
  }
  return out;
}
