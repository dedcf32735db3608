import { sql } from "drizzle-orm";
import { audit, auditEach } from "../audit";
import { now } from "../clock";
import { getDb, isUniqueViolation, type Queryable } from "../db/client";
import type { Transaction } from "../db/database";
import type { Session } from "../db/schema";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { publish } from "../events";
import { newId, newSecret } from "../ids";
import type { CodeDto, Counts, SessionDto } from "../model/attendance";
import type { StartSessionInput } from "../model/settings";
import type { PublicUser } from "../model/vocabulary";
import { authorize, lockCourse } from "../courses/access";
import { snapshot, type CodeSource } from "./codes";
import { countsAtCommit } from "./counts";
import { holdSession } from "./locks";
import { autoAbsentees, insertAutoAbsent } from "./records";
import { approvedStudentIds, loadSession, sessionDto, type SessionWithCourse } from "./sessions";

/** Opens a session with the course's defaults (or the given overrides). One active session per course. */
export async function startSession(actor: PublicUser, courseId: string, input: StartSessionInput): Promise<SessionDto> {
  const db = getDb();
  const { course } = await authorize(actor.id, courseId, "session.run");
  const t = now();
  const session: Session = {
    id: newId(),
    courseId,
    title: input.title || null,
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
  const dto = sessionDto(session, course);
  const activeId = async (q: Queryable = db) =>
    (await q.get<{ id: string }>(sql`SELECT id FROM sessions WHERE course_id = ${courseId} AND status = 'active'`))?.id;
  try {
    await db.transaction(async (tx) => {
      // An archived course starts nothing, even when the archive committed a moment ago.
      await lockCourse(tx, courseId, { requireOpen: true });
      const existing = await activeId(tx);
      if (existing) throw new AppError("session_already_active", undefined, { sessionId: existing });
      await tx.run(sql`
        INSERT INTO sessions (id, course_id, title, status, started_at, late_after_minutes, close_after_minutes, rotation_seconds,
                              code_rotation_seconds, secret, code_epoch, code_anchor_at, started_by)
        VALUES (${session.id}, ${courseId}, ${session.title}, 'active', ${t}, ${session.lateAfterMinutes}, ${session.closeAfterMinutes},
                ${session.rotationSeconds}, ${session.codeRotationSeconds}, ${session.secret}, 0, ${t}, ${actor.id})`);
      await audit(tx, { at: t, actorId: actor.id, entity: "session", action: "start", sessionId: session.id, courseId, subjectId: session.id, to: "active" });
      publish(tx, { type: "session.started", session: dto, studentIds: await approvedStudentIds(courseId, tx) });
    });
  } catch (e) {
    // The partial unique index is the last word when two starts race.
    if (isUniqueViolation(e)) throw new AppError("session_already_active", undefined, { sessionId: await activeId() });
    throw e;
  }
  return dto;
}

/** Ends the session: every approved student still unmarked becomes absent, each audited, in one transaction. */
export async function endSession(actor: PublicUser, sessionId: string): Promise<{ session: SessionDto; counts: Counts }> {
  const loaded = await loadSession(sessionId);
  await authorize(actor.id, loaded.session.courseId, "session.run");
  if (loaded.session.status === "ended") throw new AppError("session_ended");
  return getDb().transaction((tx) => endActiveSession(tx, actor, loaded, now()));
}

/**
 * The one way a session ends, inside the caller's transaction: by staff, or
 * when its course is archived. `session_ended` when it ended already.
 */
export async function endActiveSession(
  tx: Transaction,
  actor: PublicUser,
  { session, course }: SessionWithCourse,
  notBefore: number,
): Promise<{ session: SessionDto; counts: Counts }> {
  const sessionId = session.id;
  // Alone on the session: check-ins and marks in flight finish first, later ones see it ended.
  await holdSession(tx, sessionId, "exclusive");
  // The moment of the end is taken once those are in: no accepted scan is later than the end.
  const t = Math.max(notBefore, now());
  const changed = await tx.run(sql`
    UPDATE sessions SET status = 'ended', ended_at = ${t}, ended_by = ${actor.id}
    WHERE id = ${sessionId} AND status = 'active'`);
  if (changed === 0) throw new AppError("session_ended");
  const ended = sessionDto({ ...session, status: "ended", endedAt: t, endedBy: actor.id }, course);
  const scope = { at: t, actorId: actor.id, sessionId, courseId: session.courseId };
  await insertAutoAbsent(tx, sessionId, session.courseId, actor.id, t);
  // One audit event per absence written just now: only an end writes method 'auto', and a session ends once.
  await auditEach(tx, { ...scope, entity: "record", action: "auto_absent", from: null, to: "absent" }, autoAbsentees(sessionId));
  await audit(tx, { ...scope, entity: "session", action: "end", subjectId: sessionId, from: "active", to: "ended" });
  const counts = await countsAtCommit(tx, sessionId, session.courseId);
  publish(tx, { type: "session.ended", session: ended, counts, studentIds: await approvedStudentIds(session.courseId, tx) });
  return { session: ended, counts };
}

/** The code a console shows now; staff only, active sessions only. */
export async function currentCode(actor: PublicUser, sessionId: string): Promise<CodeDto> {
  const { session } = await loadSession(sessionId);
  await authorize(actor.id, session.courseId, "session.run");
  if (session.status === "ended") throw new AppError("session_ended");
  return codeNow(session);
}

/** The token, link and 6-digit code of this moment, without the session id. */
export function codeNow(source: CodeSource): CodeDto {
  const { sessionId: _id, ...code } = snapshot(source, getEnv().APP_URL, now());
  void _id;
  return code;
}

/** Bumps the epoch and re-anchors the windows: every earlier token and code dies at once. */
export async function regenerateCode(actor: PublicUser, sessionId: string): Promise<CodeDto> {
  const { session } = await loadSession(sessionId);
  await authorize(actor.id, session.courseId, "session.run");
  if (session.status === "ended") throw new AppError("session_ended");
  const t = now();
  const next = await getDb().transaction(async (tx) => {
    // Read the epoch inside the transaction: two regenerations must not reuse one epoch.
    const row = await tx.get<{ codeEpoch: number; status: string }>(sql`
      UPDATE sessions SET code_epoch = code_epoch + 1, code_anchor_at = ${t}
      WHERE id = ${sessionId} AND status = 'active' RETURNING code_epoch AS "codeEpoch", status`);
    if (!row) throw new AppError("session_ended");
    await audit(tx, {
      at: t, actorId: actor.id, entity: "session", action: "regenerate_code", sessionId, courseId: session.courseId,
      subjectId: sessionId, from: String(row.codeEpoch - 1), to: String(row.codeEpoch),
    });
    publish(tx, { type: "session.codeChanged", sessionId, courseId: session.courseId });
    return { ...session, codeEpoch: Number(row.codeEpoch), codeAnchorAt: t };
  });
  return codeNow(next);
}
