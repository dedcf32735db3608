import { AppError } from "../errors";
import type { CourseRole } from "../model/vocabulary";

/**
 * Who may do what in a course (SPEC §1 and §9), in one table. Every REST
 * handler, socket handler and page asks `can`/`requireCan` with one of these
 * actions; nothing else decides by comparing roles.
 */
export const COURSE_ACTIONS = [
  /** Open the staff side of the course: roster, enroll code, history. */
  "course.view",
  /** Start and end sessions, show and regenerate their codes, watch the console. */
  "session.run",
  /** Mark or change a student's attendance by hand. */
  "attendance.mark",
  /** Sessions history, reports, audit trails. */
  "history.view",
  /** CSV exports. */
  "export",
  /** Approve, reject, drop; import a class list; list and withdraw roster invitations. */
  "roster.manage",
  /** See the staff list. */
  "staff.view",
  /** Add, change and remove owners and TAs. */
  "staff.manage",
  /** Change the course's settings. */
  "settings.edit",
  /** Make a new enroll code (the old one stops working). */
  "enrollCode.regenerate",
  /** Archive and restore the course. */
  "course.archive",
  /** Check in to the course's active session. */
  "attendance.checkin",
  /** See one's own records in the course. */
  "records.own",
] as const;

export type CourseAction = (typeof COURSE_ACTIONS)[number];

const OWNER_TA = ["owner", "ta"] as const;
const OWNER = ["owner"] as const;
const STUDENT = ["student"] as const;

/** SPEC §1: TAs run sessions, mark, view history, export and manage the roster; only owners change settings and staff, regenerate the enroll code or archive. */
export const COURSE_PERMISSIONS: Record<CourseAction, readonly CourseRole[]> = {
  "course.view": OWNER_TA,
  "session.run": OWNER_TA,
  "attendance.mark": OWNER_TA,
  "history.view": OWNER_TA,
  export: OWNER_TA,
  "roster.manage": OWNER_TA,
  "staff.view": OWNER_TA,
  "staff.manage": OWNER,
  "settings.edit": OWNER,
  "enrollCode.regenerate": OWNER,
  "course.archive": OWNER,
  "attendance.checkin": STUDENT,
  "records.own": STUDENT,
};

export function can(role: CourseRole | null | undefined, action: CourseAction): boolean {
  return role != null && COURSE_PERMISSIONS[action].includes(role);
}

/** Every action the role may take, for pages that show only the buttons a person may use. */
export function allowedActions(role: CourseRole | null | undefined): Record<CourseAction, boolean> {
  return Object.fromEntries(COURSE_ACTIONS.map((a) => [a, can(role, a)])) as Record<CourseAction, boolean>;
}

const REFUSALS: Partial<Record<CourseAction, string>> = {
  "staff.manage": "Only the course's teachers (owners) can change its staff.",
  "settings.edit": "Only the course's teachers (owners) can change its settings.",
  "enrollCode.regenerate": "Only the course's teachers (owners) can make a new enroll code.",
  "course.archive": "Only the course's teachers (owners) can archive or restore it.",
};

export function requireCan(role: CourseRole | null | undefined, action: CourseAction): void {
  if (!can(role, action)) throw new AppError("forbidden", role === "ta" ? REFUSALS[action] : undefined);
}
