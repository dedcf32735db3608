import { z } from "zod";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb } from "../db/client";
import type { Course, Session } from "../db/schema";
import { AppError, isAppError } from "../errors";
import { publish } from "../events";
import type { CheckinResult, FlaggedDto, RecordDto } from "../model/attendance";
import { courseLabel, courseShortName } from "../model/course";
import { parseQrToken } from "../model/qr-token";
import { isStaff, type EnrollmentStatus, type PublicUser } from "../model/vocabulary";
import { courseAccess } from "../courses/access";
import { matchCode, verifyToken } from "./codes";
import { countsAfterCheckin } from "./counts";
import { reserveCodeAttempt } from "./limits";
import { holdRecord, holdSession } from "./locks";
import { deviceOwner, findRecordRow, flagRecord, insertCheckin, recordDto } from "./records";
import { activeSessions, closesAt, loadSession, sessionStatus, sessionsEndedSince } from "./sessions";

export const checkinSchema = z
  .object({
    token: z.string().max(256).optional(),
    code: z.union([z.string().max(32), z.number()]).optional(),
  })
  .refine((b) => (b.token === undefined) !== (b.code === undefined), { message: "Send either token or code." });

export type CheckinInput = z.infer<typeof checkinSchema>;

export type CheckinContext = {
  user: PublicUser;
  deviceId: string | null;
  ip: string;
  userAgent: string | null;
  /** When a held QR link is completed after sign-in: the moment of the scan (SPEC §3). */
  scannedAt?: number;
};

/** The reply, and whether this call wrote the record (201) or found it (200). */
export type CheckinOutcome = { result: CheckinResult; created: boolean; courseId: string };

type Resolved = { session: Session; course: Course; method: "qr" | "code" };

const CODE_FAILURES = new Set(["invalid_code", "code_not_found", "code_expired"]);

/**
 * The one check-in path for REST and Socket.IO: validate the QR token or the
 * 6-digit code, the enrollment and the session's windows, then insert the
 * record in a transaction. Resolves only after the commit; the facts it
 * publishes reach the console after that.
 */
export async function checkIn(input: CheckinInput, ctx: CheckinContext): Promise<CheckinOutcome> {
  const scannedAt = ctx.scannedAt ?? now();
  let resolved: Resolved;
  if (input.token !== undefined) {
    resolved = await resolveToken(input.token, scannedAt, ctx.user.id);
  } else {
    const attempt = await reserveCodeAttempt({ studentId: ctx.user.id, deviceId: ctx.deviceId, ip: ctx.ip });
    try {
      resolved = await resolveCode(String(input.code), ctx.user.id, scannedAt);
    } catch (e) {
      await (e instanceof AppError && CODE_FAILURES.has(e.code) ? attempt.failed() : attempt.release());
      throw e;
    }
    await attempt.release();
  }
  return commitCheckin(resolved, ctx, scannedAt);
}

/** Validates a QR token without checking anyone in: used to hold a signed-out student's scan. */
export async function assertTokenLive(token: string, t: number): Promise<{ sessionId: string; courseName: string; courseCode: string | null }> {
  const r = await resolveToken(token, t);
  return { sessionId: r.session.id, courseName: r.course.name, courseCode: r.course.code };
}

async function resolveToken(token: string, t: number, studentId?: string): Promise<Resolved> {
  const parsed = parseQrToken(token.trim());
  if (!parsed) throw new AppError("invalid_code", "This is not a Rollcall QR code.");
  let row: { session: Session; course: Course };
  try {
    row = await loadSession(parsed.sessionId);
  } catch (e) {
    // Only a session that does not exist makes the code invalid; a database that did not answer is our failure.
    if (isAppError(e) && e.code === "not_found") throw new AppError("invalid_code", "This QR code is not valid.");
    throw e;
  }
  const verdict = verifyToken(row.session, parsed, t);
  if (verdict === "forged") throw new AppError("invalid_code", "This QR code is not valid.");
  if (row.session.status === "ended") throw new AppError("session_ended", endedMessage(row.course));
  // A genuine but stale QR from someone already checked in (a reopened tab, a
  // second scan) answers with their record, as any repeat check-in does.
  if (verdict === "expired" && !(studentId && (await findRecordRow(row.session.id, studentId)))) throw new AppError("code_expired");
  return { ...row, method: "qr" };
}

