import { json, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { getCourse } from "@/lib/courses/courses";

export const GET = route<{ courseId: string }>(async (req, { courseId }) => {
  const user = await requireUser(req);
  return json(await getCourse(user, courseId));
});
