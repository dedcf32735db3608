import { StudentsPanel } from "@/components/course/students-panel";
import { courseRoster } from "@/lib/courses/enrollment";
import { listInvitations } from "@/lib/courses/invitations";
import type { CourseTabProps } from "../tabs";

/** Students: approvals, the class list with numbers, import with a preview, invitations. */
export async function StudentsTab({ user, courseId, course }: CourseTabProps) {
  const [students, invitations] = await Promise.all([courseRoster(user, courseId), listInvitations(user, courseId)]);
  return (
    <StudentsPanel
      courseId={courseId}
      courseName={course.name}
      students={students.map(({ id, name, email, status, studentNumber }) => ({ id, name, email, status, studentNumber }))}
      invitations={invitations}
      archived={course.archivedAt !== null}
    />
  );
}
