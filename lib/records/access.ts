import { courseAccess, type CourseAccess } from "../courses/access";
import { requireCan, type CourseAction } from "../courses/permissions";
import { AppError } from "../errors";

/** The course (404 when there is none) and the caller's access, refused (403) unless their role may take `action`. */
export async function requireCourseAction(userId: string, courseId: string, action: CourseAction): Promise<CourseAccess> {
  const access = await courseAccess(userId, courseId);
  if (!access) throw new AppError("not_found", "Course not found.");
  requireCan(access.role, action);
  return access;
}
