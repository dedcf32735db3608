import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { endSession } from "@/lib/attendance/lifecycle";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route<{ sessionId: string }>(async (req, { sessionId }) => {
    const user = await requireUser(req);
    return json(await endSession(user, sessionId));
  }),
});