async function resolveCode(raw: string, studentId: string, t: number): Promise<Resolved> {
  const code = raw.trim().replace(/\s|-/g, "");
  if (!/^\d{6}$/.test(code)) throw new AppError("invalid_code");
  const active = await activeSessions();
  // The expired lookback costs four more HMACs per session: only when nothing is live.
  const valid = active.filter((s) => matchCode(s, code, t, false) === "valid");
  if (valid.length === 0) {
    const expired = active.some((s) => matchCode(s, code, t) === "expired");
    const ended = await endedSessionShowing(code, studentId, t);
    if (ended) throw new AppError("session_ended", endedMessage(ended));
    if (expired) throw new AppError("code_expired", "That code has expired. Type the code that is on the screen now.");
    throw new AppError("code_not_found");
  }
  let pick = valid;
  if (valid.length > 1) {
    // Two sessions share this code: the student's enrollments decide.
    const mine = await Promise.all(valid.map(async (s) => (await courseAccess(studentId, s.courseId))?.role === "student"));
    pick = valid.filter((_, i) => mine[i]);
    if (pick.length !== 1) throw new AppError("ambiguous_code");
  }
  return { ...(await loadSession(pick[0].id)), method: "code" };
}

/** How long after an end a typed code still earns "ended" rather than "not found". */
const ENDED_CODE_LOOKBACK_MS = 60 * 60_000;

/**
 * A student typing the code that was on the screen when the teacher ended the
 * session should hear that it ended, as with the QR. Only for a course the
 * student belongs to, so a guess learns nothing about other courses.
 */
async function endedSessionShowing(code: string, studentId: string, t: number): Promise<Course | null> {
  for (const s of await sessionsEndedSince(t - ENDED_CODE_LOOKBACK_MS)) {
    if (s.endedAt === null || matchCode(s, code, s.endedAt) !== "valid") continue;
    const access = await courseAccess(studentId, s.courseId);
    if (access && (access.role !== null || access.enrollmentStatus !== null)) return access.course;
  }
  return null;
}

function endedMessage(course: Pick<Course, "name" | "code">): string {
  return `Attendance for ${courseShortName(course)} has already ended.`;
}

type Committed =
  | { kind: "created"; record: RecordDto }
  | { kind: "existing"; record: RecordDto }
  | { kind: "flagged"; flag: FlaggedDto };

