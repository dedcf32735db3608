import { json, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { endSession } from "@/lib/attendance/lifecycle";

export const POST = route<{ sessionId: string }>(async (req, { sessionId }) => {
  const user = await requireUser(req);
  return json(await endSession(user, sessionId));
});
