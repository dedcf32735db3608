import { json, methods, route } from "@/lib/api/route";
import { restoreCourse } from "@/lib/attendance/archive";
import { requireUser } from "@/lib/auth/current-user";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    return json({ course: await restoreCourse(user, courseId) });
  }),
});
