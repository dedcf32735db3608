import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { sessionAudit } from "@/lib/records/audit-trail";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ sessionId: string }>(async (req, { sessionId }) => {
    const user = await requireUser(req);
    return json({ events: await sessionAudit(user, sessionId) });
  }),
});
