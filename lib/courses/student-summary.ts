import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import type { AttendanceStatus } from "../model/vocabulary";

export type OpenSession = { id: string; title: string | null; startedAt: string; myStatus: AttendanceStatus | null };

export type StudentCourseSummary = {
  /** The course's active session, when the student is approved in the course. */
  openSession: OpenSession | null;
};

/**
 * The open sessions of a student's courses, for their dashboard, in one
 * query. (The student's rates come from lib/records, the one rate rule.)
 */
export async function studentSummary(studentId: string): Promise<Map<string, StudentCourseSummary>> {
  const out = new Map<string, StudentCourseSummary>();
  // Only approved students learn that a session is running (as in GET /api/courses).
  const open = await getDb().all<{ courseId: string; id: string; title: string | null; startedAt: number; myStatus: AttendanceStatus | null }>(sql`
    SELECT s.course_id AS "courseId", s.id, s.title, s.started_at AS "startedAt", r.status AS "myStatus"
    FROM sessions s
    JOIN enrollments e ON e.course_id = s.course_id AND e.student_id = ${studentId} AND e.status = 'approved'
    LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = e.student_id
    WHERE s.status = 'active'`);
  for (const o of open) {
    out.set(o.courseId, { openSession: { id: o.id, title: o.title, startedAt: new Date(Number(o.startedAt)).toISOString(), myStatus: o.myStatus } });
  }
  return out;
}
