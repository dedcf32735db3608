import { json, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { sessionAudit } from "@/lib/records/audit-trail";

export const GET = route<{ sessionId: string }>(async (req, { sessionId }) => {
  const user = await requireUser(req);
  return json({ events: await sessionAudit(user, sessionId) });
});
