import { sql } from "drizzle-orm";
import { getDb, type Queryable } from "../db/client";
import { columnsOf, decodeBooleans } from "../db/rows";
import { courses, type Course } from "../db/schema";
import { AppError } from "../errors";
import { isStaff, type CourseRole, type EnrollmentStatus, type StaffRole } from "../model/vocabulary";

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

/** Course must exist (404) and the caller must be staff (403). */
export async function requireStaff(userId: string, courseId: string, db?: Queryable): Promise<CourseAccess & { role: StaffRole }> {
  const access = await courseAccess(userId, courseId, db);
  if (!access) throw new AppError("not_found", "Course not found.");
  if (!isStaff(access.role)) throw new AppError("forbidden");
  return access as CourseAccess & { role: StaffRole };
}

/** Staff or an approved student; anyone else gets 403 without learning more. */
export async function requireMember(userId: string, courseId: string, db?: Queryable): Promise<CourseAccess & { role: CourseRole }> {
  const access = await courseAccess(userId, courseId, db);
  if (!access) throw new AppError("not_found", "Course not found.");
  if (!access.role) throw new AppError("forbidden");
  return access as CourseAccess & { role: CourseRole };
}
