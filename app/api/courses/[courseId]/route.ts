import { json, methods, readJson, route } from "@/lib/api/route";
import { archiveCourse } from "@/lib/attendance/archive";
import { requireUser } from "@/lib/auth/current-user";
import { getCourse } from "@/lib/courses/courses";
import { updateCourse, updateCourseSchema } from "@/lib/courses/settings";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    return json(await getCourse(user, courseId));
  }),
  PATCH: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    const input = await readJson(req, updateCourseSchema);
    return json({ course: await updateCourse(user, courseId, input) });
  }),
  /** Archives (SPEC §9): records are kept; restore with POST …/restore. */
  DELETE: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    return json({ course: await archiveCourse(user, courseId) });
  }),
});
