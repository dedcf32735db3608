import { json, readJson, route } from "@/lib/api/route";
import { listCourseSessions } from "@/lib/attendance/history";
import { startSession } from "@/lib/attendance/lifecycle";
import { requireUser } from "@/lib/auth/current-user";
import { startSessionSchema } from "@/lib/model/settings";

export const GET = route<{ courseId: string }>(async (req, { courseId }) => {
  const user = await requireUser(req);
  return json({ sessions: await listCourseSessions(user, courseId) });
});

export const POST = route<{ courseId: string }>(async (req, { courseId }) => {
  const user = await requireUser(req);
  const input = await readJson(req, startSessionSchema);
  return json({ session: await startSession(user, courseId, input) }, 201);
});
