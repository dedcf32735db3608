import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { listInvitations } from "@/lib/courses/invitations";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    return json({ invitations: await listInvitations(user, courseId) });
  }),
});
