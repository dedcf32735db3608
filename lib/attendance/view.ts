import type { PublicUser } from "../auth/users";
import { AppError } from "../api/errors";
import { courseAccess, isStaff, type CourseRole } from "../courses/access";
import { getDb } from "../db/client";
import type { StaffWatch, StudentWatch } from "../realtime/events";
import { codeOf } from "./lifecycle";
import { findRecord, getCounts, loadSession, roster, sessionDto } from "./queries";
import type { FlaggedDto } from "./types";

/** Who may see this session: staff, or a student approved in its course. 404 for unknown ids, 403 for strangers. */
export function sessionAccess(user: PublicUser, sessionId: string) {
  const row = loadSession(sessionId);
  const access = courseAccess(user.id, row.session.courseId);
  return { ...row, role: access?.role ?? null };
}

export function flaggedAttempts(sessionId: string): FlaggedDto[] {
  const rows = getDb()
    .$client.prepare(
      `SELECT a.at, a.subject_id AS studentId, u.name AS studentName, a.from_value AS otherStudentId, o.name AS otherStudentName, a.to_value AS reason
       FROM audit_events a JOIN users u ON u.id = a.subject_id LEFT JOIN users o ON o.id = a.from_value
       WHERE a.session_id = ? AND a.action = 'checkin_flagged' ORDER BY a.id DESC LIMIT 200`,
    )
    .all(sessionId) as Array<{ at: number; studentId: string; studentName: string; otherStudentId: string | null; otherStudentName: string | null; reason: string }>;
  return rows.map((r) => ({ ...r, sessionId, at: new Date(r.at).toISOString() }));
}

/** The full picture a console needs; also what a reconnecting console gets again. */
export function sessionView(user: PublicUser, sessionId: string): StaffWatch | StudentWatch {
  const { session, course, role } = sessionAccess(user, sessionId);
  if (!role) throw new AppError("forbidden");
  const dto = sessionDto(session, course);
  if (isStaff(role)) {
    return {
      role,
      session: dto,
      counts: getCounts(sessionId, course.id),
      roster: roster(sessionId, course.id),
      code: session.status === "active" ? codeOf(session) : null,
      flagged: flaggedAttempts(sessionId),
    };
  }
  return { role: "student", session: dto, me: findRecord(sessionId, user.id) };
}

export function sessionPermissions(user: PublicUser, sessionId: string) {
  const { session, role } = sessionAccess(user, sessionId);
  const staff = isStaff(role);
  const active = session.status === "active";
  return {
    role: role as CourseRole | null,
    permissions: {
      canViewRoster: staff,
      canMark: staff,
      canEnd: staff && active,
      canRegenerateCode: staff && active,
      canCheckIn: role === "student" && active,
      canExport: staff,
    },
  };
}
