import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import type { Course } from "../db/schema";
import type { Counts } from "../model/attendance";
import type { StaffHistorySession, StudentHistorySession } from "../model/records";
import type { PublicUser, SessionStatus } from "../model/vocabulary";
import { courseAccess } from "../courses/access";
import { can } from "../courses/permissions";
import { AppError } from "../errors";
import { recordDto, type RecordRow } from "../attendance/records";
import { startedWithin } from "./range";
import { attendanceRate } from "./rate";
import { instantRange, type DateRange } from "./zoned";

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

export type CourseHistory = { role: "owner" | "ta"; sessions: StaffHistorySession[] } | { role: "student"; sessions: StudentHistorySession[] };

/**
 * `GET /api/courses/:courseId/sessions` (SPEC §10): newest first. Staff get
 * each session's counts and rate; an approved student the same list with
 * their own record instead, and nothing about anyone else.
 */
export async function courseHistory(actor: PublicUser, courseId: string, range: DateRange): Promise<CourseHistory> {
  const access = await courseAccess(actor.id, courseId);
  if (!access) throw new AppError("not_found", "Course not found.");
  const { course, role } = access;
  if (can(role, "history.view")) return { role: role as "owner" | "ta", sessions: await staffHistory(course, range) };
  if (can(role, "records.own")) return { role: "student", sessions: await studentHistory(actor, course, range) };
  throw new AppError("forbidden");
}

type SessionCols = { id: string; title: string | null; startedAt: number; endedAt: number | null; status: SessionStatus };

/** Every session's counts over the approved students in one grouped query (SPEC §4 counts). */
export async function staffHistory(course: Pick<Course, "id" | "timeZone" | "lateCredit">, range: DateRange): Promise<StaffHistorySession[]> {
  const db = getDb();
  const within = startedWithin("s", instantRange(range, course.timeZone));
  const [rows, total] = await Promise.all([
    db.all<SessionCols & { present: number; late: number; absent: number; excused: number }>(sql`
      SELECT s.id, s.title, s.started_at AS "startedAt", s.ended_at AS "endedAt", s.status,
             sum(CASE WHEN r.status = 'present' THEN 1 ELSE 0 END) AS present,
             sum(CASE WHEN r.status = 'late' THEN 1 ELSE 0 END) AS late,
             sum(CASE WHEN r.status = 'absent' THEN 1 ELSE 0 END) AS absent,
             sum(CASE WHEN r.status = 'excused' THEN 1 ELSE 0 END) AS excused
      FROM sessions s
      LEFT JOIN attendance_records r ON r.session_id = s.id AND EXISTS (
        SELECT 1 FROM enrollments e WHERE e.course_id = s.course_id AND e.student_id = r.student_id AND e.status = 'approved')
      WHERE s.course_id = ${course.id}${within}
      GROUP BY s.id, s.title, s.started_at, s.ended_at, s.status
      ORDER BY s.started_at DESC, s.id DESC`),
    db.get<{ n: number }>(sql`SELECT count(*) AS n FROM enrollments WHERE course_id = ${course.id} AND status = 'approved'`),
  ]);
  const approved = Number(total?.n ?? 0);
  return rows.map((r) => {
    const marked = { present: Number(r.present ?? 0), late: Number(r.late ?? 0), absent: Number(r.absent ?? 0), excused: Number(r.excused ?? 0) };
    const sum = marked.present + marked.late + marked.absent + marked.excused;
    const counts: Counts = { ...marked, unmarked: Math.max(0, approved - sum), total: approved };
    return {
      id: r.id,
      title: r.title,
      startedAt: iso(r.startedAt)!,
      endedAt: iso(r.endedAt),
      status: r.status,
      counts,
      rate: attendanceRate(counts, Number(course.lateCredit)),
    };
  });
}

type OwnRecordCols = {
  rStatus: RecordRow["status"] | null;
  method: RecordRow["method"];
  checkedInAt: number | null;
  lateMinutes: number | null;
  markedBy: string | null;
  note: string | null;
  flagged: boolean | number;
  updatedAt: number;
};

/** The student's own record in each session, one query. */
async function studentHistory(student: PublicUser, course: Course, range: DateRange): Promise<StudentHistorySession[]> {
  const rows = await getDb().all<SessionCols & OwnRecordCols>(sql`
    SELECT s.id, s.title, s.started_at AS "startedAt", s.ended_at AS "endedAt", s.status,
           r.status AS "rStatus", r.method, r.checked_in_at AS "checkedInAt", r.late_minutes AS "lateMinutes",
           r.marked_by AS "markedBy", r.note, r.flagged, r.updated_at AS "updatedAt"
    FROM sessions s
    LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = ${student.id}
    WHERE s.course_id = ${course.id}${startedWithin("s", instantRange(range, course.timeZone))}
    ORDER BY s.started_at DESC, s.id DESC`);
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    startedAt: iso(r.startedAt)!,
    endedAt: iso(r.endedAt),
    status: r.status,
    me: r.rStatus === null ? null : recordDto(ownRecord(student, r)),
  }));
}

function ownRecord(student: PublicUser, r: OwnRecordCols): RecordRow {
  return {
    studentId: student.id,
    studentName: student.name,
    status: r.rStatus!,
    method: r.method,
    checkedInAt: r.checkedInAt === null ? null : Number(r.checkedInAt),
    lateMinutes: r.lateMinutes,
    markedBy: r.markedBy,
    note: r.note,
    flagged: Boolean(r.flagged),
    updatedAt: Number(r.updatedAt),
  } as RecordRow;
}
