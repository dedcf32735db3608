import { and, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { AppError } from "../api/errors";
import type { PublicUser } from "../auth/users";
import { now } from "../clock";
import { getDb } from "../db/client";
import { prepared } from "../db/prepared";
import { sessions, type Course, type Session } from "../db/schema";
import { courseAccess, isStaff } from "../courses/access";
import { afterCommit, emitFlagged, emitMarked } from "../realtime/broadcast";
import { matchCode, parseToken, verifyToken } from "./codes";
import { reserveCodeAttempt } from "./limits";
import { activeSessions, countNewRecord, loadSession, recordDto } from "./queries";
import type { CheckinResult, FlaggedDto, RecordDto } from "./types";

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

export type CheckinOutcome = CheckinResult & { created: boolean };

type Resolved = { session: Session; course: Course; method: "qr" | "code" };

const CODE_FAILURES = new Set(["invalid_code", "code_not_found", "code_expired"]);

/**
 * The one check-in path for REST and Socket.IO: validate the QR token or the
 * 6-digit code, the enrollment and the session's windows, then insert the
 * record in a transaction. Returns only after the commit; broadcasts after that
 * and never lets one fail the check-in.
 */
export async function checkIn(input: CheckinInput, ctx: CheckinContext): Promise<CheckinOutcome> {
  const scannedAt = ctx.scannedAt ?? now();
  let resolved: Resolved;
  if (input.token !== undefined) {
    resolved = resolveToken(input.token, scannedAt, ctx.user.id);
  } else {
    const attempt = await reserveCodeAttempt({ studentId: ctx.user.id, deviceId: ctx.deviceId, ip: ctx.ip });
    try {
      resolved = resolveCode(String(input.code), ctx.user.id, scannedAt);
    } catch (e) {
      if (!(e instanceof AppError && CODE_FAILURES.has(e.code))) await attempt.release();
      throw e;
    }
    await attempt.release();
  }
  return commitCheckin(resolved, ctx, scannedAt);
}

/** Validates a QR token without checking anyone in: used to hold a signed-out student's scan. */
export function assertTokenLive(token: string, t: number): { sessionId: string; courseName: string; courseCode: string | null } {
  const r = resolveToken(token, t);
  return { sessionId: r.session.id, courseName: r.course.name, courseCode: r.course.code };
}

function resolveToken(token: string, t: number, studentId?: string): Resolved {
  const parsed = parseToken(token.trim());
  if (!parsed) throw new AppError("invalid_code", "This is not a Rollcall QR code.");
  let row: { session: Session; course: Course };
  try {
    row = loadSession(parsed.sessionId);
  } catch {
    throw new AppError("invalid_code", "This QR code is not valid.");
  }
  const verdict = verifyToken(row.session, parsed, t);
  if (verdict === "forged") throw new AppError("invalid_code", "This QR code is not valid.");
  if (row.session.status === "ended") throw new AppError("session_ended", endedMessage(row.course));
  // A genuine but stale QR from someone already checked in (a reopened tab, a
  // second scan) answers with their record, as any repeat check-in does.
  if (verdict === "expired" && !(studentId && hasRecord(row.session.id, studentId))) throw new AppError("code_expired");
  return { ...row, method: "qr" };
}

function resolveCode(raw: string, studentId: string, t: number): Resolved {
  const code = raw.trim().replace(/\s|-/g, "");
  if (!/^\d{6}$/.test(code)) throw new AppError("invalid_code");
  const active = activeSessions();
  // The expired lookback costs four more HMACs per session: only when nothing is live.
  const valid = active.filter((s) => matchCode(s, code, t, false) === "valid");
  if (valid.length === 0) {
    const expired = active.some((s) => matchCode(s, code, t) === "expired");
    const ended = endedSessionShowing(code, studentId, t);
    if (ended) throw new AppError("session_ended", endedMessage(ended.course));
    if (expired) throw new AppError("code_expired", "That code has expired. Type the code that is on the screen now.");
    throw new AppError("code_not_found");
  }
  let pick = valid;
  if (valid.length > 1) {
    // Two sessions share this code: the student's enrollments decide.
    pick = valid.filter((s) => courseAccess(studentId, s.courseId)?.role === "student");
    if (pick.length !== 1) throw new AppError("ambiguous_code");
  }
  const row = loadSession(pick[0].id);
  return { ...row, method: "code" };
}

function hasRecord(sessionId: string, studentId: string): boolean {
  return stmts().existing.get(sessionId, studentId) !== undefined;
}

/** How long after an end a typed code still earns "ended" rather than "not found". */
const ENDED_CODE_LOOKBACK_MS = 60 * 60_000;

/**
 * A student typing the code that was on the screen when the teacher ended the
 * session should hear that it ended, as with the QR. Only for a course the
 * student belongs to, so a guess learns nothing about other courses.
 */
function endedSessionShowing(code: string, studentId: string, t: number): { course: Course } | null {
  const recent = getDb()
    .select()
    .from(sessions)
    .where(and(eq(sessions.status, "ended"), gt(sessions.endedAt, t - ENDED_CODE_LOOKBACK_MS)))
    .all();
  for (const s of recent) {
    if (s.endedAt === null || matchCode(s, code, s.endedAt) !== "valid") continue;
    const access = courseAccess(studentId, s.courseId);
    if (access && (access.role !== null || access.enrollmentStatus !== null)) return { course: access.course };
  }
  return null;
}

function endedMessage(course: Course): string {
  return `Attendance for ${course.code ?? course.name} has already ended.`;
}

/** The check-in statements, prepared once per connection. */
const stmts = prepared("checkin.statements", (db) => {
  const c = db.$client;
  return {
    existing: c.prepare(`SELECT * FROM attendance_records WHERE session_id = ? AND student_id = ?`),
    deviceOwner: c.prepare(
      `SELECT r.student_id AS studentId, u.name AS name FROM attendance_records r JOIN users u ON u.id = r.student_id
       WHERE r.session_id = ? AND r.device_id = ? AND r.student_id <> ? LIMIT 1`,
    ),
    insert: c.prepare(
      `INSERT INTO attendance_records (session_id, student_id, status, method, checked_in_at, late_minutes, device_id, ip, user_agent, flagged, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    ),
    audit: c.prepare(
      `INSERT INTO audit_events (at, actor_id, entity, action, session_id, course_id, subject_id, from_value, to_value)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    sessionStatus: c.prepare(`SELECT status FROM sessions WHERE id = ?`).pluck(),
    flagRecord: c.prepare(`UPDATE attendance_records SET flagged = 1, updated_at = ? WHERE session_id = ? AND student_id = ?`),
  };
});

type RawRecord = {
  session_id: string; student_id: string; status: RecordDto["status"]; method: RecordDto["method"];
  checked_in_at: number | null; late_minutes: number | null; marked_by: string | null; note: string | null;
  device_id: string | null; ip: string | null; user_agent: string | null; flagged: number; created_at: number; updated_at: number;
};

function fromRaw(r: RawRecord, name: string): RecordDto {
  return recordDto(
    {
      sessionId: r.session_id, studentId: r.student_id, status: r.status, method: r.method, checkedInAt: r.checked_in_at,
      lateMinutes: r.late_minutes, markedBy: r.marked_by, note: r.note, deviceId: r.device_id, ip: r.ip,
      userAgent: r.user_agent, flagged: Boolean(r.flagged), createdAt: r.created_at, updatedAt: r.updated_at,
    },
    name,
  );
}

function commitCheckin({ session, course, method }: Resolved, ctx: CheckinContext, scannedAt: number): CheckinOutcome {
  const { user } = ctx;
  const sessionInfo = { id: session.id, title: session.title, courseName: course.name, courseCode: course.code };
  const access = courseAccess(user.id, course.id)!;
  if (isStaff(access.role)) throw new AppError("forbidden", "You teach this course; students check in, not staff.");
  if (access.role !== "student") {
    const canRequest = access.enrollmentStatus === null || access.enrollmentStatus === "dropped";
    throw new AppError("not_enrolled", notEnrolledMessage(course, access.enrollmentStatus), {
      courseId: course.id,
      courseName: course.name,
      courseCode: course.code,
      canRequest,
    });
  }
  const s = stmts();
  const db = getDb().$client;
  const t = now();
  let flag: FlaggedDto | null = null;

  const outcome = db.transaction((): CheckinOutcome => {
    const existing = s.existing.get(session.id, user.id) as RawRecord | undefined;
    // An end that committed a moment ago (after this code was validated) wrote
    // an automatic absent: the student hears that the session ended.
    if (existing?.method === "auto") throw new AppError("session_ended", endedMessage(course));
    if (existing) return { record: fromRaw(existing, user.name), session: sessionInfo, alreadyCheckedIn: true, created: false };
    // Session state is re-read inside the transaction: an end that committed a
    // moment ago wins over a check-in that validated its code before it.
    const state = s.sessionStatus.get(session.id);
    if (state !== "active") throw new AppError("session_ended", endedMessage(course));
    if (session.closeAfterMinutes !== null && scannedAt > session.startedAt + session.closeAfterMinutes * 60_000) {
      throw new AppError("checkin_closed", `Check-in for ${course.code ?? course.name} closed ${session.closeAfterMinutes} minute${session.closeAfterMinutes === 1 ? "" : "s"} after the start. Talk to your teacher.`);
    }
    if (ctx.deviceId) {
      const other = s.deviceOwner.get(session.id, ctx.deviceId, user.id) as { studentId: string; name: string } | undefined;
      if (other) {
        flag = { sessionId: session.id, studentId: user.id, studentName: user.name, reason: "device_already_used", at: new Date(t).toISOString(), otherStudentId: other.studentId, otherStudentName: other.name };
        s.flagRecord.run(t, session.id, other.studentId);
        s.audit.run(t, user.id, "record", "checkin_flagged", session.id, course.id, user.id, other.studentId, "device_already_used");
        return null as unknown as CheckinOutcome; // committed; the refusal is thrown below
      }
    }
    const elapsed = scannedAt - session.startedAt;
    const late = elapsed > session.lateAfterMinutes * 60_000;
    const status = late ? "late" : "present";
    // At least 1: "late by 0 minutes" would read as not late (lateAfterMinutes may be 0).
    const lateMinutes = late ? Math.max(1, Math.floor(elapsed / 60_000)) : null;
    s.insert.run(session.id, user.id, status, method, scannedAt, lateMinutes, ctx.deviceId, ctx.ip, ctx.userAgent?.slice(0, 300) ?? null, t, t);
    s.audit.run(t, user.id, "record", "checkin", session.id, course.id, user.id, null, status);
    const raw = s.existing.get(session.id, user.id) as RawRecord;
    return { record: fromRaw(raw, user.name), session: sessionInfo, alreadyCheckedIn: false, created: true };
  })();

  if (flag) {
    const f: FlaggedDto = flag;
    emitFlagged(f);
    throw new AppError("device_already_used", "This phone was already used to check in another student in this session. Each student checks in on their own device.");
  }
  if (outcome.created) afterCommit("check-in broadcast", () => emitMarked(session.id, outcome.record, countNewRecord(session.id, course.id, outcome.record.status)));
  return outcome;
}

function notEnrolledMessage(course: Course, status: string | null): string {
  const name = course.code ? `${course.code} ${course.name}` : course.name;
  if (status === "pending") return `Your request to join ${name} is waiting for the teacher's approval.`;
  if (status === "rejected") return `Your request to join ${name} was declined. Talk to your teacher.`;
  return `You are not enrolled in ${name}.`;
}