async function commitCheckin({ session, course, method }: Resolved, ctx: CheckinContext, scannedAt: number): Promise<CheckinOutcome> {
  const { user } = ctx;
  const access = (await courseAccess(user.id, course.id))!;
  if (isStaff(access.role)) throw new AppError("forbidden", "You teach this course; students check in, not staff.");
  if (access.role !== "student") {
    throw new AppError("not_enrolled", notEnrolledMessage(course, access.enrollmentStatus), {
      courseId: course.id,
      courseName: course.name,
      courseCode: course.code,
      canRequest: access.enrollmentStatus === null || access.enrollmentStatus === "dropped",
    });
  }
  const t = now();
  const committed = await getDb().transaction(async (tx): Promise<Committed> => {
    await Promise.all([holdSession(tx, session.id, "shared"), holdRecord(tx, session.id, user.id)]);
    const existing = await findRecordRow(session.id, user.id, tx);
    // An end that committed a moment ago (after this code was validated) wrote
    // an automatic absent: the student hears that the session ended.
    if (existing?.method === "auto") throw new AppError("session_ended", endedMessage(course));
    if (existing) return { kind: "existing", record: recordDto(existing) };
    // Session state is re-read inside the transaction: an end that committed a
    // moment ago wins over a check-in that validated its code before it.
    if ((await sessionStatus(session.id, tx)) !== "active") throw new AppError("session_ended", endedMessage(course));
    const closes = closesAt(session);
    if (closes !== null && scannedAt > closes) {
      const minutes = session.closeAfterMinutes!;
      throw new AppError(
        "checkin_closed",
        `Check-in for ${courseShortName(course)} closed ${minutes} minute${minutes === 1 ? "" : "s"} after the start. Talk to your teacher.`,
      );
    }
    const elapsed = scannedAt - session.startedAt;
    const late = elapsed > session.lateAfterMinutes * 60_000;
    const status = late ? "late" : "present";
    // At least 1: "late by 0 minutes" would read as not late (lateAfterMinutes may be 0).
    const lateMinutes = late ? Math.max(1, Math.floor(elapsed / 60_000)) : null;
    const inserted = await insertCheckin(tx, {
      sessionId: session.id,
      studentId: user.id,
      studentName: user.name,
      status,
      method,
      checkedInAt: scannedAt,
      lateMinutes,
      deviceId: ctx.deviceId,
      ip: ctx.ip,
      userAgent: ctx.userAgent?.slice(0, 300) ?? null,
      at: t,
    });
    if (!inserted) {
      // A unique index refused the row: the student's own record (written by a
      // racing request) or another student's check-in from this device.
      const raced = await findRecordRow(session.id, user.id, tx);
      if (raced?.method === "auto") throw new AppError("session_ended", endedMessage(course));
      if (raced) return { kind: "existing", record: recordDto(raced) };
      const other = ctx.deviceId ? await deviceOwner(tx, session.id, ctx.deviceId, user.id) : undefined;
      if (!other) throw new Error("check-in refused by the database for no known reason");
      const flag: FlaggedDto = {
        sessionId: session.id,
        studentId: user.id,
        studentName: user.name,
        reason: "device_already_used",
        at: new Date(t).toISOString(),
        otherStudentId: other.studentId,
        otherStudentName: other.name,
      };
      await flagRecord(tx, session.id, other.studentId, t);
      await audit(tx, {
        at: t, actorId: user.id, entity: "record", action: "checkin_flagged", sessionId: session.id, courseId: course.id,
        subjectId: user.id, from: other.studentId, to: "device_already_used",
      });
      publish(tx, { type: "attendance.flagged", courseId: course.id, flag });
      return { kind: "flagged", flag };
    }
    await audit(tx, { at: t, actorId: user.id, entity: "record", action: "checkin", sessionId: session.id, courseId: course.id, subjectId: user.id, to: status });
    const record = recordDto(inserted);
    const counts = await countsAfterCheckin(tx, session.id, course.id, status);
    publish(tx, { type: "attendance.marked", courseId: course.id, sessionId: session.id, record, counts, previous: null, via: "checkin" });
    return { kind: "created", record };
  });

  if (committed.kind === "flagged") {
    // The flag and its audit event are committed; the student is refused.
    throw new AppError(
      "device_already_used",
      "This phone was already used to check in another student in this session. Each student checks in on their own device.",
    );
  }
  const info = { id: session.id, title: session.title, startedAt: new Date(session.startedAt).toISOString(), courseName: course.name, courseCode: course.code };
  return {
    result: { record: committed.record, session: info, alreadyCheckedIn: committed.kind === "existing" },
    created: committed.kind === "created",
    courseId: course.id,
  };
}

function notEnrolledMessage(course: Pick<Course, "name" | "code">, status: EnrollmentStatus | null): string {
  const name = courseLabel(course);
  if (status === "pending") return `Your request to join ${name} is waiting for the teacher's approval.`;
  if (status === "rejected") return `Your request to join ${name} was declined. Talk to your teacher.`;
  return `You are not enrolled in ${name}.`;
}
