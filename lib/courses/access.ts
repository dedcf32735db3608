import { and, eq, sql } from "drizzle-orm";
import { AppError } from "../api/errors";
import { prepared } from "../db/prepared";
import { courses, courseStaff, enrollments, type Course, type EnrollmentStatus, type StaffRole } from "../db/schema";

export type CourseRole = StaffRole | "student";

export type CourseAccess = {
  course: Course;
  role: CourseRole | null;
  enrollmentStatus: EnrollmentStatus | null;
};

const queries = prepared("access.courseAccess", (db) => ({
  course: db.select().from(courses).where(eq(courses.id, sql.placeholder("courseId"))).prepare(),
  staff: db
    .select({ role: courseStaff.role })
    .from(courseStaff)
    .where(and(eq(courseStaff.courseId, sql.placeholder("courseId")), eq(courseStaff.userId, sql.placeholder("userId"))))
    .prepare(),
  enrollment: db
    .select({ status: enrollments.status })
    .from(enrollments)
    .where(and(eq(enrollments.courseId, sql.placeholder("courseId")), eq(enrollments.studentId, sql.placeholder("userId"))))
    .prepare(),
}));

export function courseAccess(userId: string, courseId: string): CourseAccess | null {
  const q = queries();
  const course = q.course.get({ courseId });
  if (!course) return null;
  const staff = q.staff.get({ courseId, userId });
  const enrollment = q.enrollment.get({ courseId, userId });
  const enrollmentStatus = enrollment?.status ?? null;
  const role: CourseRole | null = staff?.role ?? (enrollmentStatus === "approved" ? "student" : null);
  return { course, role, enrollmentStatus };
}

export const isStaff = (role: CourseRole | null): role is StaffRole => role === "owner" || role === "ta";

/** Course must exist (404) and the caller must be staff (403). */
export function requireStaff(userId: string, courseId: string): CourseAccess & { role: StaffRole } {
  const access = courseAccess(userId, courseId);
  if (!access) throw new AppError("not_found", "Course not found.");
  if (!isStaff(access.role)) throw new AppError("forbidden");
  return access as CourseAccess & { role: StaffRole };
}

/** Staff or an approved student; anyone else gets 403 without learning more. */
export function requireMember(userId: string, courseId: string): CourseAccess & { role: CourseRole } {
  const access = courseAccess(userId, courseId);
  if (!access) throw new AppError("not_found", "Course not found.");
  if (!access.role) throw new AppError("forbidden");
  return access as CourseAccess & { role: CourseRole };
}
