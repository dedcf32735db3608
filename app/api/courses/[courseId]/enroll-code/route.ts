import { json, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { regenerateEnrollCode } from "@/lib/courses/settings";

export const POST = route<{ courseId: string }>(async (req, { courseId }) => {
  const user = await requireUser(req);
  return json(await regenerateEnrollCode(user, courseId));
});
