import { json, methods, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { markRemaining, markRemainingSchema } from "@/lib/attendance/bulk";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route<{ sessionId: string }>(async (req, { sessionId }) => {
    const user = await requireUser(req);
    const input = await readJson(req, markRemainingSchema);
    return json(await markRemaining(user, sessionId, input));
  }),
});
