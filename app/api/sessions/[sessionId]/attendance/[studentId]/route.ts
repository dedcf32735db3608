import { json, methods, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { markAttendance, markSchema } from "@/lib/attendance/marking";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  PATCH: route<{ sessionId: string; studentId: string }>(async (req, { sessionId, studentId }) => {
    const user = await requireUser(req);
    const input = await readJson(req, markSchema);
    return json(await markAttendance(user, sessionId, studentId, input));
  }),
});
