import { z } from "zod";
import { AppError } from "../api/errors";
import type { PublicUser } from "../auth/users";
import { now } from "../clock";
import { getDb } from "../db/client";
import { requireStaff } from "../courses/access";
import { emitMarked } from "../realtime/broadcast";
import { findRecord, getCounts, invalidateCounts, loadSession } from "./queries";
import type { Counts, RecordDto } from "./types";

export const markSchema = z.object({
  status: z.enum(["present", "late", "absent", "excused"]),
  note: z.string().trim().max(500).nullable().optional(),
});

/**
 * Staff set a student's status by hand, during or after the session. Each
 * change is audited with who, when, from and to.
 */
export function markAttendance(
  actor: PublicUser,
  sessionId: string,
  studentId: string,
  input: z.infer<typeof markSchema>,
): { record: RecordDto; counts: Counts } {
  const { session } = loadSession(sessionId);
  requireStaff(actor.id, session.courseId);
  const db = getDb().$client;
  const known = db
    .prepare(
      `SELECT u.name FROM users u WHERE u.id = ? AND (
         EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = ? AND e.student_id = u.id)
         OR EXISTS (SELECT 1 FROM attendance_records r WHERE r.session_id = ? AND r.student_id = u.id))`,
    )
    .pluck()
    .get(studentId, session.courseId, sessionId);
  if (!known) throw new AppError("not_found", "That student is not in this course.");
  const t = now();
  db.transaction(() => {
    const before = db
      .prepare(`SELECT status, note, late_minutes AS lateMinutes FROM attendance_records WHERE session_id = ? AND student_id = ?`)
      .get(sessionId, studentId) as { status: string; note: string | null; lateMinutes: number | null } | undefined;
    const note = input.note === undefined ? (before?.note ?? null) : input.note || null;
    // Marking late by hand during the session records how late it is now.
    const lateMinutes =
      input.status !== "late" ? null : (before?.lateMinutes ?? (session.status === "active" ? Math.max(1, Math.floor((t - session.startedAt) / 60_000)) : null));
    if (before) {
      db.prepare(
        `UPDATE attendance_records SET status = ?, method = 'manual', note = ?, late_minutes = ?, marked_by = ?, updated_at = ?
         WHERE session_id = ? AND student_id = ?`,
      ).run(input.status, note, lateMinutes, actor.id, t, sessionId, studentId);
    } else {
      db.prepare(
        `INSERT INTO attendance_records (session_id, student_id, status, method, late_minutes, marked_by, note, flagged, created_at, updated_at)
         VALUES (?, ?, ?, 'manual', ?, ?, ?, 0, ?, ?)`,
      ).run(sessionId, studentId, input.status, lateMinutes, actor.id, note, t, t);
    }
    db.prepare(
      `INSERT INTO audit_events (at, actor_id, entity, action, session_id, course_id, subject_id, from_value, to_value)
       VALUES (?, ?, 'record', 'mark', ?, ?, ?, ?, ?)`,
    ).run(t, actor.id, sessionId, session.courseId, studentId, before?.status ?? null, input.status);
  })();
  invalidateCounts(sessionId);
  const record = findRecord(sessionId, studentId)!;
  const counts = getCounts(sessionId, session.courseId);
  emitMarked(sessionId, record, counts);
  return { record, counts };
}
