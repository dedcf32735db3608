import { json, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { getCourse } from "@/lib/courses/service";

export const GET = route<{ courseId: string }>(async (req, { courseId }) => {
  const user = await requireUser(req);
  return json(getCourse(user, courseId));
});
