import { and, eq } from "drizzle-orm";
import { AppError } from "../api/errors";
import { getDb } from "../db/client";
import { courses, courseStaff, enrollments, type Course, type EnrollmentStatus, type StaffRole } from "../db/schema";

export type CourseRole = StaffRole | "student";

export type CourseAccess = {
  course: Course;
  role: CourseRole | null;
  enrollmentStatus: EnrollmentStatus | null;
};

export function courseAccess(userId: string, courseId: string): CourseAccess | null {
  const db = getDb();
  const course = db.select().from(courses).where(eq(courses.id, courseId)).get();
  if (!course) return null;
  const staff = db
    .select({ role: courseStaff.role })
    .from(courseStaff)
    .where(and(eq(courseStaff.courseId, courseId), eq(courseStaff.userId, userId)))
    .get();
  const enrollment = db
    .select({ status: enrollments.status })
    .from(enrollments)
    .where(and(eq(enrollments.courseId, courseId), eq(enrollments.studentId, userId)))
    .get();
  const enrollmentStatus = enrollment?.status ?? null;
  const role: CourseRole | null = staff?.role ?? (enrollmentStatus === "approved" ? "student" : null);
  return { course, role, enrollmentStatus };
}

export const isStaff = (role: CourseRole | null): role is StaffRole => role === "owner" || role === "ta";

/** Course must exist (404) and the caller must be staff (403), or owner when `ownerOnly`. */
export function requireStaff(userId: string, courseId: string, ownerOnly = false): CourseAccess & { role: StaffRole } {
  const access = courseAccess(userId, courseId);
  if (!access) throw new AppError("not_found", "Course not found.");
  if (!isStaff(access.role) || (ownerOnly && access.role !== "owner")) throw new AppError("forbidden");
  return access as CourseAccess & { role: StaffRole };
}

/** Staff or an approved student; anyone else gets 403 without learning more. */
export function requireMember(userId: string, courseId: string): CourseAccess & { role: CourseRole } {
  const access = courseAccess(userId, courseId);
  if (!access) throw new AppError("not_found", "Course not found.");
  if (!access.role) throw new AppError("forbidden");
  return access as CourseAccess & { role: CourseRole };
}
