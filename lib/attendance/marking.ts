import { sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb } from "../db/client";
import { AppError } from "../errors";
import { publish } from "../events";
import type { Counts, RecordDto } from "../model/attendance";
import { ATTENDANCE_STATUSES, type AttendanceStatus, type PublicUser } from "../model/vocabulary";
import { authorize } from "../courses/access";
import { countsAtCommit } from "./counts";
import { holdRecord, holdSession } from "./locks";
import { findRecordRow, recordDto, upsertMark } from "./records";
import { loadSession } from "./sessions";

export const markSchema = z.object({
  status: z.enum(ATTENDANCE_STATUSES),
  note: z.string().trim().max(500).nullable().optional(),
});

/**
 * Staff set a student's status by hand, during or after the session. Each
 * change is audited with who, when, from and to.
 */
export async function markAttendance(
  actor: PublicUser,
  sessionId: string,
  studentId: string,
  input: z.infer<typeof markSchema>,
): Promise<{ record: RecordDto; counts: Counts }> {
  const { session } = await loadSession(sessionId);
  await authorize(actor.id, session.courseId, "attendance.mark");
  return getDb().transaction(async (tx) => {
    await Promise.all([holdSession(tx, sessionId, "shared"), holdRecord(tx, sessionId, studentId)]);
    const known = await tx.get(sql`
      SELECT 1 AS known FROM users u WHERE u.id = ${studentId} AND (
        EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = ${session.courseId} AND e.student_id = u.id)
        OR EXISTS (SELECT 1 FROM attendance_records r WHERE r.session_id = ${sessionId} AND r.student_id = u.id))`);
    if (!known) throw new AppError("not_found", "That student is not in this course.");
    const t = now();
    const before = await findRecordRow(sessionId, studentId, tx);
    const note = input.note === undefined ? (before?.note ?? null) : input.note || null;
    // Marking late by hand during the session records how late it is now.
    const lateMinutes =
      input.status !== "late"
        ? null
        : (before?.lateMinutes ?? (session.status === "active" ? Math.max(1, Math.floor((t - session.startedAt) / 60_000)) : null));
    await upsertMark(tx, { sessionId, studentId, status: input.status, note, lateMinutes, markedBy: actor.id, at: t });
    await audit(tx, {
      at: t, actorId: actor.id, entity: "record", action: "mark", sessionId, courseId: session.courseId, subjectId: studentId,
      from: before?.status ?? null, to: input.status, note,
    });
    const record = recordDto((await findRecordRow(sessionId, studentId, tx))!);
    const counts = await countsAtCommit(tx, sessionId, session.courseId);
    const previous: AttendanceStatus | null = before?.status ?? null;
    publish(tx, { type: "attendance.marked", courseId: session.courseId, sessionId, record, counts, previous, via: "mark" });
    return { record, counts };
  });
}
