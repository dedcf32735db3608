import { json, methods, readJson, route } from "@/lib/api/route";
import { startSession } from "@/lib/attendance/lifecycle";
import { requireUser } from "@/lib/auth/current-user";
import { startSessionSchema } from "@/lib/model/settings";
import { courseHistory } from "@/lib/records/history";
import { parseRecordsQuery } from "@/lib/records/range";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    const range = parseRecordsQuery(new URL(req.url).searchParams);
    const { sessions } = await courseHistory(user, courseId, range);
    return json({ sessions });
  }),
  POST: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    const input = await readJson(req, startSessionSchema);
    return json({ session: await startSession(user, courseId, input) }, 201);
  }),
});
