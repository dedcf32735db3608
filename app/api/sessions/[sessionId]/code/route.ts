import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { currentCode, regenerateCode } from "@/lib/attendance/lifecycle";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ sessionId: string }>(async (req, { sessionId }) => {
    const user = await requireUser(req);
    return json(await currentCode(user, sessionId));
  }),
  POST: route<{ sessionId: string }>(async (req, { sessionId }) => {
    const user = await requireUser(req);
    return json(await regenerateCode(user, sessionId));
  }),
});
