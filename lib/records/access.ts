import { authorize, type CourseAccess } from "../courses/access";
import type { CourseAction } from "../courses/permissions";

/** The course (404 when there is none) and the caller's access, refused (403) unless their role may take `action`. */
export async function requireCourseAction(userId: string, courseId: string, action: CourseAction): Promise<CourseAccess> {
  return authorize(userId, courseId, action);
}
