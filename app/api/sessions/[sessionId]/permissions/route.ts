import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { sessionPermissions } from "@/lib/attendance/view";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ sessionId: string }>(async (req, { sessionId }) => {
    const user = await requireUser(req);
    return json(await sessionPermissions(user, sessionId));
  }),
});
