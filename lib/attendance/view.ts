import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { AppError, isAppError } from "../errors";
import type { FlaggedDto, SessionView, StaffSessionView } from "../model/attendance";
import { isStaff, type CourseRole, type PublicUser } from "../model/vocabulary";
import { courseAccess } from "../courses/access";
import { can } from "../courses/permissions";
import { getCounts } from "./counts";
import { codeNow } from "./lifecycle";
import { findRecord, roster } from "./records";
import { loadSession, sessionDto, type SessionWithCourse } from "./sessions";

/** The session, its course and the caller's role in it (null for strangers). 404 for unknown ids. */
export async function sessionAccess(user: PublicUser, sessionId: string): Promise<SessionWithCourse & { role: CourseRole | null }> {
  const row = await loadSession(sessionId);
  const access = await courseAccess(user.id, row.session.courseId);
  return { ...row, role: access?.role ?? null };
}

/** Refused check-ins from a device already used by another student, newest first. */
export async function flaggedAttempts(sessionId: string): Promise<FlaggedDto[]> {
  const rows = await getDb().all<Omit<FlaggedDto, "at" | "sessionId"> & { at: number }>(sql`
    SELECT a.at, a.subject_id AS "studentId", u.name AS "studentName", a.from_value AS "otherStudentId",
           o.name AS "otherStudentName", a.to_value AS reason
    FROM audit_events a JOIN users u ON u.id = a.subject_id LEFT JOIN users o ON o.id = a.from_value
    WHERE a.session_id = ${sessionId} AND a.action = 'checkin_flagged' ORDER BY a.id DESC LIMIT 200`);
  return rows.map((r) => ({ ...r, sessionId, at: new Date(Number(r.at)).toISOString() }));
}

/** The full picture a console needs; also what a reconnecting console gets again. */
export async function sessionView(user: PublicUser, sessionId: string): Promise<SessionView> {
  const access = await sessionAccess(user, sessionId);
  return viewFor(user, access);
}

async function viewFor(user: PublicUser, { session, course, role }: SessionWithCourse & { role: CourseRole | null }): Promise<SessionView> {
  if (!role) throw new AppError("forbidden");
  const dto = sessionDto(session, course);
  if (isStaff(role) && can(role, "session.run")) {
    const [counts, rows, flagged] = await Promise.all([getCounts(session.id, course.id), roster(session.id, course.id), flaggedAttempts(session.id)]);
    return { role, session: dto, counts, roster: rows, code: session.status === "active" ? codeNow(session) : null, flagged };
  }
  return { role: "student", session: dto, me: await findRecord(session.id, user.id) };
}

export type ConsolePage = { ok: true; view: StaffSessionView } | { ok: false; role: "student" | null } | { ok: false; notFound: true };

/**
 * The first render of the console and the projector: the same view a
 * `session:watch` returns, read once on the server so the page paints
 * complete. Students and strangers get the 403 screen.
 */
export async function loadConsolePage(user: PublicUser, sessionId: string): Promise<ConsolePage> {
  let access;
  try {
    access = await sessionAccess(user, sessionId);
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") return { ok: false, notFound: true };
    throw e;
  }
  if (!can(access.role, "session.run")) return { ok: false, role: access.role === "student" ? "student" : null };
  return { ok: true, view: (await viewFor(user, access)) as StaffSessionView };
}

export async function sessionPermissions(user: PublicUser, sessionId: string) {
  const { session, role } = await sessionAccess(user, sessionId);
  const active = session.status === "active";
  return {
    role,
    permissions: {
      canViewRoster: can(role, "course.view"),
      canMark: can(role, "attendance.mark"),
      canEnd: can(role, "session.run") && active,
      canRegenerateCode: can(role, "session.run") && active,
      canCheckIn: can(role, "attendance.checkin") && active,
      canExport: can(role, "export"),
    },
  };
}
