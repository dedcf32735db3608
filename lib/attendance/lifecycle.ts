import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { AppError } from "../api/errors";
import type { PublicUser } from "../auth/users";
import { now } from "../clock";
import { getDb } from "../db/client";
import { auditEvents, enrollments, sessions, type Session } from "../db/schema";
import { getEnv } from "../env";
import { newId, newSecret } from "../ids";
import { requireStaff } from "../courses/access";
import { courseSettingsSchema } from "../courses/service";
import { afterCommit, clearStats, emitCode, emitEnded, emitStarted } from "../realtime/broadcast";
import { startRotation, stopRotation } from "../realtime/rotation";
import { snapshot } from "./codes";
import { getCounts, invalidateCounts, loadSession, sessionDto } from "./queries";
import type { CodeDto, Counts, SessionDto } from "./types";

export const startSessionSchema = z.object({
  title: z.string().trim().max(120).optional(),
  lateAfterMinutes: courseSettingsSchema.lateAfterMinutes.optional(),
  closeAfterMinutes: courseSettingsSchema.closeAfterMinutes.optional(),
  rotationSeconds: courseSettingsSchema.rotationSeconds.optional(),
  codeRotationSeconds: courseSettingsSchema.codeRotationSeconds.optional(),
});

function defaultTitle(t: number): string {
  return new Date(t).toLocaleString("en-US", { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function startSession(actor: PublicUser, courseId: string, input: z.infer<typeof startSessionSchema>): SessionDto {
  const { course } = requireStaff(actor.id, courseId);
  const db = getDb();
  const t = now();
  const session: Session = {
    id: newId(),
    courseId,
    title: input.title || defaultTitle(t),
    status: "active",
    startedAt: t,
    endedAt: null,
    lateAfterMinutes: input.lateAfterMinutes ?? course.lateAfterMinutes,
    closeAfterMinutes: input.closeAfterMinutes === undefined ? course.closeAfterMinutes : input.closeAfterMinutes,
    rotationSeconds: input.rotationSeconds ?? course.rotationSeconds,
    codeRotationSeconds: input.codeRotationSeconds ?? course.codeRotationSeconds,
    secret: newSecret(),
    codeEpoch: 0,
    codeAnchorAt: t,
    startedBy: actor.id,
    endedBy: null,
  };
  const activeId = () =>
    db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.courseId, courseId), eq(sessions.status, "active"))).get()?.id;
  try {
    db.transaction((tx) => {
      const existing = activeId();
      if (existing) throw new AppError("session_already_active", undefined, { sessionId: existing });
      tx.insert(sessions).values(session).run();
      tx.insert(auditEvents).values({ at: t, actorId: actor.id, entity: "session", action: "start", sessionId: session.id, courseId, subjectId: session.id, toValue: "active" }).run();
    });
  } catch (e) {
    // The partial unique index is the last word when two starts race.
    if (String((e as Error).message).includes("UNIQUE")) {
      throw new AppError("session_already_active", undefined, { sessionId: activeId() });
    }
    throw e;
  }
  const dto = sessionDto(session, course);
  afterCommit("session start", () => {
    startRotation(session);
    emitStarted(dto, approvedStudentIds(courseId));
  });
  return dto;
}

function approvedStudentIds(courseId: string): string[] {
  return getDb()
    .select({ id: enrollments.studentId })
    .from(enrollments)
    .where(and(eq(enrollments.courseId, courseId), eq(enrollments.status, "approved")))
    .all()
    .map((r) => r.id);
}

