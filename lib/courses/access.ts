import { sql } from "drizzle-orm";
import { getDb, type Queryable } from "../db/client";
import { columnsOf, decodeBooleans } from "../db/rows";
import { courses, type Course } from "../db/schema";
import { AppError } from "../errors";
import type { CourseRole, EnrollmentStatus, StaffRole } from "../model/vocabulary";
import { requireCan, type CourseAction } from "./permissions";

export type CourseAccess = {
  course: Course;
  role: CourseRole | null;
  enrollmentStatus: EnrollmentStatus | null;
};

export function decodeCourse(row: Course): Course {
  return decodeBooleans(row, ["autoApprove"]);
}

export async function findCourse(courseId: string, db: Queryable = getDb()): Promise<Course | null> {
  const row = await db.get<Course>(sql`SELECT ${columnsOf(courses, "c")} FROM courses c WHERE c.id = ${courseId}`);
  return row ? decodeCourse(row) : null;
}

/** The caller's role in a course in one query: staff role, else `student` when approved, else none. */
export async function courseAccess(userId: string, courseId: string, db: Queryable = getDb()): Promise<CourseAccess | null> {
  const row = await db.get<Course & { staffRole: StaffRole | null; enrollmentStatus: EnrollmentStatus | null }>(sql`
    SELECT ${columnsOf(courses, "c")}, st.role AS "staffRole", e.status AS "enrollmentStatus"
    FROM courses c
    LEFT JOIN course_staff st ON st.course_id = c.id AND st.user_id = ${userId}
    LEFT JOIN enrollments e ON e.course_id = c.id AND e.student_id = ${userId}
    WHERE c.id = ${courseId}`);
  if (!row) return null;
  const { staffRole, enrollmentStatus, ...course } = row;
  const role: CourseRole | null = staffRole ?? (enrollmentStatus === "approved" ? "student" : null);
  return { course: decodeCourse(course), role, enrollmentStatus };
}

/**
 * The course must exist (404) and the caller's role must allow `action`
 * (403, lib/courses/permissions.ts). Every course-scoped write and read goes
 * through here, REST and socket alike.
 */
export async function authorize(userId: string, courseId: string, action: CourseAction, db?: Queryable): Promise<CourseAccess & { role: CourseRole }> {
  const access = await courseAccess(userId, courseId, db);
  if (!access) throw new AppError("not_found", "Course not found.");
  requireCan(access.role, action);
  return access as CourseAccess & { role: CourseRole };
}

/** Staff or an approved student; anyone else gets 403 without learning more. */
export async function requireMember(userId: string, courseId: string, db?: Queryable): Promise<CourseAccess & { role: CourseRole }> {
  const access = await courseAccess(userId, courseId, db);
  if (!access) throw new AppError("not_found", "Course not found.");
  if (!access.role) throw new AppError("forbidden");
  return access as CourseAccess & { role: CourseRole };
}

/**
 * Inside a transaction: writes the course row to itself, which makes every
 * change that calls this serialize on the course (PostgreSQL holds the row
 * lock until commit and re-checks the condition; SQLite has one writer).
 * Archive, staff changes and new sessions or enrollments then cannot
 * interleave: the last owner cannot be removed twice, and nothing new starts
 * in a course archived a moment ago. `requireOpen` refuses archived courses.
 */
export async function lockCourse(tx: Queryable, courseId: string, opts: { requireOpen?: boolean } = {}): Promise<void> {
  const row = await tx.get<{ archivedAt: number | null }>(sql`
    UPDATE courses SET archived_at = archived_at WHERE id = ${courseId} RETURNING archived_at AS "archivedAt"`);
  if (!row) throw new AppError("not_found", "Course not found.");
  if (opts.requireOpen && row.archivedAt !== null) throw new AppError("course_archived");
}

/** Every session of the course, for revoking someone's access to all of them at once. */
export async function courseSessionIds(db: Queryable, courseId: string): Promise<string[]> {
  return (await db.all<{ id: string }>(sql`SELECT id FROM sessions WHERE course_id = ${courseId}`)).map((r) => r.id);
}
