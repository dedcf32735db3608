import { json, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { sessionPermissions } from "@/lib/attendance/view";

export const GET = route<{ sessionId: string }>(async (req, { sessionId }) => {
  const user = await requireUser(req);
  return json(await sessionPermissions(user, sessionId));
});
