import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { regenerateEnrollCode } from "@/lib/courses/settings";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    return json(await regenerateEnrollCode(user, courseId));
  }),
});
