import { sql } from "drizzle-orm";
import { getDb, type Queryable } from "../db/client";
import { columnsOf, decodeBooleans } from "../db/rows";
import { attendanceRecords, type AttendanceRecord } from "../db/schema";
import type { RecordDto, RosterRow } from "../model/attendance";
import type { AttendanceMethod, AttendanceStatus } from "../model/vocabulary";

// Attendance records: every SQL that reads or writes them, and the one mapper to the wire shape.

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export type RecordRow = AttendanceRecord & { studentName: string };

export function recordDto(r: RecordRow): RecordDto {
  return {
    studentId: r.studentId,
    studentName: r.studentName,
    status: r.status,
    method: r.method,
    checkedInAt: iso(r.checkedInAt),
    lateMinutes: r.lateMinutes,
    markedBy: r.markedBy,
    note: r.note,
    flagged: Boolean(r.flagged),
    updatedAt: iso(r.updatedAt)!,
  };
}

function decodeRecord(row: RecordRow): RecordRow {
  return decodeBooleans(row, ["flagged"]);
}

export async function findRecordRow(sessionId: string, studentId: string, db: Queryable = getDb()): Promise<RecordRow | null> {
  const row = await db.get<RecordRow>(sql`
    SELECT ${columnsOf(attendanceRecords, "r")}, u.name AS "studentName"
    FROM attendance_records r JOIN users u ON u.id = r.student_id
    WHERE r.session_id = ${sessionId} AND r.student_id = ${studentId}`);
  return row ? decodeRecord(row) : null;
}

export async function findRecord(sessionId: string, studentId: string, db: Queryable = getDb()): Promise<RecordDto | null> {
  const row = await findRecordRow(sessionId, studentId, db);
  return row ? recordDto(row) : null;
}

/** Approved students and anyone with a record, each with their record or `unmarked`. */
export async function roster(sessionId: string, courseId: string, db: Queryable = getDb()): Promise<RosterRow[]> {
  const rows = await db.all<RecordRow & { status: AttendanceStatus | null }>(sql`
    SELECT ids.student_id AS "studentId", u.name AS "studentName", r.status, r.method, r.checked_in_at AS "checkedInAt",
           r.late_minutes AS "lateMinutes", r.marked_by AS "markedBy", r.note, r.flagged, r.updated_at AS "updatedAt"
    FROM (SELECT student_id FROM enrollments WHERE course_id = ${courseId} AND status = 'approved'
          UNION SELECT student_id FROM attendance_records WHERE session_id = ${sessionId}) ids
    JOIN users u ON u.id = ids.student_id
    LEFT JOIN attendance_records r ON r.session_id = ${sessionId} AND r.student_id = ids.student_id
    ORDER BY lower(u.name), u.id`);
  return rows.map((r) => (r.status ? recordDto(r as RecordRow) : unmarked(r.studentId, r.studentName)));
}

function unmarked(studentId: string, studentName: string): RosterRow {
  return {
    studentId,
    studentName,
    status: "unmarked",
    method: null,
    checkedInAt: null,
    lateMinutes: null,
    markedBy: null,
    note: null,
    flagged: false,
    updatedAt: null,
  };
}

export type NewCheckin = {
  sessionId: string;
  studentId: string;
  status: "present" | "late";
  method: Extract<AttendanceMethod, "qr" | "code">;
  checkedInAt: number;
  lateMinutes: number | null;
  deviceId: string | null;
  ip: string;
  userAgent: string | null;
  at: number;
};

/**
 * Inserts a student's own check-in unless a record exists, or another student
 * already checked in from this device (both refused by unique indexes, so
 * the rule holds across processes). The new record, or null when refused.
 */
export async function insertCheckin(tx: Queryable, c: NewCheckin & { studentName: string }): Promise<RecordRow | null> {
  const row = await tx.get<AttendanceRecord>(sql`
    INSERT INTO attendance_records (session_id, student_id, status, method, checked_in_at, late_minutes, device_id, ip, user_agent, flagged, created_at, updated_at)
    VALUES (${c.sessionId}, ${c.studentId}, ${c.status}, ${c.method}, ${c.checkedInAt}, ${c.lateMinutes}, ${c.deviceId},
            ${c.ip}, ${c.userAgent}, ${false}, ${c.at}, ${c.at})
    ON CONFLICT DO NOTHING
    RETURNING ${columnsOf(attendanceRecords)}`);
  return row ? decodeRecord({ ...row, studentName: c.studentName }) : null;
}

/** The other student who checked in from this device in this session, if any. */
export async function deviceOwner(
  tx: Queryable,
  sessionId: string,
  deviceId: string,
  studentId: string,
): Promise<{ studentId: string; name: string } | undefined> {
  return tx.get(sql`
    SELECT r.student_id AS "studentId", u.name AS name FROM attendance_records r JOIN users u ON u.id = r.student_id
    WHERE r.session_id = ${sessionId} AND r.device_id = ${deviceId} AND r.student_id <> ${studentId}`);
}

export async function flagRecord(tx: Queryable, sessionId: string, studentId: string, at: number): Promise<void> {
  await tx.run(sql`UPDATE attendance_records SET flagged = ${true}, updated_at = ${at}
                   WHERE session_id = ${sessionId} AND student_id = ${studentId}`);
}

export type Mark = {
  sessionId: string;
  studentId: string;
  status: AttendanceStatus;
  note: string | null;
  lateMinutes: number | null;
  markedBy: string;
  at: number;
};

/** A mark by staff: sets the status whether or not the student had a record. */
export async function upsertMark(tx: Queryable, m: Mark): Promise<void> {
  await tx.run(sql`
    INSERT INTO attendance_records (session_id, student_id, status, method, late_minutes, marked_by, note, flagged, created_at, updated_at)
    VALUES (${m.sessionId}, ${m.studentId}, ${m.status}, 'manual', ${m.lateMinutes}, ${m.markedBy}, ${m.note}, ${false}, ${m.at}, ${m.at})
    ON CONFLICT (session_id, student_id) DO UPDATE SET
      status = excluded.status, method = 'manual', note = excluded.note, late_minutes = excluded.late_minutes,
      marked_by = excluded.marked_by, updated_at = excluded.updated_at`);
}

/** The approved students of the course with no record in the session: they become absent at the end. */
export function unmarkedStudents(sessionId: string, courseId: string) {
  return sql`
    SELECT e.student_id AS subject_id FROM enrollments e
    WHERE e.course_id = ${courseId} AND e.status = 'approved'
      AND NOT EXISTS (SELECT 1 FROM attendance_records r WHERE r.session_id = ${sessionId} AND r.student_id = e.student_id)`;
}

/** The students an end marked absent automatically (one `subject_id` column, for `auditEach`). */
export function autoAbsentees(sessionId: string) {
  return sql`SELECT student_id AS subject_id FROM attendance_records WHERE session_id = ${sessionId} AND method = 'auto'`;
}

export async function insertAutoAbsent(tx: Queryable, sessionId: string, courseId: string, markedBy: string, at: number): Promise<void> {
  await tx.run(sql`
    INSERT INTO attendance_records (session_id, student_id, status, method, marked_by, flagged, created_at, updated_at)
    SELECT ${sessionId}, unmarked.subject_id, 'absent', 'auto', ${markedBy}, ${false}, ${at}, ${at}
    FROM (${unmarkedStudents(sessionId, courseId)}) unmarked
    WHERE TRUE -- SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT
    ON CONFLICT DO NOTHING`);
}
