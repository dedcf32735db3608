import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { withdrawInvitation } from "@/lib/courses/invitations";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  DELETE: route<{ courseId: string; invitationId: string }>(async (req, { courseId, invitationId }) => {
    const user = await requireUser(req);
    await withdrawInvitation(user, courseId, invitationId);
    return json({ ok: true });
  }),
});
