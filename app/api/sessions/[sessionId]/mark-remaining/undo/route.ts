import { json, methods, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { undoRemaining, undoRemainingSchema } from "@/lib/attendance/bulk";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route<{ sessionId: string }>(async (req, { sessionId }) => {
    const user = await requireUser(req);
    const input = await readJson(req, undoRemainingSchema);
    return json(await undoRemaining(user, sessionId, input));
  }),
});
