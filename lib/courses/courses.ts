import { sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import { getDb } from "../db/client";
import { columnsOf } from "../db/rows";
import { courses, type Course } from "../db/schema";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { newEnrollCode, newId } from "../ids";
import { now } from "../clock";
import { courseTermFields, DEFAULT_SESSION_SETTINGS, DEFAULT_TERM_SETTINGS, sessionSettingsFields } from "../model/settings";
import { isStaff, type CourseRole, type EnrollmentStatus, type PublicUser, type StaffRole } from "../model/vocabulary";
import { decodeCourse, requireMember } from "./access";
import { courseStudents } from "./enrollment";

export const createCourseSchema = z.object({
  name: z.string().trim().min(1, "Enter a course name.").max(120),
  code: z.string().trim().max(20).optional().transform((v) => v || null),
  term: z.string().trim().max(40).optional().transform((v) => v || null),
  autoApprove: z.boolean().default(true),
  lateAfterMinutes: sessionSettingsFields.lateAfterMinutes.optional(),
  closeAfterMinutes: sessionSettingsFields.closeAfterMinutes.optional(),
  rotationSeconds: sessionSettingsFields.rotationSeconds.optional(),
  codeRotationSeconds: sessionSettingsFields.codeRotationSeconds.optional(),
  // The creating teacher's browser sends its own zone (SPEC §9); UTC otherwise.
  timeZone: courseTermFields.timeZone.optional(),
  lateCredit: courseTermFields.lateCredit.optional(),
  warnBelowPercent: courseTermFields.warnBelowPercent.optional(),
});

/** The address phones and links use (APP_URL). */
export function appUrl(): string {
  return getEnv().APP_URL;
}

export function enrollUrl(enrollCode: string): string {
  return `${appUrl()}/enroll/${enrollCode}`;
}

/** Is a session of the course running? (Archiving would end it.) */
export async function hasActiveSession(courseId: string): Promise<boolean> {
  return !!(await getDb().get(sql`SELECT 1 AS found FROM sessions WHERE course_id = ${courseId} AND status = 'active'`));
}

export type CourseDto = ReturnType<typeof courseDto>;

/** Staff see the enroll code and session defaults; students the course's name. */
export function courseDto(c: Course, role: CourseRole | null) {
  const base = { id: c.id, name: c.name, code: c.code, term: c.term, archivedAt: c.archivedAt === null ? null : new Date(c.archivedAt).toISOString() };
  if (!isStaff(role)) return base;
  return {
    ...base,
    enrollCode: c.enrollCode,
    enrollUrl: enrollUrl(c.enrollCode),
    autoApprove: c.autoApprove,
    lateAfterMinutes: c.lateAfterMinutes,
    closeAfterMinutes: c.closeAfterMinutes,
    rotationSeconds: c.rotationSeconds,
    codeRotationSeconds: c.codeRotationSeconds,
    timeZone: c.timeZone,
    lateCredit: c.lateCredit,
    warnBelowPercent: c.warnBelowPercent,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}

export async function createCourse(owner: PublicUser, input: z.infer<typeof createCourseSchema>) {
  if (owner.kind !== "teacher") throw new AppError("forbidden", "Only teachers can create courses.");
  const t = now();
  const course: Course = {
    id: newId(),
    name: input.name,
    code: input.code,
    term: input.term,
    enrollCode: newEnrollCode(),
    autoApprove: input.autoApprove,
    lateAfterMinutes: input.lateAfterMinutes ?? DEFAULT_SESSION_SETTINGS.lateAfterMinutes,
    closeAfterMinutes: input.closeAfterMinutes ?? DEFAULT_SESSION_SETTINGS.closeAfterMinutes,
    rotationSeconds: input.rotationSeconds ?? DEFAULT_SESSION_SETTINGS.rotationSeconds,
    codeRotationSeconds: input.codeRotationSeconds ?? DEFAULT_SESSION_SETTINGS.codeRotationSeconds,
    timeZone: input.timeZone ?? DEFAULT_TERM_SETTINGS.timeZone,
    lateCredit: input.lateCredit ?? DEFAULT_TERM_SETTINGS.lateCredit,
    warnBelowPercent: input.warnBelowPercent ?? DEFAULT_TERM_SETTINGS.warnBelowPercent,
    ownerId: owner.id,
    createdAt: t,
    archivedAt: null,
  };
  await getDb().transaction(async (tx) => {
    await tx.run(sql`
      INSERT INTO courses (id, name, code, term, enroll_code, auto_approve, late_after_minutes, close_after_minutes,
                           rotation_seconds, code_rotation_seconds, time_zone, late_credit, warn_below_percent, owner_id, created_at)
      VALUES (${course.id}, ${course.name}, ${course.code}, ${course.term}, ${course.enrollCode}, ${course.autoApprove},
              ${course.lateAfterMinutes}, ${course.closeAfterMinutes}, ${course.rotationSeconds}, ${course.codeRotationSeconds},
              ${course.timeZone}, ${course.lateCredit}, ${course.warnBelowPercent}, ${course.ownerId}, ${t})`);
    await tx.run(sql`INSERT INTO course_staff (id, course_id, user_id, role, created_at) VALUES (${newId()}, ${course.id}, ${owner.id}, 'owner', ${t})`);
    await audit(tx, { at: t, actorId: owner.id, entity: "course", action: "create", courseId: course.id, subjectId: course.id, to: course.name });
  });
  return courseDto(course, "owner");
}

export type CourseListItem = CourseDto & { role: CourseRole | null; enrollmentStatus?: EnrollmentStatus; activeSessionId: string | null };

/**
 * Every course the user teaches or is enrolled in (any status, so pending
 * requests show). Archived courses leave the list; `{ archived: true }` lists
 * those alone (SPEC §9).
 */
export async function listCourses(user: PublicUser, opts: { archived?: boolean } = {}): Promise<CourseListItem[]> {
  const archived = opts.archived ? sql`c.archived_at IS NOT NULL` : sql`c.archived_at IS NULL`;
  const rows = await getDb().all<Course & { staffRole: StaffRole | null; enrollmentStatus: EnrollmentStatus | null; activeSessionId: string | null }>(sql`
    SELECT ${columnsOf(courses, "c")}, st.role AS "staffRole", e.status AS "enrollmentStatus", a.id AS "activeSessionId"
    FROM courses c
    LEFT JOIN course_staff st ON st.course_id = c.id AND st.user_id = ${user.id}
    LEFT JOIN enrollments e ON e.course_id = c.id AND e.student_id = ${user.id}
    LEFT JOIN sessions a ON a.course_id = c.id AND a.status = 'active'
    WHERE (st.user_id IS NOT NULL OR e.student_id IS NOT NULL) AND ${archived}`);
  return rows
    .map(({ staffRole, enrollmentStatus, activeSessionId, ...row }) => {
      const course = decodeCourse(row);
      if (staffRole) return { ...courseDto(course, staffRole), role: staffRole, activeSessionId };
      const role = enrollmentStatus === "approved" ? ("student" as const) : null;
      return {
        ...courseDto(course, role),
        role,
        enrollmentStatus: enrollmentStatus!,
        // Only approved students learn that a session is running.
        activeSessionId: role ? activeSessionId : null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function getCourse(user: PublicUser, courseId: string) {
  const access = await requireMember(user.id, courseId);
  const course = courseDto(access.course, access.role);
  if (!isStaff(access.role)) return { course, role: access.role };
  return { course, role: access.role, students: await courseStudents(courseId) };
}
