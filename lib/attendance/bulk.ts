import { sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb } from "../db/client";
import type { Transaction } from "../db/database";
import { publish } from "../events";
import type { Counts } from "../model/attendance";
import type { PublicUser } from "../model/vocabulary";
import { authorize } from "../courses/access";
import { countsAtCommit } from "./counts";
import { holdRecord, holdSession } from "./locks";
import { findRecordRow, recordDto, unmarkedStudents } from "./records";
import { loadSession } from "./sessions";

/** The statuses "mark remaining" may set: the ones a teacher decides for students who did not come. */
export const BULK_STATUSES = ["absent", "excused"] as const;
export type BulkStatus = (typeof BULK_STATUSES)[number];

/** The most students one undo may name: far above any course, low enough to bound the statement. */
const MAX_UNDO = 5000;

export const markRemainingSchema = z.object({
  status: z.enum(BULK_STATUSES),
  // Only the students without a record: the one behaviour there is, named so a client says what it means.
  onlyUnmarked: z.literal(true).optional().default(true),
});

export const undoRemainingSchema = z.object({
  status: z.enum(BULK_STATUSES),
  /** The `at` the bulk action answered with. */
  at: z.iso.datetime(),
  studentIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_UNDO),
});

export type BulkResult = {
  status: BulkStatus;
  /** When the records were written: with the ids, what an undo names. */
  at: string;
  marked: string[];
  counts: Counts;
};

export type UndoResult = {
  /** Back to "not yet": the records the bulk action wrote and nobody changed since. */
  undone: string[];
  /** Named but kept: changed since (another mark, a note), or never written by that action. */
  kept: string[];
  counts: Counts;
};

/** Locks each record in one order, so two bulk writers of a session never wait for each other in a circle. */
async function holdRecords(tx: Transaction, sessionId: string, studentIds: readonly string[]): Promise<void> {
  for (const id of [...new Set(studentIds)].sort()) await holdRecord(tx, sessionId, id);
}

/**
 * "Mark remaining": every approved student of the session's course who has no
 * record yet gets `status`, in one transaction, each audited as an ordinary
 * mark (from nothing). Consoles hear one `attendance.marked` per student, each
 * with the counts as they are after it, so the last one matches the commit.
 */
export async function markRemaining(actor: PublicUser, sessionId: string, input: z.infer<typeof markRemainingSchema>): Promise<BulkResult> {
  const { session } = await loadSession(sessionId);
  await authorize(actor.id, session.courseId, "attendance.mark");
  const courseId = session.courseId;
  return getDb().transaction(async (tx) => {
    await holdSession(tx, sessionId, "shared");
    const candidates = (await tx.all<{ subject_id: string }>(unmarkedStudents(sessionId, courseId))).map((r) => r.subject_id);
    // A student's record is written by one transaction at a time (lib/attendance/locks.ts): a check-in or mark
    // racing this one either lands first (and the insert skips that student) or waits and sees the bulk mark.
    await holdRecords(tx, sessionId, candidates);
    const t = now();
    const inserted = await tx.all<{ studentId: string }>(sql`
      INSERT INTO attendance_records (session_id, student_id, status, method, marked_by, flagged, created_at, updated_at)
      SELECT ${sessionId}, unmarked.subject_id, ${input.status}, 'manual', ${actor.id}, ${false}, ${t}, ${t}
      FROM (${unmarkedStudents(sessionId, courseId)}) unmarked
      WHERE TRUE -- SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT
      ON CONFLICT DO NOTHING
      RETURNING student_id AS "studentId"`);
    const marked = inserted.map((r) => r.studentId).sort();
    for (const studentId of marked) {
      await audit(tx, { at: t, actorId: actor.id, entity: "record", action: "mark", sessionId, courseId, subjectId: studentId, from: null, to: input.status });
    }
    const counts = await countsAtCommit(tx, sessionId, courseId);
    // Every one was an approved student without a record: the k-th event's counts are the final ones
    // with the marks after it still unmarked.
    for (const [i, studentId] of marked.entries()) {
      const later = marked.length - 1 - i;
      const record = recordDto((await findRecordRow(sessionId, studentId, tx))!);
      publish(tx, {
        type: "attendance.marked", courseId, sessionId, record, previous: null, via: "mark",
        counts: { ...counts, [input.status]: counts[input.status] - later, unmarked: counts.unmarked + later },
      });
    }
    return { status: input.status, at: new Date(t).toISOString(), marked, counts };
  });
}

/**
 * Takes back a "mark remaining": of the named students, the records that
 * action wrote (by this staff member, at that moment, with that status) and
 * that nobody changed since are deleted — the students are "not yet" again —
 * each audited as a mark from the status to nothing. Anything else is kept.
 */
export async function undoRemaining(actor: PublicUser, sessionId: string, input: z.infer<typeof undoRemainingSchema>): Promise<UndoResult> {
  const { session } = await loadSession(sessionId);
  await authorize(actor.id, session.courseId, "attendance.mark");
  const courseId = session.courseId;
  const at = Date.parse(input.at);
  const named = [...new Set(input.studentIds)].sort();
  return getDb().transaction(async (tx) => {
    await holdSession(tx, sessionId, "shared");
    await holdRecords(tx, sessionId, named);
    const ids = sql.join(named.map((id) => sql`${id}`), sql`, `);
    // created_at = updated_at = the action's moment: written by it and not touched since (a mark or note moves updated_at).
    const deleted = await tx.all<{ studentId: string }>(sql`
      DELETE FROM attendance_records
      WHERE session_id = ${sessionId} AND student_id IN (${ids}) AND method = 'manual' AND status = ${input.status}
        AND marked_by = ${actor.id} AND created_at = ${at} AND updated_at = ${at} AND note IS NULL AND flagged = ${false}
      RETURNING student_id AS "studentId"`);
    const undone = deleted.map((r) => r.studentId).sort();
    const t = now();
    for (const studentId of undone) {
      await audit(tx, { at: t, actorId: actor.id, entity: "record", action: "mark", sessionId, courseId, subjectId: studentId, from: input.status, to: null });
    }
    const counts = await countsAtCommit(tx, sessionId, courseId);
    for (const studentId of undone) {
      publish(tx, { type: "attendance.unmarked", courseId, sessionId, studentId, previous: input.status, at: new Date(t).toISOString(), counts });
    }
    const gone = new Set(undone);
    return { undone, kept: named.filter((id) => !gone.has(id)), counts };
  });
}