export function endSession(actor: PublicUser, sessionId: string): { session: SessionDto; counts: Counts } {
  const { session, course } = loadSession(sessionId);
  requireStaff(actor.id, session.courseId);
  if (session.status === "ended") throw new AppError("session_ended");
  const db = getDb();
  const t = now();
  db.transaction((tx) => {
    const changed = tx
      .update(sessions)
      .set({ status: "ended", endedAt: t, endedBy: actor.id })
      .where(and(eq(sessions.id, sessionId), eq(sessions.status, "active")))
      .run().changes;
    if (changed === 0) throw new AppError("session_ended");
    // Everyone approved and still unmarked becomes absent, each with its audit event.
    const c = db.$client;
    c.prepare(
      `INSERT INTO audit_events (at, actor_id, entity, action, session_id, course_id, subject_id, from_value, to_value)
       SELECT ?, ?, 'record', 'auto_absent', ?, ?, e.student_id, NULL, 'absent' FROM enrollments e
       WHERE e.course_id = ? AND e.status = 'approved'
         AND NOT EXISTS (SELECT 1 FROM attendance_records r WHERE r.session_id = ? AND r.student_id = e.student_id)`,
    ).run(t, actor.id, sessionId, session.courseId, session.courseId, sessionId);
    c.prepare(
      `INSERT INTO attendance_records (session_id, student_id, status, method, marked_by, flagged, created_at, updated_at)
       SELECT ?, e.student_id, 'absent', 'auto', ?, 0, ?, ? FROM enrollments e
       WHERE e.course_id = ? AND e.status = 'approved'
         AND NOT EXISTS (SELECT 1 FROM attendance_records r WHERE r.session_id = ? AND r.student_id = e.student_id)`,
    ).run(sessionId, actor.id, t, t, session.courseId, sessionId);
    tx.insert(auditEvents).values({ at: t, actorId: actor.id, entity: "session", action: "end", sessionId, courseId: session.courseId, subjectId: sessionId, fromValue: "active", toValue: "ended" }).run();
  });
  invalidateCounts(sessionId);
  stopRotation(sessionId);
  clearStats(sessionId);
  const counts = getCounts(sessionId, session.courseId);
  const dto = sessionDto({ ...session, status: "ended", endedAt: t, endedBy: actor.id }, course);
  afterCommit("session end", () => emitEnded(sessionId, dto.endedAt!, counts, approvedStudentIds(session.courseId)));
  return { session: dto, counts };
}

export function currentCode(actor: PublicUser, sessionId: string): CodeDto {
  const { session } = loadSession(sessionId);
  requireStaff(actor.id, session.courseId);
  if (session.status === "ended") throw new AppError("session_ended");
  return codeOf(session);
}

export function codeOf(session: Session): CodeDto {
  const { sessionId: _id, ...code } = snapshot(session, getEnv().APP_URL, now());
  void _id;
  return code;
}

/** Bumps the epoch and re-anchors the windows: every earlier token and code dies at once. */
export function regenerateCode(actor: PublicUser, sessionId: string): CodeDto {
  const { session } = loadSession(sessionId);
  requireStaff(actor.id, session.courseId);
  if (session.status === "ended") throw new AppError("session_ended");
  const db = getDb();
  const t = now();
  const next = { ...session, codeEpoch: session.codeEpoch + 1, codeAnchorAt: t };
  db.transaction((tx) => {
    tx.update(sessions).set({ codeEpoch: next.codeEpoch, codeAnchorAt: t }).where(eq(sessions.id, sessionId)).run();
    tx.insert(auditEvents).values({ at: t, actorId: actor.id, entity: "session", action: "regenerate_code", sessionId, courseId: session.courseId, subjectId: sessionId, fromValue: String(session.codeEpoch), toValue: String(next.codeEpoch) }).run();
  });
  const code = codeOf(next);
  afterCommit("code regeneration", () => {
    startRotation(next, false);
    emitCode(sessionId, code);
  });
  return code;
}

export function listCourseSessions(actor: PublicUser, courseId: string) {
  const { course } = requireStaff(actor.id, courseId);
  return getDb()
    .select()
    .from(sessions)
    .where(eq(sessions.courseId, courseId))
    .orderBy(desc(sessions.startedAt))
    .all()
    .map((s) => ({ ...sessionDto(s, course), counts: getCounts(s.id, courseId) }));
}
